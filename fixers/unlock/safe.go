package unlock

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/types/typeutil"
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

// safeUnlocked reports whether e can be evaluated after the mutex is released without
// reading state the mutex may guard: constants, nil, local variables not shared with
// function literals (and fields of local struct values), and conversions, operators,
// composite literals and calls of standard library functions over those.
func (a *analyzer) safeUnlocked(u *unit, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return a.safeUnlocked(u, e.X)
	case *ast.Ident:
		switch obj := a.info.Uses[e].(type) {
		case *types.Const, *types.Nil, *types.Func, *types.TypeName:
			return true
		case *types.Var:
			if obj.IsField() || obj.Parent() == nil {
				return false
			}
			if obj.Parent() == obj.Pkg().Scope() {
				// A package-level variable that is never written after its initialization
				// (an error sentinel) cannot be guarded by the mutex.
				return obj.Pkg() == a.pass.Pkg && !a.isWritten(obj)
			}
			local := obj.Pos() >= u.body.Pos() && obj.Pos() < u.body.End() || a.isParam(u, obj)
			return local && !a.capturedBy(u, obj)
		}
		return false
	case *ast.SelectorExpr:
		if s, ok := a.info.Selections[e]; ok {
			if s.Kind() != types.FieldVal || s.Indirect() {
				return false
			}
			if _, isPtr := a.info.TypeOf(e.X).Underlying().(*types.Pointer); isPtr {
				return false
			}
			return a.safeUnlocked(u, e.X)
		}
		switch obj := a.info.Uses[e.Sel].(type) {
		case *types.Const, *types.Func:
			return true
		case *types.Var:
			// An error value of the standard library (io.EOF, os.ErrNotExist): no mutex of
			// this package guards it.
			return stdlib(obj.Pkg().Path()) && types.Implements(obj.Type(), errorType)
		}
		return false
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && e.Op != token.AND && a.safeUnlocked(u, e.X)
	case *ast.BinaryExpr:
		return a.safeUnlocked(u, e.X) && a.safeUnlocked(u, e.Y)
	case *ast.CompositeLit:
		for _, x := range e.Elts {
			if kv, ok := x.(*ast.KeyValueExpr); ok {
				x = kv.Value
				if _, isIdent := kv.Key.(*ast.Ident); !isIdent && !a.safeUnlocked(u, kv.Key) {
					return false
				}
			}
			if !a.safeUnlocked(u, x) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if tv, ok := a.info.Types[e.Fun]; ok && tv.IsType() {
			return len(e.Args) == 1 && a.safeUnlocked(u, e.Args[0])
		}
		fn, ok := typeutil.Callee(a.info, e).(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil || !stdlib(fn.Pkg().Path()) {
			return false
		}
		for _, x := range e.Args {
			if !a.safeUnlocked(u, x) {
				return false
			}
		}
		return true
	}
	return false
}

// isWritten reports whether package-level variable v is assigned, incremented, has its
// address taken or a pointer method called anywhere in the package after its declaration.
func (a *analyzer) isWritten(v *types.Var) bool {
	if a.written == nil {
		a.written = make(map[*types.Var]bool)
		for cur := range a.m.Inspector.Root().Preorder((*ast.Ident)(nil)) {
			w, ok := a.info.Uses[cur.Node().(*ast.Ident)].(*types.Var)
			if !ok || w.IsField() || w.Parent() != w.Pkg().Scope() {
				continue
			}
			c := cur
		climb:
			for {
				p := c.Parent()
				switch pn := p.Node().(type) {
				case *ast.ParenExpr, *ast.StarExpr:
				case *ast.IndexExpr:
					if c.ParentEdgeKind() != edge.IndexExpr_X {
						break climb
					}
				case *ast.SelectorExpr:
					if c.ParentEdgeKind() == edge.SelectorExpr_Sel {
						break // pkg.Var
					}
					if s := a.info.Selections[pn]; s != nil && s.Kind() == types.MethodVal {
						if _, ptr := s.Obj().(*types.Func).Signature().Recv().Type().(*types.Pointer); ptr && !s.Indirect() {
							a.written[w] = true
						}
						break climb
					}
				case *ast.UnaryExpr:
					if pn.Op == token.AND {
						a.written[w] = true
					}
					break climb
				case *ast.AssignStmt:
					if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
						a.written[w] = true
					}
					break climb
				case *ast.IncDecStmt:
					a.written[w] = true
					break climb
				case *ast.RangeStmt:
					if c.ParentEdgeKind() == edge.RangeStmt_Key || c.ParentEdgeKind() == edge.RangeStmt_Value {
						a.written[w] = true
					}
					break climb
				default:
					break climb
				}
				c = p
			}
		}
	}
	return a.written[v]
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

// stdlib reports whether path is a standard library package path.
func stdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// isParam reports whether v is a parameter or result of unit u.
func (a *analyzer) isParam(u *unit, v *types.Var) bool {
	var ft *ast.FuncType
	switch n := u.cur.Node().(type) {
	case *ast.FuncDecl:
		ft = n.Type
	case *ast.FuncLit:
		ft = n.Type
	}
	return ft != nil && v.Pos() >= ft.Pos() && v.Pos() < ft.End()
}

// capturedBy reports whether a function literal inside u refers to v.
func (a *analyzer) capturedBy(u *unit, v *types.Var) bool {
	found := false
	for cur := range u.cur.Preorder((*ast.FuncLit)(nil)) {
		if cur.Node() == u.cur.Node() {
			continue
		}
		ast.Inspect(cur.Node(), func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && a.info.Uses[id] == v {
				found = true
			}
			return !found
		})
	}
	return found
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
