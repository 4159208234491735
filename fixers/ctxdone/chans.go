package ctxdone

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// A chanOp is a channel operation of the package: a send, a receive or a range over a
// channel.
type chanOp struct {
	node ast.Node // *ast.SendStmt, *ast.UnaryExpr (receive) or *ast.RangeStmt
	ch   ast.Expr
	send bool
	rng  bool
	sel  *ast.SelectStmt // the select whose case this operation is, if any
	test bool            // in a _test.go file
	fn   ast.Node        // innermost *ast.FuncDecl or *ast.FuncLit
}

// doneSentinel stands for the channels returned by context.Context.Done in the
// channel classes.
var doneSentinel = types.NewVar(token.NoPos, nil, "ctx.Done()", nil)

// classes holds the channel classes of a package: channel-typed variables, fields and
// results linked by assignments, calls, composite literals and returns (union-find), and
// what the package does with each class.
type classes struct {
	info   *types.Info
	pkg    *types.Package
	parent map[types.Object]types.Object

	ops       []*chanOp
	byRoot    map[types.Object][]*chanOp
	closedObj []types.Object
	closed    map[types.Object]bool // roots closed somewhere
	bufObj    []types.Object        // assigned a make(chan T, n) with n != 0
	unbufObj  []types.Object        // assigned a make(chan T) or make(chan T, 0)
	buffered  map[types.Object]bool // roots assigned only buffered makes
	capObj    []objCap
	capacity  map[types.Object]int64 // roots assigned only makes of this constant capacity (the least)
}

type objCap struct {
	obj types.Object
	cap int64 // -1: not constant
}

func (c *classes) find(o types.Object) types.Object {
	if o == nil {
		return nil
	}
	p, ok := c.parent[o]
	if !ok || p == o {
		return o
	}
	r := c.find(p)
	c.parent[o] = r
	return r
}

func (c *classes) union(a, b types.Object) {
	if a == nil || b == nil {
		return
	}
	ra, rb := c.find(a), c.find(b)
	if ra != rb {
		c.parent[ra] = rb
	}
}

func isChan(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// isEmptyStructChan reports whether t is chan struct{} or <-chan struct{}.
func isEmptyStructChan(t types.Type) bool {
	ch, ok := t.Underlying().(*types.Chan)
	if !ok || ch.Dir() == types.SendOnly {
		return false
	}
	st, ok := ch.Elem().Underlying().(*types.Struct)
	return ok && st.NumFields() == 0
}

// objOf returns the object standing for the channel e: a variable, a field, a function
// result, or doneSentinel for a call of context.Context.Done. Nil when unknown.
func (c *classes) objOf(e ast.Expr) types.Object {
	e = ast.Unparen(e)
	switch e := e.(type) {
	case *ast.Ident:
		if v, ok := c.info.ObjectOf(e).(*types.Var); ok && isChan(v.Type()) {
			return v
		}
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok {
			if sel.Kind() == types.FieldVal && isChan(sel.Obj().Type()) {
				return sel.Obj()
			}
			return nil
		}
		if v, ok := c.info.Uses[e.Sel].(*types.Var); ok && isChan(v.Type()) {
			return v // package-qualified variable
		}
	case *ast.CallExpr:
		if tv, ok := c.info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return c.objOf(e.Args[0]) // conversion
		}
		if fn, ok := typeutil.Callee(c.info, e).(*types.Func); ok {
			if isContextMethod(fn, "Done") {
				return doneSentinel
			}
			fn = fn.Origin()
			if fn.Pkg() == c.pkg {
				if res := fn.Signature().Results(); res.Len() == 1 && isChan(res.At(0).Type()) {
					return res.At(0)
				}
			}
		}
	}
	return nil
}

// isContextMethod reports whether fn is the method name of context.Context.
func isContextMethod(fn *types.Func, name string) bool {
	if fn.Name() != name {
		return false
	}
	recv := fn.Signature().Recv()
	return recv != nil && isContext(recv.Type())
}

