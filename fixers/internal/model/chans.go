package model

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Chans are the channels of a package. Channel-typed variables, struct fields, parameters
// and results that may hold the same channel are one class (a Chan): they are linked by
// assignments, calls of the package's functions (arguments to parameters, results to the
// variables they are assigned to), composite literals and returns. The channels returned
// by context.Context's Done method are one class of their own.
type Chans struct {
	m      *Model
	parent map[types.Object]types.Object // union-find
	byRoot map[types.Object]*Chan
	opAt   map[ast.Node]*ChanOp
	done   *Chan
	// assigned are the variables and fields that an assignment statement (=) sets after
	// their declaration, with its position.
	assigned map[types.Object][]token.Pos

	Ops []*ChanOp // every send, receive, range and close of the package, in source order
}

// A Chan is a class of channel values.
type Chan struct {
	Members []types.Object // the variables, fields, parameters and results of the class
	Ops     []*ChanOp      // its sends, receives, ranges and closes
	Makes   []*Make        // the makes assigned to members
	Done    bool           // the class of ctx.Done() channels

	// Escapes says why values of the class may be used outside the package ("" when
	// they may not): an exported variable or field holds one, an exported function takes
	// or returns one, or one is passed to a function of another package.
	Escapes string
}

// A Make is a make of a channel assigned to a member of a class.
type Make struct {
	Call *ast.CallExpr
	Cap  int64 // its constant capacity, or -1
}

// An OpKind is the kind of a channel operation.
type OpKind uint8

const (
	Send OpKind = iota
	Recv
	Range
	Close
)

// A ChanOp is a channel operation.
type ChanOp struct {
	Node   ast.Node // *ast.SendStmt, *ast.UnaryExpr (receive), *ast.RangeStmt, *ast.CallExpr (close)
	Cursor inspector.Cursor
	Ch     ast.Expr // the channel operand
	Kind   OpKind
	Select *ast.SelectStmt // the select whose case this send or receive is, if any
	Func   *Func           // the innermost function that contains it; nil at package level
	Test   bool            // in a _test.go file
}

// Chans returns the package's channels.
func (m *Model) Chans() *Chans {
	m.chansOnce.Do(func() { m.chans = newChans(m) })
	return m.chans
}

// Assigned returns the positions where an assignment statement (=, not := or a
// declaration) sets the channel variable or field o: a variable that a goroutine reads
// while another sets it is a data race, and one set to nil blocks its receivers.
func (cs *Chans) Assigned(o types.Object) []token.Pos { return cs.assigned[o] }

// Of returns the class of the channel that e denotes, or nil when e is not a channel
// the model follows (an element of a slice or map, a call of another package...).
func (cs *Chans) Of(e ast.Expr) *Chan {
	o := cs.objOf(e)
	if o == nil {
		return nil
	}
	return cs.byRoot[cs.root(o)]
}

// Op returns the channel operation at node n (see ChanOp.Node), or nil.
func (cs *Chans) Op(n ast.Node) *ChanOp { return cs.opAt[n] }

// Closed reports whether a close of the class is in the package.
func (c *Chan) Closed() bool {
	for _, op := range c.Ops {
		if op.Kind == Close {
			return true
		}
	}
	return false
}

// Buffered reports whether every make of the class is buffered (and there is one).
func (c *Chan) Buffered() bool {
	for _, mk := range c.Makes {
		if mk.Cap == 0 {
			return false
		}
	}
	return len(c.Makes) > 0
}

// Capacity returns the least capacity of the class's makes, when each is a constant.
func (c *Chan) Capacity() (int64, bool) {
	least := int64(-1)
	for _, mk := range c.Makes {
		if mk.Cap < 0 {
			return 0, false
		}
		if least < 0 || mk.Cap < least {
			least = mk.Cap
		}
	}
	return least, least >= 0
}

// doneSentinel stands for the channels returned by context.Context.Done.
var doneSentinel = types.NewVar(token.NoPos, nil, "ctx.Done()", nil)

