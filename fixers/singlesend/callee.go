package singlesend

import (
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A recvCall is a call, in the function that makes the channel, of a function of the
// package that only receives from the channel it is passed (prebid/prebid-server#3911's
// collectHookResponses): that function is where the values are received, and where
// they may be abandoned when it returns first.
type recvCall struct {
	call  *ast.CallExpr
	fn    *model.Func // the callee's declaration
	param *types.Var  // the callee's parameter bound to the channel
	flow  *flow       // the dataflow over the callee's graph, following param
	memo  map[int]int // summary: sends pending at entry -> most pending at its returns
}

// receivingCall returns the receiving call whose argument is the identifier at c, when
// the callee only receives from that parameter.
func (ck *check) receivingCall(c inspector.Cursor) (*recvCall, bool) {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return nil, false
	}
	callCur := c.Parent()
	switch callCur.ParentEdgeKind() {
	case edge.GoStmt_Call, edge.DeferStmt_Call:
		return nil, false // not received now
	}
	call := callCur.Node().(*ast.CallExpr)
	fn, ok := typeutil.Callee(ck.info, call).(*types.Func)
	if !ok || call.Ellipsis.IsValid() {
		return nil, false
	}
	g := ck.m.Decl(fn)
	if g == nil || g.Sig == nil || g == ck.fn {
		return nil, false
	}
	i := c.ParentEdgeIndex()
	params := g.Sig.Params()
	if i >= params.Len() || g.Sig.Variadic() && i >= params.Len()-1 {
		return nil, false
	}
	p := params.At(i)
	if p.Name() == "" || p.Name() == "_" || !ck.onlyReceives(g, p) {
		return nil, false
	}
	return &recvCall{call: call, fn: g, param: p, memo: make(map[int]int)}, true
}

// onlyReceives reports whether every use of parameter p in g is a receive <-p in g's own
// body (not in a function literal): p is not assigned, sent on, closed, ranged over,
// passed on, stored or returned, so g is a receiver of the channel and nothing more.
func (ck *check) onlyReceives(g *model.Func, p *types.Var) bool {
	n := 0
	for c := range g.Cursor.Child(g.Body).Preorder((*ast.Ident)(nil)) {
		if ck.info.Uses[c.Node().(*ast.Ident)] != p {
			continue
		}
		if ck.m.Enclosing(c) != g || !isRecv(c) {
			return false
		}
		n++
	}
	return n > 0
}

// calleeFlow prepares the dataflow over the callee's graph that follows its parameter.
func (ck *check) calleeFlow(rc *recvCall, limit int) *flow {
	g := rc.fn
	fa := ck.baseFlow(g, rc.param, limit)
	fa.markComms(g.Body)
	fa.countedLoops(g.Body)
	return fa
}

// summary returns the most sends pending where the callee of rc returns, when pin are
// pending at its call; -1 when it never returns.
func (fa *flow) summary(rc *recvCall, pin int) int {
	if v, ok := rc.memo[pin]; ok {
		return v
	}
	v := rc.flow.exitMax(pin)
	rc.memo[pin] = v
	return v
}

// placeCalls finds the graph node of each receiving call. A node that also receives
// from the channel, or holds two receiving calls, makes the flow unsure (the order of
// the receives is the evaluation order of an expression).
func (fa *flow) placeCalls(rcs map[*ast.CallExpr]*recvCall) {
	if len(rcs) == 0 {
		return
	}
	fa.calls = make(map[ast.Node][]*recvCall)
	placed := 0
	for _, b := range fa.g.Blocks {
		if !b.Live {
			continue
		}
		for _, n := range b.Nodes {
			ast.Inspect(n, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.FuncLit:
					return false
				case *ast.CallExpr:
					if rc := rcs[m]; rc != nil {
						fa.calls[n] = append(fa.calls[n], rc)
						placed++
					}
				}
				return true
			})
			if len(fa.calls[n]) > 1 || len(fa.calls[n]) == 1 && fa.recvs(n) > 0 {
				fa.unsure = true
			}
		}
	}
	if placed != len(rcs) {
		fa.unsure = true // a call the graph does not hold
	}
	if !fa.unsure {
		fa.unsure = fa.receivesAgain()
	}
}

