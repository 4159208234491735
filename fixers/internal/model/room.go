package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/edge"
)

// roomCap is the most free slots the room dataflow counts: a bound of at least roomCap
// is kept as roomCap, so that a loop's fixpoint is reached in a few rounds whatever the
// capacity (a lower bound stays a lower bound).
const roomCap = 8

// HasRoom reports whether the buffer of op's channel has a free slot whenever the send
// op runs, on every path: the send cannot block. It holds when
//
//   - op sends on the channel that a function F makes once (its class has one make), of
//     capacity K > 0 (a constant) or n (a local variable or parameter of F that F never
//     assigns), held by a variable v that a := or var declaration of F gives the make
//     (and then every use of the class is one the model follows: the conditions of Fits
//     but for the count), or by the field f of a struct that such a declaration gives a
//     composite literal &T{f: make(...)} (chanpath.go: x.f is that channel wherever x is
//     in scope; values of the class can only be sent on through x.f);
//   - v or x is never assigned, and every send on the class is on it, in one function G:
//     F itself, or a function literal directly in F that one go statement of F starts
//     once per channel (outside the loops that do not contain the make); so the sends
//     are made one after another, and receives can only free slots. F may send too
//     before G starts when it then declares B := K - len(ch) (the free slots at that
//     point) and makes no send after it: G is given B slots;
//   - a forward dataflow over G's control-flow graph of the least number of free slots
//     gives at least one before op: the buffer is empty where G starts (F makes no
//     send) or where the make runs (G is F), each send on the class takes a slot, and a
//     condition on len(ch) gives slots on the branch where it holds: len(ch) < cap(ch),
//     len(ch) < n or len(ch) != n when n is the capacity, and, for a constant K,
//     len(ch) < k, len(ch) <= k, len(ch) == k, or the negation of the opposite on the
//     other branch (nats.go's delivered <- m; if len(delivered) == totalMsgs { return });
//     with B slots, the flow also follows the slots left beyond B - i for a counter i
//     of G (declared outside G's loops, only ever incremented by one): i < B gives a
//     slot where no more sends than increments were made since i was declared (nats.go's
//     FetchBatch: for requestMsgs < requestBatch { ...; msgs <- msg; requestMsgs++ }).
//
// A select that waits for the send is no different: the dataflow takes the slot whether
// the case is chosen or not.
//
// Or G sends first: it makes all its sends on the channel, at most K, before any other
// sender starts (first.go).
func (cs *Chans) HasRoom(op *ChanOp) bool {
	if op == nil || op.Kind != Send || op.Func == nil {
		return false
	}
	c := cs.Of(op.Ch)
	if c == nil || c.Done || len(c.Makes) != 1 || c.Makes[0].Cap == 0 {
		return false
	}
	return cs.hasRoom(op, c) || cs.sendsFirst(op, c)
}

func (cs *Chans) hasRoom(op *ChanOp, c *Chan) bool {
	path, ok := cs.pathOf(op.Ch)
	if !ok {
		return false
	}
	F, mkCur, ok := cs.madeFor(c, path)
	if !ok {
		return false
	}
	mk := c.Makes[0]
	if mk.Cap < 0 && (!F.Stable(mk.Call.Args[1]) || !localsOf(cs.m.Info, F, mk.Call.Args[1])) {
		return false
	}
	G := op.Func
	fSends := false
	for _, q := range c.Ops {
		if q.Kind != Send {
			continue
		}
		if qp, ok := cs.pathOf(q.Ch); !ok || qp != path {
			return false
		}
		switch q.Func {
		case G:
		case F:
			fSends = true
		default:
			return false
		}
	}
	if G != F {
		if hasGoto(G) || G.Obj != nil || G.Outer != F || len(G.Started) != 1 || G.Started[0].In != F {
			return false
		}
		if k, loop, ok := cs.runs(F, mkCur, G.Started[0]); !ok || loop != nil || k != 1 {
			return false
		}
	}
	r := roomFlow{cs: cs, c: c, path: path, mk: mk, fresh: G != F && !fSends}
	if fSends {
		if r.budget = cs.budget(F, G, c, path, mk); r.budget == nil {
			return false
		}
		r.count = r.findCounter(G)
	}
	return r.before(G, op.Node) >= 1
}