func newChans(m *Model) *Chans {
	cs := &Chans{m: m, parent: make(map[types.Object]types.Object), byRoot: make(map[types.Object]*Chan), opAt: make(map[ast.Node]*ChanOp),
		assigned: make(map[types.Object][]token.Pos)}
	type makeOf struct {
		obj types.Object
		mk  *Make
	}
	var makes []makeOf
	var escapes []types.Object
	var escapeWhy []string
	escape := func(o types.Object, why string) {
		if o != nil {
			escapes = append(escapes, o)
			escapeWhy = append(escapeWhy, why)
		}
	}
	link := func(lhs types.Object, rhs ast.Expr) {
		if lhs == nil {
			return
		}
		if mk := cs.makeOf(rhs); mk != nil {
			makes = append(makes, makeOf{lhs, mk})
			return
		}
		cs.union(lhs, cs.objOf(rhs))
	}
	linkLists := func(lhs, rhs []ast.Expr) {
		if len(lhs) == len(rhs) {
			for i := range lhs {
				link(cs.lhsObj(lhs[i]), rhs[i])
			}
			return
		}
		if len(rhs) != 1 {
			return
		}
		call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
		if !ok {
			return
		}
		fn, ok := typeutil.Callee(m.Info, call).(*types.Func)
		if !ok || fn.Origin().Pkg() != m.Pkg {
			return
		}
		res := fn.Origin().Signature().Results()
		if res.Len() != len(lhs) {
			return
		}
		for i := range lhs {
			if isChan(res.At(i).Type()) {
				cs.union(cs.lhsObj(lhs[i]), res.At(i))
			}
		}
	}
	addOp := func(cur inspector.Cursor, n ast.Node, ch ast.Expr, k OpKind) {
		op := &ChanOp{Node: n, Cursor: cur, Ch: ch, Kind: k, Func: m.Enclosing(cur)}
		op.Test = op.Func != nil && op.Func.Test
		if k == Send || k == Recv {
			op.Select = commSelect(cur)
		}
		cs.Ops = append(cs.Ops, op)
		cs.opAt[n] = op
	}
	kinds := []ast.Node{(*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.CallExpr)(nil), (*ast.CompositeLit)(nil),
		(*ast.ReturnStmt)(nil), (*ast.SendStmt)(nil), (*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil)}
	for cur := range m.Inspector.Root().Preorder(kinds...) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
				linkLists(n.Lhs, n.Rhs)
			}
			if n.Tok == token.ASSIGN {
				for _, l := range n.Lhs {
					if o := cs.lhsObj(l); o != nil && isChan(o.Type()) {
						cs.assigned[o] = append(cs.assigned[o], l.Pos())
					}
				}
			}
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			linkLists(lhs, n.Values)
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := m.Info.Uses[id].(*types.Builtin); ok {
					if b.Name() == "close" && len(n.Args) == 1 {
						addOp(cur, n, n.Args[0], Close)
					}
					continue
				}
			}
			var sig *types.Signature
			local := false
			if lit, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok {
				sig, _ = m.Info.TypeOf(lit).(*types.Signature)
				local = true
			} else if fn, ok := typeutil.Callee(m.Info, n).(*types.Func); ok {
				sig = fn.Origin().Signature()
				local = fn.Origin().Pkg() == m.Pkg
			}
			if !local {
				if tv, ok := m.Info.Types[n.Fun]; ok && tv.IsType() {
					if len(n.Args) == 1 {
						// A conversion: the same channel.
						continue
					}
				}
				for _, arg := range n.Args {
					if isChan(m.Info.TypeOf(arg)) {
						escape(cs.objOf(arg), "it is passed to a function of another package")
					}
				}
				continue
			}
			if sig == nil || n.Ellipsis.IsValid() {
				continue
			}
			params := sig.Params()
			for i, arg := range n.Args {
				if i >= params.Len() || (sig.Variadic() && i >= params.Len()-1) {
					break
				}
				if p := params.At(i); isChan(p.Type()) {
					link(p, arg)
				}
			}
		case *ast.CompositeLit:
			cs.linkComposite(n, link)
		case *ast.ReturnStmt:
			f := m.Enclosing(cur)
			if f == nil || f.Sig == nil {
				continue
			}
			if res := f.Sig.Results(); res.Len() == len(n.Results) {
				for i, r := range n.Results {
					if v := res.At(i); isChan(v.Type()) {
						link(v, r)
					}
				}
			}
		case *ast.SendStmt:
			addOp(cur, n, n.Chan, Send)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				addOp(cur, n, n.X, Recv)
			}
		case *ast.RangeStmt:
			if isChan(m.Info.TypeOf(n.X)) {
				addOp(cur, n, n.X, Range)
			}
		}
	}
	// Parameters and results of exported functions, exported fields and variables.
	for _, f := range m.Funcs {
		if f.Obj == nil || !f.Obj.Exported() {
			continue
		}
		for v := range f.Sig.Params().Variables() {
			if isChan(v.Type()) {
				escape(v, "an exported function takes it")
			}
		}
		for v := range f.Sig.Results().Variables() {
			if isChan(v.Type()) {
				escape(v, "an exported function returns it")
			}
		}
	}
	for o := range cs.parent {
		cs.parent[o] = cs.find(o)
	}
	member := make(map[types.Object]bool)
	get := func(o types.Object) *Chan {
		r := cs.find(o)
		c := cs.byRoot[r]
		if c == nil {
			c = &Chan{Done: r == doneSentinel}
			cs.byRoot[r] = c
		}
		if !member[o] {
			member[o] = true
			c.Members = append(c.Members, o)
			if o.Exported() && (o.Parent() == m.Pkg.Scope() || isField(o)) && c.Escapes == "" {
				c.Escapes = "an exported variable or field holds it"
			}
		}
		return c
	}
	for o := range cs.parent {
		get(o)
	}
	for _, mk := range makes {
		c := get(mk.obj)
		c.Makes = append(c.Makes, mk.mk)
	}
	for i, o := range escapes {
		if c := get(o); c.Escapes == "" {
			c.Escapes = escapeWhy[i]
		}
	}
	for _, op := range cs.Ops {
		if o := cs.objOf(op.Ch); o != nil {
			c := get(o)
			c.Ops = append(c.Ops, op)
		}
	}
	cs.done = cs.byRoot[cs.root(doneSentinel)]
	if cs.done != nil {
		cs.done.Done = true // its root may be another member (done = ctx.Done(), then done = stop)
	}
	return cs
}