// receivesAgain reports whether a receive from the channel, or a receiving call, can
// run after a receiving call. The summary of a callee is the most it can leave pending,
// whichever way it returns; a caller that goes on receiving may do so because of how the
// callee returned (for { if err := wait(ch); err != errTimeout { return err } }), which
// the summary does not tell.
func (fa *flow) receivesAgain() bool {
	receives := func(n ast.Node) bool {
		return len(fa.calls[n]) > 0 || fa.commRecv[n] || fa.recvs(n) > 0
	}
	for _, b := range fa.g.Blocks {
		if !b.Live {
			continue
		}
		for i, n := range b.Nodes {
			if len(fa.calls[n]) == 0 {
				continue
			}
			seen := make(map[*cfg.Block]bool)
			var reach func(b *cfg.Block, start int) bool
			reach = func(b *cfg.Block, start int) bool {
				for _, m := range b.Nodes[start:] {
					if receives(m) {
						return true
					}
				}
				for _, s := range b.Succs {
					if !seen[s] {
						seen[s] = true
						if fa.caseRecv[s.Stmt] && s.Kind == cfg.KindSelectCaseBody || reach(s, 0) {
							return true
						}
					}
				}
				return false
			}
			if reach(b, i+1) {
				return true
			}
		}
	}
	return false
}

// matchFanInCall recognises the fan-out/fan-in shape split over two functions: the
// fan-out loop of go statements, then a call that passes the channel to a function of
// the package whose loop receives once per iteration, with the same trip count (its
// bound is a parameter, and the argument is the fan-out loop's bound):
//
//	for _, it := range items { go func() { ch <- work(it) }() }
//	return collect(ch, len(items))
//
//	func collect(ch <-chan T, n int) { for i := 0; i < n; i++ { ... <-ch ... } }
//
// When neither loop can be left early, every value is received: the go statement and
// the callee's receive are left out of the count, as matchFanIn does in one function.
func (fa *flow) matchFanInCall(gos []inspector.Cursor) {
	if len(fa.calls) == 0 {
		return
	}
	for _, g := range gos {
		if g.ParentEdgeKind() != edge.BlockStmt_List || !isLoopBody(g.Parent()) {
			continue
		}
		l1 := g.Parent().Parent()
		key := fa.tripKey(l1.Node())
		if key == "" || leavesEarly(l1.Node()) {
			continue
		}
	siblings:
		for sib, ok := l1.NextSibling(); ok; sib, ok = sib.NextSibling() {
			for _, rcs := range fa.calls {
				for _, rc := range rcs {
					if !(sib.Node().Pos() <= rc.call.Pos() && rc.call.End() <= sib.Node().End()) {
						continue
					}
					if recv := fa.calleeFanIn(rc, key); recv != nil {
						if fa.neutral == nil {
							fa.neutral = make(map[ast.Node]bool)
						}
						if rc.flow.neutral == nil {
							rc.flow.neutral = make(map[ast.Node]bool)
						}
						fa.neutral[g.Node()] = true
						rc.flow.neutral[recv] = true
						break siblings
					}
				}
			}
		}
	}
}

// calleeFanIn returns the receive of the loop of rc's callee that runs key times (key is
// a trip key of the caller), is a statement of the callee's body, cannot be left early
// and receives once per iteration; or nil.
func (fa *flow) calleeFanIn(rc *recvCall, key string) ast.Node {
	cf := rc.flow
	for _, st := range rc.fn.Body.List {
		if k, _ := rc.fn.TripKey(st); k == "" || leavesEarly(st) {
			continue
		}
		bound, isLen := loopBoundExpr(fa.info, st)
		id, ok := ast.Unparen(bound).(*ast.Ident)
		if !ok {
			continue
		}
		j := -1
		for i := range rc.fn.Sig.Params().Len() {
			if fa.info.Uses[id] == rc.fn.Sig.Params().At(i) {
				j = i
			}
		}
		if j < 0 || j >= len(rc.call.Args) || !fa.fn.Stable(rc.call.Args[j]) {
			continue
		}
		arg := types.ExprString(rc.call.Args[j])
		if isLen {
			arg = "len(" + arg + ")"
		}
		if arg != key || cf.neutral[st] {
			continue
		}
		if recv := cf.oneTopLevelRecv(loopBody(st)); recv != nil {
			return recv
		}
	}
	return nil
}

// loopBoundExpr returns what a loop with a trip key runs to: n of i < n or range n, or
// x of a range over x (isLen).
func loopBoundExpr(info *types.Info, loop ast.Node) (ast.Expr, bool) {
	switch l := loop.(type) {
	case *ast.ForStmt:
		if c, ok := l.Cond.(*ast.BinaryExpr); ok {
			return c.Y, false
		}
	case *ast.RangeStmt:
		if t := info.TypeOf(l.X); t != nil {
			if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
				return l.X, false
			}
		}
		return l.X, true
	}
	return nil, false
}