// isContext reports whether t is context.Context.
func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// makeCap classifies e as a make of a channel: 1 buffered, 0 unbuffered, -1 not a make.
func (c *classes) makeCap(e ast.Expr) int {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return -1
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return -1
	}
	if b, ok := c.info.Uses[id].(*types.Builtin); !ok || b.Name() != "make" || len(call.Args) == 0 || !isChan(c.info.TypeOf(call.Args[0])) {
		return -1
	}
	if len(call.Args) < 2 {
		return 0
	}
	if tv := c.info.Types[call.Args[1]]; tv.Value != nil && constant.Sign(tv.Value) == 0 {
		return 0
	}
	return 1
}

// constCap returns the capacity of a make of a channel when it is a constant, or -1.
func (c *classes) constCap(e ast.Expr) int64 {
	call := ast.Unparen(e).(*ast.CallExpr)
	if len(call.Args) < 2 {
		return 0
	}
	if tv := c.info.Types[call.Args[1]]; tv.Value != nil {
		if n, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok {
			return n
		}
	}
	return -1
}

// link records that channel lhs may hold the value of rhs.
func (c *classes) link(lhs types.Object, rhs ast.Expr) {
	if lhs == nil {
		return
	}
	switch c.makeCap(rhs) {
	case 1:
		c.bufObj = append(c.bufObj, lhs)
		c.capObj = append(c.capObj, objCap{lhs, c.constCap(rhs)})
		return
	case 0:
		c.unbufObj = append(c.unbufObj, lhs)
		c.capObj = append(c.capObj, objCap{lhs, 0})
		return
	}
	c.union(lhs, c.objOf(rhs))
}

// build computes the classes and collects the channel operations of files.
func (c *classes) build(files []*ast.File, fset *token.FileSet, parents map[ast.Node]ast.Node) {
	for _, f := range files {
		test := strings.HasSuffix(fset.File(f.Pos()).Name(), "_test.go")
		var funcs []ast.Node // stack of enclosing functions
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				return true
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				funcs = append(funcs, n)
				if n.Body != nil {
					ast.Inspect(n.Body, c.visitor(&funcs, test, parents))
				}
				funcs = funcs[:len(funcs)-1]
				return false
			}
			return c.visitor(&funcs, test, parents)(n)
		})
	}
	c.closed = make(map[types.Object]bool)
	for _, o := range c.closedObj {
		c.closed[c.find(o)] = true
	}
	unbuf := make(map[types.Object]bool)
	for _, o := range c.unbufObj {
		unbuf[c.find(o)] = true
	}
	c.buffered = make(map[types.Object]bool)
	for _, o := range c.bufObj {
		if r := c.find(o); !unbuf[r] {
			c.buffered[r] = true
		}
	}
	c.capacity = make(map[types.Object]int64)
	notConst := make(map[types.Object]bool)
	for _, oc := range c.capObj {
		r := c.find(oc.obj)
		if oc.cap < 0 {
			notConst[r] = true
		} else if old, ok := c.capacity[r]; !ok || oc.cap < old {
			c.capacity[r] = oc.cap
		}
	}
	for r := range notConst {
		delete(c.capacity, r)
	}
	c.byRoot = make(map[types.Object][]*chanOp)
	for _, op := range c.ops {
		if r := c.find(c.objOf(op.ch)); r != nil {
			c.byRoot[r] = append(c.byRoot[r], op)
		}
	}
}