func isField(o types.Object) bool {
	v, ok := o.(*types.Var)
	return ok && v.IsField()
}

// find returns the root of o's class, compressing the path: for building the classes.
func (cs *Chans) find(o types.Object) types.Object {
	if o == nil {
		return nil
	}
	p, ok := cs.parent[o]
	if !ok || p == o {
		return o
	}
	r := cs.find(p)
	cs.parent[o] = r
	return r
}

// root returns the root of o's class without changing the classes: once built, they are
// read by several fixers at once (newChans compresses every path before).
func (cs *Chans) root(o types.Object) types.Object {
	if p, ok := cs.parent[o]; ok {
		return p
	}
	return o
}

func (cs *Chans) union(a, b types.Object) {
	if a == nil || b == nil {
		return
	}
	ra, rb := cs.find(a), cs.find(b)
	if _, ok := cs.parent[rb]; !ok {
		cs.parent[rb] = rb
	}
	if ra != rb {
		cs.parent[ra] = rb
	}
}

// objOf returns the object standing for the channel e: a variable, a field, a result of
// a function of the package, or doneSentinel for a call of context.Context.Done. Nil when
// unknown.
func (cs *Chans) objOf(e ast.Expr) types.Object {
	info := cs.m.Info
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.ObjectOf(e).(*types.Var); ok && isChan(v.Type()) {
			return v
		}
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[e]; ok {
			if sel.Kind() == types.FieldVal && isChan(sel.Obj().Type()) {
				return sel.Obj()
			}
			return nil
		}
		if v, ok := info.Uses[e.Sel].(*types.Var); ok && isChan(v.Type()) {
			return v // package-qualified variable
		}
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return cs.objOf(e.Args[0]) // conversion
		}
		if fn, ok := typeutil.Callee(info, e).(*types.Func); ok {
			if IsContextMethod(fn, "Done") {
				return doneSentinel
			}
			fn = fn.Origin()
			if fn.Pkg() == cs.m.Pkg {
				if res := fn.Signature().Results(); res.Len() == 1 && isChan(res.At(0).Type()) {
					return res.At(0)
				}
			}
		}
	}
	return nil
}

