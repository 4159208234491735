package lostcancel

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
)

// A deadline is what a path knows of the context that WithTimeout or WithDeadline (or
// their Cause variants) assigned at the candidate's statement: that its Deadline method
// reports ok, so that the branch of `if _, ok := X.Deadline(); !ok { ... }` that derives
// a default timeout cannot run while X still holds that context. The common shape
// (nats.go's getJSContextOpts) derives a timeout when the caller gave no context, then
// another one when the context has no deadline: the second cannot overwrite the first's
// cancel.
type deadline struct {
	info *types.Info
	ctx  ast.Expr // the variable or field path that received the context
	// calls says whether any call may write the path: it is a field, or a variable whose
	// address is taken in the function.
	calls bool
}

// newDeadline returns the fact for c, or nil when its context may have no deadline or
// is not held by a path of a local variable and fields.
func newDeadline(info *types.Info, c *candidate) *deadline {
	if c.callee.Pkg() == nil || c.callee.Pkg().Path() != "context" {
		return nil
	}
	switch c.callee.Name() {
	case "WithTimeout", "WithDeadline", "WithTimeoutCause", "WithDeadlineCause":
	default:
		return nil
	}
	base := pathBase(c.ctxExpr)
	if base == nil {
		return nil
	}
	v, ok := info.ObjectOf(base).(*types.Var)
	if !ok || !isLocal(v, c.fn) {
		return nil
	}
	dl := &deadline{info: info, ctx: c.ctxExpr, calls: base != ast.Unparen(c.ctxExpr)}
	ast.Inspect(c.fn, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.AND {
			if b := pathBase(u.X); b != nil && info.ObjectOf(b) == v {
				dl.calls = true
			}
		}
		return true
	})
	return dl
}

// pathBase returns the variable at the root of x, y.f or y.f.g, or nil for any other
// expression.
func pathBase(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return pathBase(e.X)
	}
	return nil
}

// samePath reports whether a and b name the same variable and fields.
func (dl *deadline) samePath(a, b ast.Expr) bool {
	switch a := ast.Unparen(a).(type) {
	case *ast.Ident:
		b, ok := ast.Unparen(b).(*ast.Ident)
		return ok && dl.info.ObjectOf(a) != nil && dl.info.ObjectOf(a) == dl.info.ObjectOf(b)
	case *ast.SelectorExpr:
		b, ok := ast.Unparen(b).(*ast.SelectorExpr)
		return ok && dl.info.ObjectOf(a.Sel) == dl.info.ObjectOf(b.Sel) && dl.samePath(a.X, b.X)
	}
	return false
}

// kills reports whether n may change what the path holds: it assigns the path or a
// prefix of it, or (when calls may write the path) calls anything but a conversion, a
// builtin or the Deadline, Done or Err method of a context.
func (dl *deadline) kills(n ast.Node) bool {
	killed := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // its body runs where it is called
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if dl.samePath(l, dl.ctx) || dl.prefixOf(l) {
					killed = true
				}
			}
		case *ast.CallExpr:
			if !dl.calls {
				break
			}
			if tv, ok := dl.info.Types[n.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
				break
			}
			if fn, ok := typeutil.Callee(dl.info, n).(*types.Func); ok && (model.IsContextMethod(fn, "Deadline") ||
				model.IsContextMethod(fn, "Done") || model.IsContextMethod(fn, "Err")) {
				break
			}
			killed = true
		}
		return !killed
	})
	return killed
}

// prefixOf reports whether p is the path's variable or one of its leading fields.
func (dl *deadline) prefixOf(p ast.Expr) bool {
	for e := ast.Unparen(dl.ctx); ; {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		e = ast.Unparen(sel.X)
		if dl.samePath(p, e) {
			return true
		}
	}
}

// infeasible returns the successor of b that cannot run while the path still holds the
// context: b ends with `_, ok := X.Deadline()` and the condition `!ok` (the then branch,
// 0) or `ok` (the else branch, 1), X being the path. It returns -1 otherwise.
func (dl *deadline) infeasible(b *cfg.Block) int {
	if len(b.Nodes) < 2 || len(b.Succs) != 2 {
		return -1
	}
	cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok {
		return -1
	}
	succ := 1
	if u, ok := ast.Unparen(cond).(*ast.UnaryExpr); ok && u.Op == token.NOT {
		cond, succ = u.X, 0
	}
	okID, isID := ast.Unparen(cond).(*ast.Ident)
	as, isAssign := b.Nodes[len(b.Nodes)-2].(*ast.AssignStmt)
	if !isID || !isAssign || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return -1
	}
	if lhs, ok := as.Lhs[1].(*ast.Ident); !ok || dl.info.ObjectOf(lhs) == nil || dl.info.ObjectOf(lhs) != dl.info.ObjectOf(okID) {
		return -1
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok {
		return -1
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	fn, isFn := typeutil.Callee(dl.info, call).(*types.Func)
	if !ok || !isFn || !model.IsContextMethod(fn, "Deadline") || !dl.samePath(sel.X, dl.ctx) {
		return -1
	}
	return succ
}
