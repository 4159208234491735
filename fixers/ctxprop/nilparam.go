package ctxprop

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/types/typeutil"
)

// nilIsDefault reports whether nil passed as argument i of call, a call of a function of
// the package itself, is what the callee takes for context.Background() or would crash
// on, so that a context changes nothing but the bug (influxdata/influxdb#18137: the
// client's Query passed nil to its own QueryContext, and the fix passed
// context.Background()). That is so when the callee is a function or method declared in
// the package whose parameter i is a context.Context and either
//
//   - its only comparisons with nil are `if ctx == nil { ctx = context.Background() }`
//     (or TODO()) as a statement of its body, before any other use; or
//   - it never compares it with nil, and every use calls a method of it or passes it to
//     an exported function of another package (which, by the context package's rule,
//     must not get nil), at least once.
//
// Anything else may be a sentinel (`if ctx == nil { /* no transaction */ }`), which a
// context would change, and is left alone.
func (ck *checker) nilIsDefault(call *ast.CallExpr, i int) bool {
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() != ck.pass.Pkg || call.Ellipsis.IsValid() {
		return false
	}
	f := ck.m.Decl(fn)
	if f == nil || f.Body == nil || i >= f.Sig.Params().Len() || f.Sig.Variadic() && i >= f.Sig.Params().Len()-1 {
		return false
	}
	p := f.Sig.Params().At(i)
	if !ck.isCtx(p.Type()) {
		return false
	}
	info := ck.pass.TypesInfo
	// The normalising statement, if any, must come first among the references.
	var norm *ast.IfStmt
	for _, st := range f.Body.List {
		if is, isIf := st.(*ast.IfStmt); isIf && ck.isDefaulting(is, p) {
			norm = is
			break
		}
		if model.Refers(info, st, p) {
			break
		}
	}
	if norm != nil {
		return true
	}
	good, uses := true, 0
	for c := range f.Cursor.Preorder((*ast.Ident)(nil)) {
		if info.Uses[c.Node().(*ast.Ident)] != p {
			continue
		}
		uses++
		switch n := c.Parent().Node().(type) {
		case *ast.SelectorExpr:
			if call, isCall := c.Parent().Parent().Node().(*ast.CallExpr); !isCall || call.Fun != n {
				good = false
			}
		case *ast.CallExpr:
			if ast.Unparen(n.Fun) == c.Node() || !ck.foreignAPI(n) {
				good = false
			}
		default:
			good = false // a comparison, an assignment, a store, a return
		}
	}
	return good && uses > 0
}

// isDefaulting reports whether is is `if p == nil { p = context.Background() }` (or
// TODO()), with no init and no else.
func (ck *checker) isDefaulting(is *ast.IfStmt, p *types.Var) bool {
	if is.Init != nil || is.Else != nil || len(is.Body.List) != 1 {
		return false
	}
	if model.NilTested(ck.pass.TypesInfo, is.Cond, token.EQL) != p {
		return false
	}
	as, isAssign := is.Body.List[0].(*ast.AssignStmt)
	if !isAssign || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return false
	}
	if id, isID := as.Lhs[0].(*ast.Ident); !isID || ck.pass.TypesInfo.Uses[id] != p {
		return false
	}
	fresh, isCall := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !isCall {
		return false
	}
	name := ck.ctxFunc(fresh)
	return name == "Background" || name == "TODO"
}
