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
