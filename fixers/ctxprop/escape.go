package ctxprop

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// resultEscapes reports whether a result of the call at callCur that may hold the
// context it is given could outlive the use the function makes of it: stored in a
// field, global or composite value, sent, captured by a goroutine or a literal that may
// run later, or returned from somewhere other than the function that owns the context.
// Passing the context to such a call is then a decision about lifetimes this analyzer
// cannot make (a cached client, a pooled stream, a started process).
func (ck *checker) resultEscapes(callCur inspector.Cursor, env envResult) bool {
	call := callCur.Node().(*ast.CallExpr)
	sig := ck.signature(call)
	if sig == nil {
		return true
	}
	var retain []int
	for i := 0; i < sig.Results().Len(); i++ {
		if mayRetain(sig.Results().At(i).Type()) {
			retain = append(retain, i)
		}
	}
	if len(retain) == 0 {
		return false
	}
	if len(env.levels) == 0 {
		return true
	}
	owner := env.levels[len(env.levels)-1].fn

	p := callCur.Parent()
	for {
		if _, ok := p.Node().(*ast.ParenExpr); !ok {
			break
		}
		p = p.Parent()
	}
	var lhs []ast.Expr
	switch n := p.Node().(type) {
	case *ast.ExprStmt:
		return false
	case *ast.SelectorExpr:
		// The result is used as a receiver or its field is read, on the spot.
		return false
	case *ast.ReturnStmt:
		return !ck.returnsFrom(p, owner)
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
			return true
		}
		switch {
		case len(n.Rhs) == 1:
			lhs = n.Lhs
		case len(n.Lhs) == len(n.Rhs):
			lhs = []ast.Expr{n.Lhs[indexOf(n.Rhs, callCur.Node())]}
		default:
			return true
		}
	case *ast.ValueSpec:
		if len(n.Values) == 1 {
			for _, id := range n.Names {
				lhs = append(lhs, id)
			}
		} else {
			lhs = []ast.Expr{n.Names[indexOf(n.Values, callCur.Node())]}
		}
	default:
		return true
	}
	if len(lhs) != sig.Results().Len() {
		if len(lhs) != 1 || sig.Results().Len() != 1 {
			return true
		}
	}
	for _, i := range retain {
		id, ok := lhs[i].(*ast.Ident)
		if !ok {
			return true
		}
		if id.Name == "_" {
			continue
		}
		v, ok := ck.pass.TypesInfo.ObjectOf(id).(*types.Var)
		if !ok || v.Pos() < owner.Pos() || v.Pos() >= owner.End() {
			return true // not a local variable of the functions in view
		}
		if ck.varEscapes(v, owner) || ck.getsContext(v, owner, 0) {
			return true
		}
	}
	if ck.needsCompletion(sig) && !ck.completed(callCur, lhs, owner) {
		return true
	}
	return false
}

func indexOf(list []ast.Expr, n ast.Node) int {
	for i, e := range list {
		if e == n || ast.Unparen(e) == n {
			return i
		}
	}
	for i, e := range list {
		if e.Pos() <= n.Pos() && n.End() <= e.End() {
			return i
		}
	}
	return 0
}

// returnsFrom reports whether the return statement at ret returns from function fn.
func (ck *checker) returnsFrom(ret inspector.Cursor, fn ast.Node) bool {
	for c := range ret.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return c.Node() == fn
	}
	return false
}

// varEscapes reports whether local variable v, holding a value that may hold a
// context, may outlive its uses in fn: uses other than as a receiver or operand of a
// field selection, a comparison, an argument of an ordinary call, or a return from fn.
func (ck *checker) varEscapes(v *types.Var, fn ast.Node) bool {
	f := ck.m.FuncOf(fn)
	if f == nil {
		return true
	}
	fnCur := f.Cursor
	escapes := false
	for c := range fnCur.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if ck.pass.TypesInfo.Uses[id] != v {
			continue
		}
		if ck.useEscapes(c, fn) {
			escapes = true
			break
		}
	}
	return escapes
}

func (ck *checker) useEscapes(c inspector.Cursor, fn ast.Node) bool {
	// A use inside a literal that may run later (not on the spot, not deferred, not run
	// by its callee before it returns) escapes.
	for l := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if l.Node() == fn {
			break
		}
		if _, ok := calledOnTheSpot(l); ok {
			continue
		}
		if _, _, ok := ck.runsBeforeReturn(l); ok {
			continue
		}
		if ck.joinedGo(l) != nil {
			continue // a goroutine the function waits for
		}
		if call, ok := l.Parent().Node().(*ast.CallExpr); ok && ast.Unparen(call.Fun) == l.Node() {
			if _, ok := l.Parent().Parent().Node().(*ast.DeferStmt); ok {
				continue
			}
		}
		return true
	}
	for g := range c.Enclosing((*ast.GoStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if gs, ok := g.Node().(*ast.GoStmt); ok {
			if lit, isLit := ast.Unparen(gs.Call.Fun).(*ast.FuncLit); isLit {
				if lc, found := g.FindNode(lit); found && ck.joinedGo(lc) != nil {
					continue
				}
			}
			return true
		}
		if g.Node() == fn {
			break
		}
	}
	p := c.Parent()
	child := c.Node()
	for {
		if _, ok := p.Node().(*ast.ParenExpr); !ok {
			break
		}
		child = p.Node()
		p = p.Parent()
	}
	switch n := p.Node().(type) {
	case *ast.SelectorExpr:
		return false
	case *ast.BinaryExpr:
		return n.Op != token.EQL && n.Op != token.NEQ
	case *ast.AssignStmt:
		for _, l := range n.Lhs {
			if l == child {
				return false // assigned to, not from
			}
		}
		return true
	case *ast.ReturnStmt:
		return !ck.returnsFrom(p, fn)
	case *ast.CallExpr:
		if n.Fun == child {
			return true
		}
		if tv, ok := ck.pass.TypesInfo.Types[n.Fun]; !ok || tv.IsType() || tv.IsBuiltin() {
			return true // append, conversions
		}
		if _, ok := p.Parent().Node().(*ast.GoStmt); ok {
			return true
		}
		return false
	}
	return true
}

