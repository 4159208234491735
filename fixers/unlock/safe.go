package unlock

import (
	"go/ast"
	"go/token"
	"go/types"
)

// simple reports whether evaluating e runs no code that could block or lock: no calls
// other than conversions and pure builtins, no receives, no function literals.
func (a *analyzer) simple(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.CallExpr:
			if tv, found := a.info.Types[n.Fun]; found && tv.IsType() {
				return true
			}
			if id, isIdent := ast.Unparen(n.Fun).(*ast.Ident); isIdent {
				if b, isBuiltin := a.info.Uses[id].(*types.Builtin); isBuiltin {
					switch b.Name() {
					case "len", "cap", "min", "max", "real", "imag", "complex":
						return true
					}
				}
			}
			ok = false
		}
		return ok
	})
	return ok
}

// inScope reports whether every variable and package name that e refers to denotes the
// same object at pos.
func (a *analyzer) inScope(e ast.Expr, pos token.Pos) bool {
	scope := a.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		id, isIdent := n.(*ast.Ident)
		if !isIdent {
			return ok
		}
		obj := a.info.Uses[id]
		if obj == nil {
			return ok
		}
		if v, isVar := obj.(*types.Var); isVar && v.IsField() {
			return ok
		}
		if _, found := scope.LookupParent(id.Name, pos); found != obj {
			ok = false
		}
		return ok
	})
	return ok
}