// budget returns the variable B of F declared by B := K - len(ch) (K the capacity of
// ch), from which F makes no send on the class c along any path, and which G refers to:
// at G's start, G has B free slots at least. Nil when there is none.
func (cs *Chans) budget(F, G *Func, c *Chan, path chanPath, mk *Make) *types.Var {
	info := cs.m.Info
	r := roomFlow{cs: cs, c: c, path: path, mk: mk}
	var found *types.Var
	var def ast.Node
	for cur := range F.Cursor.Preorder((*ast.AssignStmt)(nil)) {
		as := cur.Node().(*ast.AssignStmt)
		if as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 || cs.m.Enclosing(cur) != F {
			continue
		}
		sub, ok := ast.Unparen(as.Rhs[0]).(*ast.BinaryExpr)
		if !ok || sub.Op != token.SUB || !r.isCap(sub.X) || !r.isLen(sub.Y) {
			continue
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := info.Defs[id].(*types.Var)
		if !ok || Assigns(info, F.Body, v) || !Refers(info, G.Body, v) {
			continue
		}
		if found != nil {
			return nil
		}
		found, def = v, as
	}
	if found == nil || r.reachesSend(F, def) {
		return nil
	}
	return found
}

// reachesSend reports whether a send on the class follows node n on a path of f's graph
// (or n is not in a live block of it).
func (r *roomFlow) reachesSend(f *Func, n ast.Node) bool {
	g := f.CFG()
	isSend := func(node ast.Node) bool {
		s, ok := node.(*ast.SendStmt)
		if !ok {
			return false
		}
		op := r.cs.Op(s)
		return op != nil && r.cs.Of(op.Ch) == r.c
	}
	seen := make([]bool, len(g.Blocks))
	var work []*cfg.Block
	found := false
	for _, b := range g.Blocks {
		i := slices.Index(b.Nodes, n)
		if !b.Live || i < 0 {
			continue
		}
		found = true
		if slices.ContainsFunc(b.Nodes[i+1:], isSend) {
			return true
		}
		for _, s := range b.Succs {
			if !seen[s.Index] {
				seen[s.Index] = true
				work = append(work, s)
			}
		}
	}
	if !found {
		return true
	}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if slices.ContainsFunc(b.Nodes, isSend) {
			return true
		}
		for _, s := range b.Succs {
			if !seen[s.Index] {
				seen[s.Index] = true
				work = append(work, s)
			}
		}
	}
	return false
}

// Refers reports whether an identifier in n refers to v.
func Refers(info *types.Info, n ast.Node, v types.Object) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// A roomFlow is the dataflow of HasRoom for one channel in one function.
type roomFlow struct {
	cs     *Chans
	c      *Chan
	path   chanPath
	mk     *Make
	fresh  bool       // the buffer is empty at the function's entry
	budget *types.Var // the function has budget free slots at its entry, or nil
	count  *types.Var // the counter of a condition count < budget, or nil
}

// A room is the state of the flow: at least s free slots, and at least budget - i + d,
// for the counter i of a condition i < budget (d is noSlack when unknown).
type room struct{ s, d int }

const noSlack = -1 << 20

// capacity returns the free slots of an empty buffer that the flow counts: K up to
// roomCap, or 0 when the capacity is not a constant.
func (r *roomFlow) capacity() int {
	if r.mk.Cap < 0 {
		return 0
	}
	return int(min(r.mk.Cap, roomCap))
}

func meet(a, b room) room { return room{min(a.s, b.s), min(a.d, b.d)} }

// before returns the least number of free slots (at most roomCap) on any path of f's
// graph to the send at node n, or 0 when n is not in a live block.
func (r *roomFlow) before(f *Func, n ast.Node) int {
	g := f.CFG()
	entry := room{0, noSlack}
	if r.fresh {
		entry.s = r.capacity()
	}
	if r.budget != nil {
		entry.d = 0
	}
	at := -1
	transfer := func(b *cfg.Block, s room, record bool) room {
		for _, node := range b.Nodes {
			if record && node == n {
				at = s.s
			}
			s = r.node(node, s)
		}
		return s
	}
	in, seen := Forward(g, entry, func(b *cfg.Block, s room) room { return transfer(b, s, false) },
		func(e ast.Expr, holds bool, s room) room {
			s.s = max(s.s, r.guard(e, holds, s.d))
			return s
		}, meet)
	for _, b := range g.Blocks {
		if b.Live && seen[b.Index] {
			transfer(b, in[b.Index], true)
			if at >= 0 {
				return at
			}
		}
	}
	return 0
}

