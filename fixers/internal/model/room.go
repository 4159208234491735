package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// roomCap is the most free slots the room dataflow counts: a bound of at least roomCap
// is kept as roomCap, so that a loop's fixpoint is reached in a few rounds whatever the
// capacity (a lower bound stays a lower bound).
const roomCap = 8

// HasRoom reports whether the buffer of op's channel has a free slot whenever the send
// op runs, on every path: the send cannot block. It holds when
//
//   - op sends on the variable v that a := or var declaration of a function F gives its
//     one make, of capacity K > 0 (a constant) or n (a local variable or parameter of F
//     that F never assigns), every use of the class is one the model follows (the
//     conditions of Fits but for the count) and v is never assigned;
//   - every send on the class is in one function G: F itself, or a function literal
//     directly in F that one go statement of F starts once per channel (outside the loops
//     that do not contain the make), while F makes none; so the sends are made one after
//     another, and receives can only free slots;
//   - a forward dataflow over G's control-flow graph of the least number of free slots
//     gives at least one before op: the buffer is empty where G starts (G is a
//     goroutine) or where the make runs (G is F), each send on the class takes a slot,
//     and a condition on len(v) gives slots on the branch where it holds: len(v) <
//     cap(v), len(v) < n or len(v) != n when n is the capacity, and, for a constant K,
//     len(v) < k, len(v) <= k, len(v) == k, or the negation of the opposite on the other
//     branch (nats.go's delivered <- m; if len(delivered) == totalMsgs { return }).
//
// A select that waits for the send is no different: the dataflow takes the slot whether
// the case is chosen or not.
func (cs *Chans) HasRoom(op *ChanOp) bool {
	if op == nil || op.Kind != Send || op.Func == nil {
		return false
	}
	c := cs.Of(op.Ch)
	if c == nil || len(c.Makes) != 1 || c.Makes[0].Cap == 0 {
		return false
	}
	id, ok := ast.Unparen(op.Ch).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := cs.m.Info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	F, mkCur, _, ok := cs.followed(c)
	if !ok || cs.madeInto(mkCur) != v || len(cs.assigned[v]) > 0 || Assigns(cs.m.Info, F.Body, v) {
		return false
	}
	mk := c.Makes[0]
	if mk.Cap < 0 && (!F.Stable(mk.Call.Args[1]) || !localsOf(cs.m.Info, F, mk.Call.Args[1])) {
		return false
	}
	G := op.Func
	for _, q := range c.Ops {
		if q.Kind == Send && q.Func != G {
			return false
		}
	}
	if G != F {
		if G.Obj != nil || G.Outer != F || len(G.Started) != 1 || G.Started[0].In != F {
			return false
		}
		if k, loop, ok := cs.runs(F, mkCur, G.Started[0]); !ok || loop != nil || k != 1 {
			return false
		}
	}
	r := roomFlow{cs: cs, c: c, v: v, mk: mk, fresh: G != F}
	return r.before(G, op.Node) >= 1
}

// A roomFlow is the dataflow of HasRoom for one channel variable in one function.
type roomFlow struct {
	cs    *Chans
	c     *Chan
	v     *types.Var
	mk    *Make
	fresh bool // the buffer is empty at the function's entry
}

// capacity returns the free slots of an empty buffer that the flow counts: K up to
// roomCap, or 0 when the capacity is not a constant.
func (r *roomFlow) capacity() int {
	if r.mk.Cap < 0 {
		return 0
	}
	return int(min(r.mk.Cap, roomCap))
}

// before returns the least number of free slots (at most roomCap) on any path of f's
// graph to the send at node n, or 0 when n is not in a live block.
func (r *roomFlow) before(f *Func, n ast.Node) int {
	g := f.CFG()
	in := make([]int, len(g.Blocks))
	seen := make([]bool, len(g.Blocks))
	if r.fresh {
		in[0] = r.capacity()
	}
	seen[0] = true
	at := -1
	transfer := func(b *cfg.Block, s int, record bool) int {
		for _, node := range b.Nodes {
			if record && node == n {
				at = s
			}
			s = r.node(node, s)
		}
		return s
	}
	work := []*cfg.Block{g.Blocks[0]}
	queued := make([]bool, len(g.Blocks))
	queued[0] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		queued[b.Index] = false
		out := transfer(b, in[b.Index], false)
		for j, s := range b.Succs {
			edge := out
			if len(b.Succs) == 2 && len(b.Nodes) > 0 {
				if e, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr); ok {
					edge = max(edge, r.guard(e, j == 0))
				}
			}
			next := edge
			if seen[s.Index] {
				next = min(in[s.Index], edge)
			}
			if !seen[s.Index] || next != in[s.Index] {
				seen[s.Index] = true
				in[s.Index] = next
				if !queued[s.Index] {
					queued[s.Index] = true
					work = append(work, s)
				}
			}
		}
	}
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

// node returns the free slots after node, from s before it: the make's declaration
// empties the buffer (a new channel), a send on the class takes a slot.
func (r *roomFlow) node(node ast.Node, s int) int {
	switch node := node.(type) {
	case *ast.AssignStmt, *ast.ValueSpec:
		if node.Pos() <= r.mk.Call.Pos() && r.mk.Call.End() <= node.End() {
			return r.capacity()
		}
	case *ast.SendStmt:
		if op := r.cs.Op(node); op != nil && r.cs.Of(op.Ch) == r.c {
			return max(s-1, 0)
		}
	}
	return s
}

// guard returns the free slots that condition e gives on the branch where its value is
// t, or 0.
func (r *roomFlow) guard(e ast.Expr, t bool) int {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return r.guard(e.X, !t)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			if t {
				return max(r.guard(e.X, true), r.guard(e.Y, true))
			}
			return 0
		case token.LOR:
			if !t {
				return max(r.guard(e.X, false), r.guard(e.Y, false))
			}
			return 0
		}
		op, bound := e.Op, e.Y
		if !r.isLen(e.X) {
			if !r.isLen(e.Y) {
				return 0
			}
			op, bound = swapped(op), e.X // k > len(v) is len(v) < k
		}
		if !t {
			op = negated(op)
		}
		return r.slots(op, bound)
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

// isLen reports whether e is len(v).
func (r *roomFlow) isLen(e ast.Expr) bool { return r.isBuiltinOfV(e, "len") }

// isCap reports whether e is the capacity of v: cap(v), or the expression of the make
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
	x, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
	return ok && r.cs.m.Info.Uses[x] == r.v
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