// needsCompletion reports whether the call returns an *os/exec.Cmd: a process started
// from it runs past the function unless the function waits for it, and a context would
// kill it.
func (ck *checker) needsCompletion(sig *types.Signature) bool {
	for i := 0; i < sig.Results().Len(); i++ {
		if isExecCmd(sig.Results().At(i).Type()) {
			return true
		}
	}
	return false
}

func isExecCmd(t types.Type) bool {
	ptr, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := ptr.Elem().(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "os/exec" && named.Obj().Name() == "Cmd"
}

// completing lists the methods of *exec.Cmd that wait for the process to end.
var completing = map[string]bool{"Run": true, "Output": true, "CombinedOutput": true, "Wait": true}

// completed reports whether the *exec.Cmd made by the call at callCur is waited for in
// fn: a Run, Output, CombinedOutput or Wait call on it, on the spot or on the local
// variable it is assigned to, outside go statements and literals that may run later.
func (ck *checker) completed(callCur inspector.Cursor, lhs []ast.Expr, fn ast.Node) bool {
	isCompleting := func(sel inspector.Cursor) bool {
		call, ok := sel.Parent().Node().(*ast.CallExpr)
		if !ok || call.Fun != sel.Node() {
			return false
		}
		m, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
		if !ok || !completing[m.Name()] || m.Signature().Recv() == nil || !isExecCmd(m.Signature().Recv().Type()) {
			return false
		}
		if _, ok := sel.Parent().Parent().Node().(*ast.GoStmt); ok {
			return false
		}
		return true
	}
	if sel, ok := callCur.Parent().Node().(*ast.SelectorExpr); ok && sel.X == callCur.Node() {
		return isCompleting(callCur.Parent())
	}
	var cmd *types.Var
	for _, l := range lhs {
		if id, ok := l.(*ast.Ident); ok {
			if v, ok := ck.pass.TypesInfo.ObjectOf(id).(*types.Var); ok && isExecCmd(v.Type()) {
				cmd = v
			}
		}
	}
	if cmd == nil {
		return false
	}
	fnCur, ok := ck.insp.Root().FindNode(fn)
	if !ok {
		return false
	}
	for c := range fnCur.Preorder((*ast.Ident)(nil)) {
		if ck.pass.TypesInfo.Uses[c.Node().(*ast.Ident)] != cmd {
			continue
		}
		if sel, ok := c.Parent().Node().(*ast.SelectorExpr); ok && sel.X == c.Node() && isCompleting(c.Parent()) {
			if ck.useEscapes(c, fn) {
				continue
			}
			return true
		}
	}
	return false
}

// getsContext reports whether fn calls a method on v that takes a context.Context and
// returns a value of v's type (req.WithContext(ctx), req.Clone(ctx)), or hands v to a
// call together with a context (c.Do(ctx, req)): the code gives the value its context
// itself, or leaves that to the callee, which may also accept what the twin would not
// (prometheus/client_golang's httpClient.Do attaches ctx only when it is not nil, and
// http.NewRequestWithContext refuses a nil one). A callee of the package is followed
// (depth levels so far): it leaves the value its context only when it gives it one
// (jaeger's injectSpan(ctx, req) only sets headers).
func (ck *checker) getsContext(v *types.Var, fn ast.Node, depth int) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if ck.handedWithContext(call, v, depth) {
			found = true
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := ast.Unparen(sel.X).(*ast.Ident); !ok || ck.pass.TypesInfo.Uses[id] != v {
			return true
		}
		sig := ck.signature(call)
		if sig == nil {
			return true
		}
		takesCtx, returnsCopy := false, false
		for i := 0; i < sig.Params().Len(); i++ {
			takesCtx = takesCtx || ck.isCtx(sig.Params().At(i).Type())
		}
		for i := 0; i < sig.Results().Len(); i++ {
			returnsCopy = returnsCopy || types.Identical(sig.Results().At(i).Type(), v.Type())
		}
		found = takesCtx && returnsCopy
		return true
	})
	return found
}

// handedWithContext reports whether call passes v and, in another argument, a value of
// type context.Context, to a function that may give v that context: one of another
// package, or one of this package that does (getsContext of its parameter, up to
// maxHandDepth calls deep).
func (ck *checker) handedWithContext(call *ast.CallExpr, v *types.Var, depth int) bool {
	at, withCtx := -1, false
	for i, a := range call.Args {
		if id, ok := ast.Unparen(a).(*ast.Ident); ok && ck.pass.TypesInfo.Uses[id] == v {
			at = i
			continue
		}
		if t := ck.pass.TypesInfo.TypeOf(a); t != nil && ck.isCtx(t) {
			withCtx = true
		}
	}
	if at < 0 || !withCtx {
		return false
	}
	f := ck.m.Decl(typeutil.StaticCallee(ck.pass.TypesInfo, call))
	if f == nil {
		return true // not visible: its contract may attach the context
	}
	params := f.Sig.Params()
	if depth >= maxHandDepth || at >= params.Len() || f.Sig.Variadic() && at >= params.Len()-1 {
		return false
	}
	return ck.getsContext(params.At(at), f.Node, depth+1)
}

// maxHandDepth bounds the calls of the package followed by handedWithContext.
const maxHandDepth = 3