// node returns the state after node, from s before it: the make's declaration empties
// the buffer (a new channel), a send on the class takes a slot, an increment of a
// counter gives one back to the budget.
func (r *roomFlow) node(node ast.Node, s room) room {
	switch node := node.(type) {
	case *ast.AssignStmt, *ast.ValueSpec:
		if node.Pos() <= r.mk.Call.Pos() && r.mk.Call.End() <= node.End() {
			return room{r.capacity(), s.d}
		}
		if as, ok := node.(*ast.AssignStmt); ok && as.Tok == token.ADD_ASSIGN && len(as.Lhs) == 1 {
			if one, ok := intConst(r.cs.m.Info, as.Rhs[0]); ok && one == 1 && r.counter(as.Lhs[0]) {
				return room{s.s, slack(s.d + 1)}
			}
		}
	case *ast.IncDecStmt:
		if node.Tok == token.INC && r.counter(node.X) {
			return room{s.s, slack(s.d + 1)}
		}
	case *ast.SendStmt:
		if op := r.cs.Op(node); op != nil && r.cs.Of(op.Ch) == r.c {
			return room{max(s.s-1, 0), slack(s.d - 1)}
		}
	}
	return s
}

// slack bounds d: past roomCap it is kept at roomCap (a lower bound stays one), below
// -roomCap it is unknown; so that a loop's fixpoint is reached in a few rounds.
func slack(d int) int {
	switch {
	case d < -roomCap:
		return noSlack
	case d > roomCap:
		return roomCap
	}
	return d
}

// counter reports whether e is the counter r.count.
func (r *roomFlow) counter(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && r.count != nil && r.cs.m.Info.Uses[id] == r.count
}

// findCounter returns the first variable i of f, in source order, of a condition i <
// r.budget (or r.budget > i) that is a counter of f (isCounter), or nil.
func (r *roomFlow) findCounter(f *Func) *types.Var {
	info := r.cs.m.Info
	var found *types.Var
	ast.Inspect(f.Body, func(n ast.Node) bool {
		be, ok := n.(*ast.BinaryExpr)
		if !ok || found != nil {
			return found == nil
		}
		x, y := be.X, be.Y
		switch be.Op {
		case token.LSS, token.GEQ:
		case token.GTR, token.LEQ:
			x, y = y, x
		default:
			return true
		}
		if !isVar(info, y, r.budget) {
			return true
		}
		if id, ok := ast.Unparen(x).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && r.isCounter(f, v) {
				found = v
			}
		}
		return true
	})
	return found
}

// isCounter reports whether v is a counter of f: a local variable of f of integer type
// declared outside f's loops (or in the init of the outermost) with the value 0 (var i
// int, i := 0), only ever
// incremented by one (i++, i += 1), and referred to by no function literal.
func (r *roomFlow) isCounter(f *Func, v *types.Var) bool {
	info := r.cs.m.Info
	if !inside(f.Body, v.Pos()) || !IsInteger(v.Type()) {
		return false
	}
	good := true
	for cur := range f.Cursor.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		if info.Defs[id] == v {
			// The declaration: the value 0, outside loops and literals of f.
			switch p := cur.Parent().Node().(type) {
			case *ast.AssignStmt:
				if p.Tok != token.DEFINE || len(p.Lhs) != len(p.Rhs) || cur.ParentEdgeKind() != edge.AssignStmt_Lhs {
					good = false
					break
				}
				zero, isConst := intConst(info, p.Rhs[cur.ParentEdgeIndex()])
				good = good && isConst && zero == 0
			case *ast.ValueSpec:
				if len(p.Values) == 0 {
					break // var i int
				}
				if len(p.Values) != len(p.Names) || cur.ParentEdgeKind() != edge.ValueSpec_Names {
					good = false
					break
				}
				zero, isConst := intConst(info, p.Values[cur.ParentEdgeIndex()])
				good = good && isConst && zero == 0
			default:
				good = false
			}
			for q := cur.Parent(); good && q.Node() != f.Body; q = q.Parent() {
				switch q.Node().(type) {
				case *ast.ForStmt:
					// for i := 0; ...: the init runs once for the loop.
					good = q.Node().(*ast.ForStmt).Init == cur.Parent().Node()
				case *ast.RangeStmt, *ast.FuncLit:
					good = false
				}
			}
			continue
		}
		if info.Uses[id] != v {
			continue
		}
		if r.cs.m.Enclosing(cur) != f {
			return false // a literal refers to it
		}
		switch cur.ParentEdgeKind() {
		case edge.IncDecStmt_X:
			good = good && cur.Parent().Node().(*ast.IncDecStmt).Tok == token.INC
		case edge.AssignStmt_Lhs:
			as := cur.Parent().Node().(*ast.AssignStmt)
			one, isConst := intConst(info, as.Rhs[0])
			good = good && as.Tok == token.ADD_ASSIGN && isConst && one == 1
		case edge.UnaryExpr_X:
			good = good && cur.Parent().Node().(*ast.UnaryExpr).Op != token.AND
		case edge.RangeStmt_Key, edge.RangeStmt_Value:
			good = false
		}
		if !good {
			return false
		}
	}
	return good
}

