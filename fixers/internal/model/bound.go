package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A Bound is the most sends that can ever be made on one channel of a class: N, plus Per
// for each iteration of Loop (a loop of the function that makes the channel, whose
// iterations start goroutines that send on it).
type Bound struct {
	N    int64
	Per  int64
	Loop ast.Node // *ast.ForStmt or *ast.RangeStmt with a trip key (Func.TripKey), not over a map; nil when Per is 0
	Func *Func    // the function that makes the channel
}

// LoopBound returns the expression that says how many times b.Loop runs (n for for i :=
// 0; i < n; i++ and for range n, len(x) for a range over a slice or array x), and the
// expression of the loop it is made of (n, or x).
func (b Bound) LoopBound() (string, ast.Expr) {
	e := boundExpr(b.Loop)
	if e == nil {
		return "", nil
	}
	if l, ok := b.Loop.(*ast.RangeStmt); ok && !IsInteger(b.Func.m.Info.TypeOf(l.X)) {
		return "len(" + types.ExprString(e) + ")", e
	}
	return types.ExprString(e), e
}

// SendBound returns the most sends that can be made on one channel of class c, when the
// model can tell (see Fits for the conditions it checks).
func (cs *Chans) SendBound(c *Chan) (Bound, bool) {
	F, mkCur, started, ok := cs.followed(c)
	if !ok {
		return Bound{}, false
	}
	// Count the sends.
	b := Bound{Func: F}
	perFunc := make(map[*Func]bool)
	for _, op := range c.Ops {
		if op.Kind != Send || perFunc[op.Func] {
			continue
		}
		f := op.Func
		perFunc[f] = true
		var gos []*Go
		switch {
		case f == F:
		case f.Obj == nil && f.Outer == F && len(f.Started) == 1 && f.Started[0].In == F:
			gos = f.Started
		case started[f]:
			gos = f.Started
		default:
			return Bound{}, false // a deferred or called literal, a nested goroutine...
		}
		n, ok := cs.MaxSends(f, c)
		if !ok {
			return Bound{}, false
		}
		if f == F {
			b.N += n
			continue
		}
		for _, gs := range gos {
			k, loop, ok := cs.runs(F, mkCur, gs)
			switch {
			case !ok, loop != nil && b.Loop != nil && loop != b.Loop:
				return Bound{}, false
			case loop != nil:
				b.Loop = loop
				b.Per += n
			default:
				b.N += k * n
			}
		}
	}
	return b, true
}

// followed returns, for a class whose every use the model follows, the function F that
// makes its one channel, the cursor of the make, and the declared functions whose member
// parameters only go statements of F start (with a member as the argument): the class
// has one make, whose value a := or var declaration of F gives a member, no goto is in F,
// the class does not escape, every member is a local variable or parameter of F (or of a
// literal in F) or such a parameter, and every reference to a member is understood.
func (cs *Chans) followed(c *Chan) (F *Func, mkCur inspector.Cursor, started map[*Func]bool, ok bool) {
	m := cs.m
	if c.Done || c.Escapes != "" || len(c.Makes) != 1 {
		return nil, mkCur, nil, false
	}
	mk := c.Makes[0]
	mkCur, ok = m.cursorOf(mk.Call)
	if !ok {
		return nil, mkCur, nil, false
	}
	F = m.Enclosing(mkCur)
	if F == nil || hasGoto(F) || !cs.definesMember(mkCur, c) {
		return nil, mkCur, nil, false
	}
	members := make(map[types.Object]bool)
	for _, o := range c.Members {
		members[o] = true
	}
	started = make(map[*Func]bool) // declared functions whose parameters are members
	for _, o := range c.Members {
		v, ok := o.(*types.Var)
		if !ok || v.IsField() || v.Parent() == nil || v.Parent() == m.Pkg.Scope() {
			return nil, mkCur, nil, false
		}
		g := m.declaringFunc(v)
		switch {
		case g == nil:
			return nil, mkCur, nil, false
		case inside(F.Node, v.Pos()):
			if isResult(g, v) {
				return nil, mkCur, nil, false
			}
		case g.Obj != nil && isParam(g, v) && g.Refs == len(g.Started) && len(g.Started) > 0:
			for _, gs := range g.Started {
				if gs.In != F {
					return nil, mkCur, nil, false
				}
			}
			started[g] = true
		default:
			return nil, mkCur, nil, false
		}
	}
	// Every reference to a member is understood, and every argument bound to a member
	// parameter is a member.
	if !cs.understood(F, members) {
		return nil, mkCur, nil, false
	}
	for g := range started {
		if !cs.understood(g, members) {
			return nil, mkCur, nil, false
		}
	}
	if !cs.boundToMembers(F, started, members) {
		return nil, mkCur, nil, false
	}
	return F, mkCur, started, true
}

