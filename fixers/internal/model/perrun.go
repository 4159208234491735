package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// RunFits reports whether the send op cannot block because the channels it may send on
// are made by the run of its function G that sends, and that run sends on them at most
// their capacity: the channel's capacity covers every send that can be made on it, in a
// function that is not the only maker of the channel's class (etcd's Watch makes closeCh
// with capacity 1 and sends once on it before it returns it; another make of chan
// WatchResponse, unbuffered, is returned as the same result). It holds when
//
//   - op sends on a local variable v of G (declared in its body, no function literal
//     refers to it, no goto in G), and the values of v, followed through the local
//     variables of G assigned to it, are makes of G with a constant capacity K >= 1 (the
//     least of them) or nil: every assignment to one of these variables (its
//     declaration included) gives it such a make, nil, or another of them;
//   - every other use of these variables is a receive, a range, close, len, cap, a
//     comparison, or a copy into a place that can only receive: a variable, field,
//     parameter or result of a receive-only channel type (<-chan T), or the argument of
//     such a parameter. No send-capable reference to the channels leaves the run, so
//     the sends on them are those of the run on these variables;
//   - those sends are at most K along any path of G (pathSends: dead branches and the
//     branches that G's flags rule out excluded; no send on a cycle);
//   - when one of the variables may be nil, v is not nil where op runs (a must-dataflow:
//     v := make(...), or the branch of v == nil that does not hold; a send on a nil
//     channel blocks forever).
func (cs *Chans) RunFits(op *ChanOp) bool {
	if op == nil || op.Kind != Send || op.Func == nil {
		return false
	}
	if v, ok := cs.m.runFits.Load(op); ok {
		return v.(bool)
	}
	v, _ := cs.m.runFits.LoadOrStore(op, cs.runFits(op))
	return v.(bool)
}

func (cs *Chans) runFits(op *ChanOp) bool {
	info := cs.m.Info
	G := op.Func
	id, ok := ast.Unparen(op.Ch).(*ast.Ident)
	if !ok || hasGoto(G) {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	rv := runVars{cs: cs, G: G, vars: map[*types.Var]int{}, sends: map[ast.Node]bool{}, capacity: -1}
	if !rv.add(v) {
		return false
	}
	for i := 0; i < len(rv.order); i++ {
		if !rv.follow(rv.order[i]) {
			return false
		}
	}
	if rv.capacity < 1 {
		return false
	}
	n, ok := pathSends(G, rv.sends)
	if !ok || n > rv.capacity {
		return false
	}
	return !rv.maybeNil || rv.nonNilAt(op)
}

// runVars are the local variables of G that hold the channels of one send: runFits.
type runVars struct {
	cs       *Chans
	G        *Func
	vars     map[*types.Var]int // the index of each in order
	order    []*types.Var
	sends    map[ast.Node]bool // the sends on them
	capacity int64             // the least constant capacity of their makes, -1 before the first
	maybeNil bool              // one of them may be nil
}

// add adds the variable w, when it is a local variable of G (not a parameter or a
// result) that no function literal refers to.
func (rv *runVars) add(w *types.Var) bool {
	if _, ok := rv.vars[w]; ok {
		return true
	}
	if !isChan(w.Type()) || !inside(rv.G.Body, w.Pos()) || rv.G.captures(w) || len(rv.order) == 64 {
		return false
	}
	rv.vars[w] = len(rv.order)
	rv.order = append(rv.order, w)
	return true
}

// value records the value e given to a variable: a make of constant capacity, nil, or a
// variable that add accepts.
func (rv *runVars) value(e ast.Expr) bool {
	info := rv.cs.m.Info
	if e == nil {
		rv.maybeNil = true // var v chan T
		return true
	}
	if tv, ok := info.Types[e]; ok && tv.IsNil() {
		rv.maybeNil = true
		return true
	}
	if mk := rv.cs.makeOf(e); mk != nil {
		if mk.Cap < 1 {
			return false
		}
		if rv.capacity < 0 || mk.Cap < rv.capacity {
			rv.capacity = mk.Cap
		}
		return true
	}
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		if w, ok := info.Uses[id].(*types.Var); ok {
			return rv.add(w)
		}
	}
	return false
}

// follow checks every reference of G to w (see RunFits), adding the variables that w is
// copied into or from.
func (rv *runVars) follow(w *types.Var) bool {
	info := rv.cs.m.Info
	for cur := range rv.G.Cursor.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		if info.ObjectOf(id) != w {
			continue
		}
		if info.Defs[id] != nil {
			switch p := cur.Parent().Node().(type) {
			case *ast.AssignStmt:
				i := cur.ParentEdgeIndex()
				if len(p.Lhs) != len(p.Rhs) || !rv.value(p.Rhs[i]) {
					return false
				}
			case *ast.ValueSpec:
				var e ast.Expr
				if len(p.Values) > 0 {
					if len(p.Values) != len(p.Names) {
						return false
					}
					e = p.Values[cur.ParentEdgeIndex()]
				}
				if !rv.value(e) {
					return false
				}
			default:
				return false // a range key or value, a type switch's variable...
			}
			continue
		}
		for cur.ParentEdgeKind() == edge.ParenExpr_X {
			cur = cur.Parent()
		}
		if !rv.use(cur) {
			return false
		}
	}
	return true
}