func (cs *Chans) lhsObj(e ast.Expr) types.Object {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		if v, ok := cs.m.Info.Defs[id].(*types.Var); ok && isChan(v.Type()) {
			return v
		}
	}
	return cs.objOf(e)
}

// makeOf returns the make of a channel that e is, or nil.
func (cs *Chans) makeOf(e ast.Expr) *Make {
	info := cs.m.Info
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return nil
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	if b, ok := info.Uses[id].(*types.Builtin); !ok || b.Name() != "make" || len(call.Args) == 0 || !isChan(info.TypeOf(call.Args[0])) {
		return nil
	}
	return &Make{Call: call, Cap: MakeCap(info, call)}
}

// MakeCap returns the capacity of make(chan T, n) when n is a constant (0 without n), or -1.
func MakeCap(info *types.Info, call *ast.CallExpr) int64 {
	if len(call.Args) < 2 {
		return 0
	}
	if tv := info.Types[call.Args[1]]; tv.Value != nil {
		if n, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok {
			return n
		}
	}
	return -1
}

func (cs *Chans) linkComposite(lit *ast.CompositeLit, link func(types.Object, ast.Expr)) {
	t := cs.m.Info.TypeOf(lit)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				if v, ok := cs.m.Info.Uses[id].(*types.Var); ok && isChan(v.Type()) {
					link(v, kv.Value)
				}
			}
		} else if i < st.NumFields() && isChan(st.Field(i).Type()) {
			link(st.Field(i), elt)
		}
	}
}

// commSelect returns the select statement of which the send statement or receive
// expression at c is the communication of a case, or nil.
func commSelect(c inspector.Cursor) *ast.SelectStmt {
	stmt := c
	if _, ok := c.Node().(*ast.UnaryExpr); ok {
		switch p := c.Parent().Node().(type) {
		case *ast.ExprStmt:
			stmt = c.Parent()
		case *ast.AssignStmt:
			if len(p.Rhs) != 1 || p.Rhs[0] != c.Node() {
				return nil
			}
			stmt = c.Parent()
		default:
			return nil
		}
	}
	if stmt.ParentEdgeKind() != edge.CommClause_Comm {
		return nil
	}
	sel, _ := stmt.Parent().Parent().Parent().Node().(*ast.SelectStmt) // CommClause -> BlockStmt -> SelectStmt
	return sel
}

func isChan(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// IsContextMethod reports whether fn is the method name of context.Context.
func IsContextMethod(fn *types.Func, name string) bool {
	if fn.Name() != name {
		return false
	}
	recv := fn.Signature().Recv()
	return recv != nil && IsContext(recv.Type())
}

// IsContext reports whether t is context.Context.
func IsContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// IsSyncType reports whether t is one of the named types names of package sync (not a
// pointer to one).
func IsSyncType(t types.Type, names ...string) bool {
	return IsNamed(t, "sync", names...)
}

// IsNamed reports whether t is one of the named types names of the package with path
// pkg (not a pointer to one).
func IsNamed(t types.Type, pkg string, names ...string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != pkg {
		return false
	}
	return slices.Contains(names, n.Obj().Name())
}