// Fits reports whether no send on a channel of class c can block, because its buffer has
// room for every send that can ever be made on it: the precision rule "a send that
// cannot block needs no select". It holds when
//
//   - the class has one make, in a function F, whose value initialises a local variable
//     (:= or var), with a constant capacity K > 0, or a capacity n or len(x) where n or x
//     is a local variable or parameter of F that F never assigns;
//   - the channel does not escape the package, no goto is in F, and every member of the
//     class is a local variable or parameter of F or of a function literal in F, or a
//     parameter of a function of the package that only go statements of F start (with a
//     member as the argument);
//   - every reference to a member is a send, a receive, a range, close, len or cap, a
//     comparison, or a value copied into another member (an assignment, an argument);
//   - every send is in F, in a function literal directly in F that a go statement of F
//     starts, or in such a started function; and the sends add up to at most the
//     capacity (SendBound): MaxSends of each function, times the number of times its go
//     statement can run for one channel (once, outside the loops that do not contain the
//     make; the trip count of one constant loop; or once per iteration of one loop whose
//     trip count is the capacity: make(chan error, len(items)) and for _, it := range
//     items { go ... }).
func (cs *Chans) Fits(c *Chan) bool {
	if v, ok := cs.m.fits.Load(c); ok {
		return v.(bool)
	}
	v, _ := cs.m.fits.LoadOrStore(c, cs.fits(c))
	return v.(bool)
}

func (cs *Chans) fits(c *Chan) bool {
	if len(c.Makes) != 1 || c.Makes[0].Cap == 0 {
		return false
	}
	b, ok := cs.SendBound(c)
	if !ok {
		return false
	}
	mk := c.Makes[0]
	if mk.Cap > 0 {
		return b.Per == 0 && b.N <= mk.Cap
	}
	capExpr := mk.Call.Args[1]
	if !b.Func.Stable(capExpr) || !localsOf(cs.m.Info, b.Func, capExpr) {
		return false
	}
	return b.N == 0 && (b.Per == 0 || b.Per == 1 && cs.tripsAre(b.Func, b.Loop, capExpr))
}

// runs returns how many times the go statement gs of F can run for one channel made at
// mkCur: k times (once when every loop around it also contains the make; the trip count
// of the one loop around it that does not, when constant), or once per iteration of that
// loop when its trip count is another value F does not change (loop).
func (cs *Chans) runs(F *Func, mkCur inspector.Cursor, gs *Go) (k int64, loop ast.Node, ok bool) {
	mk := mkCur.Node()
	var extra []ast.Node
	child := gs.Cursor
	for p := child.Parent(); p.Valid() && p.Node() != F.Body; child, p = p, p.Parent() {
		switch p.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if k := child.ParentEdgeKind(); k != edge.ForStmt_Body && k != edge.RangeStmt_Body {
				continue
			}
			if !(p.Node().Pos() <= mk.Pos() && mk.End() <= p.Node().End()) {
				extra = append(extra, p.Node())
			}
		}
	}
	switch len(extra) {
	case 0:
		return 1, nil, true
	case 1:
	default:
		return 0, nil, false
	}
	if k, ok := TripCount(cs.m.Info, extra[0]); ok {
		return k, nil, true
	}
	if key, overMap := F.TripKey(extra[0]); key != "" && !overMap && localsOf(cs.m.Info, F, boundExpr(extra[0])) {
		return 0, extra[0], true
	}
	return 0, nil, false
}

// boundExpr returns the expression a loop with a trip key runs to: n, or the x of len(x).
func boundExpr(loop ast.Node) ast.Expr {
	switch l := loop.(type) {
	case *ast.ForStmt:
		return l.Cond.(*ast.BinaryExpr).Y
	case *ast.RangeStmt:
		return l.X
	}
	return nil
}

