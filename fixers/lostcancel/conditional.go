package lostcancel

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
)

// A condRelease is a deferred function literal that calls the cancel function only when
// the function fails (xmtp/xmtpd#1909):
//
//	defer func() {
//		if err != nil {
//			cancel()
//		}
//	}()
//
// where err is a named error result and the literal holds every reference to cancel.
// It releases the returns that fail, not the ones that may succeed: a return of nil, or
// of an error variable not known to be non-nil there, loses the cancel. When the cancel
// is referred to anywhere else (handed to the value the function returns, as grpc's
// constructors do), or called in the literal without that condition (by a goroutine the
// literal starts, as caddy's grace period does), the literal is a use like any other.
type condRelease struct {
	stmt *ast.DeferStmt
	err  *types.Var // the named result the condition tests
	res  int        // its index in the results
	n    int        // the number of results
}

// conditionalRelease returns c's conditional release, or nil.
func (a *analyzer) conditionalRelease(c *candidate, r *refs) *condRelease {
	info := a.pass.TypesInfo
	results := c.sig.Results()
	var found *condRelease
	var lit *ast.FuncLit
	ast.Inspect(c.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			l, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit)
			if !ok || len(n.Call.Args) > 0 || found != nil {
				return false
			}
			if cr := condCalls(info, l, c.cancel, results); cr != nil {
				cr.stmt, found, lit = n, cr, l
			}
			return false
		}
		return true
	})
	if found == nil {
		return nil
	}
	for id := range r.uses {
		if id.Pos() < lit.Pos() || lit.End() <= id.Pos() {
			return nil // referred to elsewhere too
		}
	}
	return found
}

// condCalls reports, for a deferred literal, the named error result whose test guards
// every reference to cancel in it: each is the call `cancel()` as a statement of the body
// of `if err != nil { ... }`, directly in the literal's body (not in a goroutine or a
// nested literal).
func condCalls(info *types.Info, lit *ast.FuncLit, cancel *types.Var, results *types.Tuple) *condRelease {
	refs, calls := 0, 0
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == cancel {
			refs++
		}
		return true
	})
	var cr *condRelease
	for _, st := range lit.Body.List {
		is, ok := st.(*ast.IfStmt)
		if !ok || is.Init != nil {
			continue
		}
		v := model.NilTested(info, is.Cond, token.NEQ)
		idx := -1
		for i := range results.Len() {
			if v != nil && results.At(i) == v && model.IsError(v.Type()) {
				idx = i
			}
		}
		if idx < 0 {
			continue
		}
		for _, s := range is.Body.List {
			if isCallOf(info, s, cancel) {
				calls++
				cr = &condRelease{err: v, res: idx, n: results.Len()}
			}
		}
	}
	if cr == nil || calls != refs {
		return nil
	}
	return cr
}

// isCallOf reports whether st is the statement `f()` for the variable f.
func isCallOf(info *types.Info, st ast.Stmt, f *types.Var) bool {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok || len(call.Args) > 0 {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	return ok && info.Uses[id] == f
}

// mayReturnNil reports whether the return statement ret (with cursor cur) may return a
// nil error for the tested result: it returns the literal nil, or a variable (the result
// itself for a bare return) that is not known to be non-nil there. A variable is known
// non-nil inside `if v != nil { ... }`, in the else branch of `if v == nil`, and after
// `if v == nil { ...; return }` in the same block. Any other expression (a call, a
// composite) is taken for an error.
func (cr *condRelease) mayReturnNil(info *types.Info, ret *ast.ReturnStmt, cur inspector.Cursor) bool {
	var e ast.Expr
	switch {
	case len(ret.Results) == 0:
		// A bare return (or the end of the function) returns the named result.
	case len(ret.Results) == cr.n:
		e = ast.Unparen(ret.Results[cr.res])
	default:
		return false // a call returning several values: unknown
	}
	v := cr.err
	if e != nil {
		if info.Types[e].IsNil() {
			return true
		}
		id, ok := e.(*ast.Ident)
		if !ok {
			return false
		}
		if v, ok = info.Uses[id].(*types.Var); !ok {
			return false
		}
	}
	if !cur.Valid() {
		return true // a synthetic return at the end of the body
	}
	child := cur
	for p := cur.Parent(); p.Valid(); child, p = p, p.Parent() {
		switch n := p.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return true
		case *ast.IfStmt:
			if child.Node() == n.Body && model.NilTested(info, n.Cond, token.NEQ) == v ||
				child.Node() == n.Else && model.NilTested(info, n.Cond, token.EQL) == v {
				return false
			}
		case *ast.BlockStmt:
			for _, st := range n.List {
				if st.Pos() >= child.Node().Pos() {
					break
				}
				if is, ok := st.(*ast.IfStmt); ok && is.Else == nil && model.NilTested(info, is.Cond, token.EQL) == v && endsInReturn(is.Body) {
					return false
				}
			}
		}
	}
	return true
}

// endsInReturn reports whether the block's last statement is a return.
func endsInReturn(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	_, ok := b.List[len(b.List)-1].(*ast.ReturnStmt)
	return ok
}