// visitor returns the ast.Inspect function that links channels and records operations.
// funcs is the stack of enclosing functions.
func (c *classes) visitor(funcs *[]ast.Node, test bool, parents map[ast.Node]ast.Node) func(ast.Node) bool {
	var visit func(ast.Node) bool
	visit = func(n ast.Node) bool {
		if n == nil {
			return true
		}
		var fn ast.Node
		if len(*funcs) > 0 {
			fn = (*funcs)[len(*funcs)-1]
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			*funcs = append(*funcs, n)
			ast.Inspect(n.Body, visit)
			*funcs = (*funcs)[:len(*funcs)-1]
			return false
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
				c.linkLists(n.Lhs, n.Rhs)
			}
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			c.linkLists(lhs, n.Values)
		case *ast.CallExpr:
			c.linkCall(n)
		case *ast.CompositeLit:
			c.linkComposite(n)
		case *ast.ReturnStmt:
			var sig *types.Signature
			switch fn := fn.(type) {
			case *ast.FuncDecl:
				if o, ok := c.info.Defs[fn.Name].(*types.Func); ok {
					sig = o.Signature()
				}
			case *ast.FuncLit:
				sig, _ = c.info.TypeOf(fn).(*types.Signature)
			}
			if sig != nil && sig.Results().Len() == len(n.Results) {
				for i, r := range n.Results {
					if v := sig.Results().At(i); isChan(v.Type()) {
						c.link(v, r)
					}
				}
			}
		case *ast.SendStmt:
			c.ops = append(c.ops, &chanOp{node: n, ch: n.Chan, send: true, sel: commSelect(parents, n), test: test, fn: fn})
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				c.ops = append(c.ops, &chanOp{node: n, ch: n.X, sel: commSelect(parents, n), test: test, fn: fn})
			}
		case *ast.RangeStmt:
			if isChan(c.info.TypeOf(n.X)) {
				c.ops = append(c.ops, &chanOp{node: n, ch: n.X, rng: true, test: test, fn: fn})
			}
		}
		return true
	}
	return visit
}

func (c *classes) linkLists(lhs, rhs []ast.Expr) {
	if len(lhs) == len(rhs) {
		for i := range lhs {
			c.link(c.lhsObj(lhs[i]), rhs[i])
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
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || fn.Origin().Pkg() != c.pkg {
		return
	}
	res := fn.Origin().Signature().Results()
	if res.Len() != len(lhs) {
		return
	}
	for i := range lhs {
		if isChan(res.At(i).Type()) {
			c.union(c.lhsObj(lhs[i]), res.At(i))
		}
	}
}

func (c *classes) lhsObj(e ast.Expr) types.Object {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		if v, ok := c.info.Defs[id].(*types.Var); ok && isChan(v.Type()) {
			return v
		}
	}
	return c.objOf(e)
}

func (c *classes) linkCall(call *ast.CallExpr) {
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := c.info.Uses[id].(*types.Builtin); ok {
			if b.Name() == "close" && len(call.Args) == 1 {
				if o := c.objOf(call.Args[0]); o != nil {
					c.closedObj = append(c.closedObj, o)
				}
			}
			return
		}
	}
	var sig *types.Signature
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		sig, _ = c.info.TypeOf(lit).(*types.Signature)
	} else if fn, ok := typeutil.Callee(c.info, call).(*types.Func); ok && fn.Origin().Pkg() == c.pkg {
		sig = fn.Origin().Signature()
	}
	if sig == nil || call.Ellipsis.IsValid() {
		return
	}
	params := sig.Params()
	for i, arg := range call.Args {
		if i >= params.Len() || (sig.Variadic() && i >= params.Len()-1) {
			break
		}
		if p := params.At(i); isChan(p.Type()) {
			c.link(p, arg)
		}
	}
}

func (c *classes) linkComposite(lit *ast.CompositeLit) {
	t := c.info.TypeOf(lit)
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
				if v, ok := c.info.Uses[id].(*types.Var); ok && isChan(v.Type()) {
					c.link(v, kv.Value)
				}
			}
		} else if i < st.NumFields() && isChan(st.Field(i).Type()) {
			c.link(st.Field(i), elt)
		}
	}
}

// commSelect returns the select statement of which n (a send statement or a receive
// expression) is the communication of a case, or nil.
func commSelect(parents map[ast.Node]ast.Node, n ast.Node) *ast.SelectStmt {
	var stmt ast.Node = n
	if _, ok := n.(*ast.UnaryExpr); ok {
		p := parents[n]
		switch p := p.(type) {
		case *ast.ExprStmt:
			stmt = p
		case *ast.AssignStmt:
			if len(p.Rhs) != 1 || p.Rhs[0] != n {
				return nil
			}
			stmt = p
		default:
			return nil
		}
	}
	cc, ok := parents[stmt].(*ast.CommClause)
	if !ok || cc.Comm != stmt {
		return nil
	}
	sel, _ := parents[parents[cc]].(*ast.SelectStmt)
	return sel
}