// tripsAre reports whether loop runs capExpr times: for i := 0; i < capExpr; i++, for
// range capExpr, or a range over a slice or array x when capExpr is len(x).
func (cs *Chans) tripsAre(F *Func, loop ast.Node, capExpr ast.Expr) bool {
	info := cs.m.Info
	key, overMap := F.TripKey(loop)
	if key == "" || overMap {
		return false
	}
	switch l := loop.(type) {
	case *ast.ForStmt:
		return sameValue(info, l.Cond.(*ast.BinaryExpr).Y, capExpr)
	case *ast.RangeStmt:
		if IsInteger(info.TypeOf(l.X)) {
			return sameValue(info, l.X, capExpr)
		}
		call, ok := ast.Unparen(capExpr).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return false
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || info.Uses[id] != types.Universe.Lookup("len") {
			return false
		}
		return sameValue(info, l.X, call.Args[0])
	}
	return false
}

// sameValue reports whether a and b are the same expression over the same objects (both
// stable in their function).
func sameValue(info *types.Info, a, b ast.Expr) bool {
	if types.ExprString(a) != types.ExprString(b) {
		return false
	}
	var objs []types.Object
	ast.Inspect(a, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			objs = append(objs, info.Uses[id])
		}
		return true
	})
	i, same := 0, true
	ast.Inspect(b, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			same = same && i < len(objs) && objs[i] == info.Uses[id]
			i++
		}
		return same
	})
	return same && i == len(objs)
}

// localsOf reports whether every variable e refers to is a local variable or parameter
// of F.
func localsOf(info *types.Info, F *Func, e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		if id, isID := n.(*ast.Ident); isID {
			if v, isVar := info.Uses[id].(*types.Var); isVar && (v.IsField() || !inside(F.Node, v.Pos())) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// definesMember reports whether the make at mkCur is the value that a := or var
// declaration gives a member of c.
func (cs *Chans) definesMember(mkCur inspector.Cursor, c *Chan) bool {
	o := cs.madeInto(mkCur)
	return o != nil && cs.OfObject(o) == c
}

// madeInto returns the variable that a := or var declaration gives the make at mkCur
// as its initial value, or nil.
func (cs *Chans) madeInto(mkCur inspector.Cursor) types.Object {
	var id *ast.Ident
	switch p := mkCur.Parent().Node().(type) {
	case *ast.AssignStmt:
		if p.Tok == token.DEFINE && len(p.Lhs) == len(p.Rhs) && mkCur.ParentEdgeKind() == edge.AssignStmt_Rhs {
			id, _ = p.Lhs[mkCur.ParentEdgeIndex()].(*ast.Ident)
		}
	case *ast.ValueSpec:
		if len(p.Names) == len(p.Values) && mkCur.ParentEdgeKind() == edge.ValueSpec_Values {
			id = p.Names[mkCur.ParentEdgeIndex()]
		}
	}
	if id == nil {
		return nil
	}
	return cs.m.Info.Defs[id]
}

// understood reports whether every reference in f (nested literals included) to a
// member is one the model follows: a channel operation, close, len or cap, a comparison,
// or a copy into another member (an assignment, the argument of a member parameter).
func (cs *Chans) understood(f *Func, members map[types.Object]bool) bool {
	info := cs.m.Info
	isMember := func(e ast.Expr) bool {
		o := cs.lhsObj(e)
		return o != nil && members[o]
	}
	for cur := range f.Cursor.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		if o := info.Uses[id]; o == nil || !members[o] {
			continue
		}
		for cur.ParentEdgeKind() == edge.ParenExpr_X {
			cur = cur.Parent()
		}
		switch k, i := cur.ParentEdge(); k {
		case edge.SendStmt_Chan, edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y:
			// A send, a range, a comparison (with nil, say).
		case edge.UnaryExpr_X:
			if cur.Parent().Node().(*ast.UnaryExpr).Op != token.ARROW {
				return false // &ch
			}
		case edge.AssignStmt_Rhs:
			as := cur.Parent().Node().(*ast.AssignStmt)
			if len(as.Lhs) != len(as.Rhs) || !isMember(as.Lhs[i]) {
				return false
			}
		case edge.ValueSpec_Values:
			vs := cur.Parent().Node().(*ast.ValueSpec)
			if len(vs.Names) != len(vs.Values) || !isMember(vs.Names[i]) {
				return false
			}
		case edge.CallExpr_Args:
			call := cur.Parent().Node().(*ast.CallExpr)
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok {
					switch b.Name() {
					case "close", "len", "cap":
						continue
					}
					return false
				}
			}
			if p := cs.paramOf(call, i); p == nil || !members[p] {
				return false
			}
		default:
			return false // assigned to, stored, returned, converted, sent...
		}
	}
	return true
}