// markComms records the select cases that receive from the channel.
func (fa *flow) markComms(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CommClause:
			if n.Comm != nil && fa.isRecvOp(commRecvExpr(n.Comm)) {
				fa.commRecv[n.Comm] = true
				fa.caseRecv[n] = true
			}
		}
		return true
	})
}

// loopCap returns the capacity that covers the sends of the one sender, started in a
// loop, when the channel reaches a receiving call (the model's SendBound does not follow
// a channel passed to a function): the sender sends at most once (sendsOnceThenReturns)
// and on every path, and its go statement runs once per iteration of one loop that
// does not contain the make, whose trip count is a value of the function it never
// changes, built from its local variables and parameters (or fields of a local struct
// value), and in scope at the make: len(items), or n.
func (ck *check) loopCap(active []*sender, makeCur inspector.Cursor) (string, bool) {
	if len(active) != 1 || !ck.sendsOnEveryPath(active[0]) || model.HasGoto(ck.fn.Body) {
		return "", false
	}
	goCur, ok := ck.fn.Cursor.FindNode(active[0].stmt)
	if !ok {
		return "", false
	}
	mk := makeCur.Node()
	var loops []ast.Node
	child := goCur
	for p := child.Parent(); p.Valid() && p.Node() != ck.fn.Body; child, p = p, p.Parent() {
		switch p.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if k := child.ParentEdgeKind(); k != edge.ForStmt_Body && k != edge.RangeStmt_Body {
				continue
			}
			if !(p.Node().Pos() <= mk.Pos() && mk.End() <= p.Node().End()) {
				loops = append(loops, p.Node())
			}
		}
	}
	if len(loops) != 1 {
		return "", false
	}
	if key, overMap := ck.fn.TripKey(loops[0]); key == "" || overMap {
		return "", false
	}
	text, e := model.Bound{Per: 1, Loop: loops[0], Func: ck.fn}.LoopBound()
	if e == nil || !ck.localValue(e) {
		return "", false
	}
	ok = true
	ast.Inspect(e, func(n ast.Node) bool {
		if id, isID := n.(*ast.Ident); isID {
			if o := ck.info.Uses[id]; o != nil && !isFieldObj(o) && fixkit.Lookup(ck.pass.Pkg, id.Name, ck.call.Pos()) != o {
				ok = false // not in scope where the channel is made
			}
		}
		return ok
	})
	return text, ok
}

// localValue reports whether e is a local variable or parameter of the function, or a
// field (of a field...) of a local struct value, that no call of a method with a pointer
// receiver can change behind the function's back (the function's own assignments are
// TripKey's to rule out).
func (ck *check) localValue(e ast.Expr) bool {
	var path []*types.Var
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, ok := ck.info.Uses[x].(*types.Var)
			if !ok || v.IsField() || !inside(ck.fn.Node, v.Pos()) {
				return false
			}
			if len(path) == 0 {
				return true
			}
			if _, ok := v.Type().Underlying().(*types.Struct); !ok {
				return false // a pointer: others may change what it points to
			}
			return !ck.pointerMethodCalled(v)
		case *ast.SelectorExpr:
			sel, ok := ck.info.Selections[x]
			if !ok || sel.Kind() != types.FieldVal || sel.Indirect() {
				return false
			}
			if len(path) > 0 {
				if _, ok := sel.Obj().Type().Underlying().(*types.Struct); !ok {
					return false
				}
			}
			path = append(path, sel.Obj().(*types.Var))
			e = x.X
		default:
			return false
		}
	}
}

// pointerMethodCalled reports whether the function calls a method with a pointer
// receiver on v or on a field of v (which takes v's address).
func (ck *check) pointerMethodCalled(v *types.Var) bool {
	found := false
	ast.Inspect(ck.fn.Body, func(n ast.Node) bool {
		x, ok := n.(*ast.SelectorExpr)
		if !ok || found {
			return !found
		}
		sel, ok := ck.info.Selections[x]
		if !ok || sel.Kind() == types.FieldVal {
			return true
		}
		if _, isPtr := sel.Recv().Underlying().(*types.Pointer); isPtr {
			return true
		}
		recv := sel.Obj().(*types.Func).Signature().Recv()
		if recv == nil {
			return true
		}
		if _, ptrRecv := recv.Type().Underlying().(*types.Pointer); !ptrRecv {
			return true
		}
		root := x.X
		for {
			if s, ok := ast.Unparen(root).(*ast.SelectorExpr); ok {
				root = s.X
				continue
			}
			break
		}
		if id, ok := ast.Unparen(root).(*ast.Ident); ok && ck.info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

func isFieldObj(o types.Object) bool {
	v, ok := o.(*types.Var)
	return ok && v.IsField()
}