// use checks the use of a variable at cur (not its declaration).
func (rv *runVars) use(cur inspector.Cursor) bool {
	info := rv.cs.m.Info
	switch k, i := cur.ParentEdge(); k {
	case edge.SendStmt_Chan:
		rv.sends[cur.Parent().Node()] = true
	case edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y:
		// A range, a comparison (with nil, say).
	case edge.UnaryExpr_X:
		return cur.Parent().Node().(*ast.UnaryExpr).Op == token.ARROW
	case edge.AssignStmt_Lhs:
		as := cur.Parent().Node().(*ast.AssignStmt)
		return (as.Tok == token.ASSIGN || as.Tok == token.DEFINE) && len(as.Lhs) == len(as.Rhs) && rv.value(as.Rhs[i])
	case edge.AssignStmt_Rhs:
		as := cur.Parent().Node().(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) {
			return false
		}
		return rv.copiedInto(as.Lhs[i])
	case edge.ValueSpec_Values:
		vs := cur.Parent().Node().(*ast.ValueSpec)
		return len(vs.Names) == len(vs.Values) && rv.copiedInto(vs.Names[i])
	case edge.CallExpr_Args:
		call := cur.Parent().Node().(*ast.CallExpr)
		if isBuiltin(info, call, "close") || isBuiltin(info, call, "len") || isBuiltin(info, call, "cap") {
			return true
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return recvOnly(tv.Type) // (<-chan T)(v)
		}
		t := info.TypeOf(call.Fun)
		if t == nil {
			return false
		}
		sig, ok := t.Underlying().(*types.Signature)
		if !ok || call.Ellipsis.IsValid() || i >= sig.Params().Len() || sig.Variadic() && i >= sig.Params().Len()-1 {
			return false
		}
		return recvOnly(sig.Params().At(i).Type())
	case edge.ReturnStmt_Results:
		ret := cur.Parent().Node().(*ast.ReturnStmt)
		res := rv.G.Sig.Results()
		return res.Len() == len(ret.Results) && recvOnly(res.At(i).Type())
	default:
		return false // its address, sent as a value, stored in a literal, converted...
	}
	return true
}

// copiedInto reports whether a copy into lhs keeps the channel in the run or makes it
// receive-only: lhs is _ , a receive-only place, or a variable that add accepts.
func (rv *runVars) copiedInto(lhs ast.Expr) bool {
	info := rv.cs.m.Info
	if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
		if id.Name == "_" {
			return true
		}
		if w, ok := info.ObjectOf(id).(*types.Var); ok && !recvOnly(w.Type()) {
			return rv.add(w)
		}
	}
	return recvOnly(info.TypeOf(lhs))
}

// nonNilAt reports whether v is not nil wherever op runs: a forward must-dataflow over
// G's graph of the variables known not to be nil.
func (rv *runVars) nonNilAt(op *ChanOp) bool {
	info := rv.cs.m.Info
	bit := func(e ast.Expr) uint64 {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if w, ok := info.ObjectOf(id).(*types.Var); ok {
				if i, ok := rv.vars[w]; ok {
					return 1 << i
				}
			}
		}
		return 0
	}
	valueBits := func(e ast.Expr, s uint64) bool {
		if e == nil {
			return false
		}
		if rv.cs.makeOf(e) != nil {
			return true
		}
		b := bit(e)
		return b != 0 && s&b != 0
	}
	assign := func(lhs []ast.Expr, rhs []ast.Expr, s uint64) uint64 {
		out := s
		for i, l := range lhs {
			b := bit(l)
			if b == 0 {
				continue
			}
			if len(lhs) == len(rhs) && valueBits(rhs[i], s) {
				out |= b
			} else {
				out &^= b
			}
		}
		return out
	}
	step := func(n ast.Node, s uint64) uint64 {
		switch n := n.(type) {
		case *ast.AssignStmt:
			return assign(n.Lhs, n.Rhs, s)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			return assign(lhs, n.Values, s)
		}
		return s
	}
	conds := make(map[ast.Expr]bool)
	ast.Inspect(rv.G.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			conds[n.Cond] = true
		case *ast.ForStmt:
			if n.Cond != nil {
				conds[n.Cond] = true
			}
		}
		return true
	})
	cond := func(e ast.Expr, holds bool, s uint64) uint64 {
		if !conds[e] {
			return s
		}
		be, ok := ast.Unparen(e).(*ast.BinaryExpr)
		if !ok || (be.Op != token.EQL && be.Op != token.NEQ) {
			return s
		}
		x := be.X
		if tv, ok := info.Types[be.X]; ok && tv.IsNil() {
			x = be.Y
		} else if tv, ok := info.Types[be.Y]; !ok || !tv.IsNil() {
			return s
		}
		if (be.Op == token.NEQ) == holds {
			s |= bit(x)
		}
		return s
	}
	g := rv.G.CFG()
	out := func(b *cfg.Block, s uint64) uint64 {
		for _, n := range b.Nodes {
			s = step(n, s)
		}
		return s
	}
	in, reached := Forward(g, 0, out, cond, func(a, b uint64) uint64 { return a & b })
	want := bit(ast.Unparen(op.Ch))
	found := false
	for _, b := range g.Blocks {
		s := in[b.Index]
		for _, n := range b.Nodes {
			if n == op.Node {
				found = true
				if b.Live && reached[b.Index] && s&want == 0 {
					return false
				}
				break
			}
			s = step(n, s)
		}
	}
	return found
}