// guard returns the free slots that condition e gives on the branch where its value is
// t, or 0; d is the slack of the budget before it.
func (r *roomFlow) guard(e ast.Expr, t bool, d int) int {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return r.guard(e.X, !t, d)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			if t {
				return max(r.guard(e.X, true, d), r.guard(e.Y, true, d))
			}
			return 0
		case token.LOR:
			if !t {
				return max(r.guard(e.X, false, d), r.guard(e.Y, false, d))
			}
			return 0
		}
		op, x, y := e.Op, e.X, e.Y
		if r.isLen(y) || isVar(r.cs.m.Info, y, r.count) {
			op, x, y = swapped(op), y, x // k > len(ch) is len(ch) < k
		}
		if !t {
			op = negated(op)
		}
		if r.isLen(x) {
			return r.slots(op, y)
		}
		if r.counter(x) && op == token.LSS && isVar(r.cs.m.Info, y, r.budget) && d != noSlack {
			// i < budget: budget - i >= 1.
			return max(min(1+d, roomCap), 0)
		}
	}
	return 0
}

// slots returns the free slots that len(v) op bound implies, or 0.
func (r *roomFlow) slots(op token.Token, bound ast.Expr) int {
	isCap := r.isCap(bound)
	k, isConst := intConst(r.cs.m.Info, bound)
	if r.mk.Cap < 0 {
		isConst = false
	}
	free := func(n int64) int { return int(max(min(n, roomCap), 0)) }
	switch op {
	case token.LSS:
		if isCap {
			return 1
		}
		if isConst {
			return free(r.mk.Cap - k + 1)
		}
	case token.NEQ:
		if isCap || isConst && k == r.mk.Cap {
			return 1 // len(v) <= cap(v) always
		}
	case token.LEQ, token.EQL:
		if isConst {
			return free(r.mk.Cap - k)
		}
	}
	return 0
}

// isLen reports whether e is len(ch), ch the channel of the flow.
func (r *roomFlow) isLen(e ast.Expr) bool { return r.isBuiltinOfV(e, "len") }

// isCap reports whether e is the capacity of ch: cap(ch), or the expression of the make
// when it is not a constant (stable in the function that makes v).
func (r *roomFlow) isCap(e ast.Expr) bool {
	if r.isBuiltinOfV(e, "cap") {
		return true
	}
	return r.mk.Cap < 0 && sameValue(r.cs.m.Info, e, r.mk.Call.Args[1])
}

func (r *roomFlow) isBuiltinOfV(e ast.Expr, name string) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || r.cs.m.Info.Uses[id] != types.Universe.Lookup(name) {
		return false
	}
	p, ok := r.cs.pathOf(call.Args[0])
	return ok && p == r.path
}

// swapped returns the comparison op with its operands swapped (a < b is b > a).
func swapped(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.GTR:
		return token.LSS
	case token.LEQ:
		return token.GEQ
	case token.GEQ:
		return token.LEQ
	}
	return op
}

// negated returns the comparison that holds when a op b does not.
func negated(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GEQ
	case token.GEQ:
		return token.LSS
	case token.GTR:
		return token.LEQ
	case token.LEQ:
		return token.GTR
	case token.EQL:
		return token.NEQ
	case token.NEQ:
		return token.EQL
	}
	return token.ILLEGAL
}