// boundToMembers reports whether every member parameter of a function literal in F and
// of the started functions is bound to a member at every call: go worker(ctx, nil) would
// send on a nil channel, which blocks forever.
func (cs *Chans) boundToMembers(F *Func, started map[*Func]bool, members map[types.Object]bool) bool {
	bound := func(call *ast.CallExpr, sig *types.Signature) bool {
		for i := range sig.Params().Len() {
			if !members[sig.Params().At(i)] {
				continue
			}
			if i >= len(call.Args) || call.Ellipsis.IsValid() || !members[cs.objOf(call.Args[i])] {
				return false
			}
		}
		return true
	}
	for cur := range F.Cursor.Preorder((*ast.FuncLit)(nil)) {
		f := cs.m.FuncOf(cur.Node())
		if f == nil || f == F || f.Sig == nil {
			continue
		}
		hasMember := false
		for p := range f.Sig.Params().Variables() {
			hasMember = hasMember || members[p]
		}
		if !hasMember {
			continue
		}
		if cur.ParentEdgeKind() != edge.CallExpr_Fun || !bound(cur.Parent().Node().(*ast.CallExpr), f.Sig) {
			return false
		}
	}
	for g := range started {
		for _, gs := range g.Started {
			if !bound(gs.Stmt.Call, g.Sig) {
				return false
			}
		}
	}
	return true
}

// paramOf returns the parameter of the package function or literal called by call that
// its i-th argument is bound to, or nil (a variadic parameter, a function of another
// package, a dynamic call).
func (cs *Chans) paramOf(call *ast.CallExpr, i int) *types.Var {
	var sig *types.Signature
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		sig, _ = cs.m.Info.TypeOf(lit).(*types.Signature)
	} else if fn, ok := typeutil.Callee(cs.m.Info, call).(*types.Func); ok && fn.Origin().Pkg() == cs.m.Pkg {
		sig = fn.Origin().Signature()
	}
	if sig == nil || call.Ellipsis.IsValid() || i >= sig.Params().Len() || sig.Variadic() && i >= sig.Params().Len()-1 {
		return nil
	}
	return sig.Params().At(i)
}

// declaringFunc returns the innermost function whose parameters or body declare v.
func (m *Model) declaringFunc(v *types.Var) *Func {
	f := m.File(v.Pos())
	if f == nil {
		return nil
	}
	fc, ok := m.Inspector.Root().FindNode(f)
	if !ok {
		return nil
	}
	cur, ok := fc.FindByPos(v.Pos(), v.Pos())
	if !ok {
		return nil
	}
	return m.Enclosing(cur)
}

// cursorOf returns the cursor of n.
func (m *Model) cursorOf(n ast.Node) (inspector.Cursor, bool) {
	f := m.File(n.Pos())
	if f == nil {
		return inspector.Cursor{}, false
	}
	fc, ok := m.Inspector.Root().FindNode(f)
	if !ok {
		return inspector.Cursor{}, false
	}
	cur, ok := fc.FindByPos(n.Pos(), n.End())
	for ok && cur.Node() != n {
		// An enclosing node with the same extent: look below it.
		ok = false
		for ch := range cur.Children() {
			if ch.Node().Pos() <= n.Pos() && n.End() <= ch.Node().End() {
				cur, ok = ch, true
				break
			}
		}
	}
	return cur, ok
}

func inside(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }

func isParam(f *Func, v *types.Var) bool {
	for p := range f.Sig.Params().Variables() {
		if p == v {
			return true
		}
	}
	return false
}

func isResult(f *Func, v *types.Var) bool {
	for r := range f.Sig.Results().Variables() {
		if r == v {
			return true
		}
	}
	return false
}
