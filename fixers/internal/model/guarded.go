package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/types/typeutil"
)

// Unguarded reports whether e, evaluated in f, reads no state that a lock may guard, so
// that it can be evaluated after f releases the lock (the results of a return that a
// fix releases the lock before): constants, nil, local variables of f not shared with
// function literals (and fields of local struct values), package-level variables of
// the package never written after their initialization (an error sentinel), error values
// of the standard library, and conversions, operators, composite literals and calls of
// standard library functions over those.
func (m *Model) Unguarded(f *Func, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return m.Unguarded(f, e.X)
	case *ast.Ident:
		switch obj := m.Info.Uses[e].(type) {
		case *types.Const, *types.Nil, *types.Func, *types.TypeName:
			return true
		case *types.Var:
			if obj.IsField() || obj.Parent() == nil {
				return false
			}
			if obj.Parent() == obj.Pkg().Scope() {
				// A package-level variable that is never written after its initialization
				// (an error sentinel) cannot be guarded by the mutex.
				return obj.Pkg() == m.Pkg && !m.writtenAfterInit(obj)
			}
			local := obj.Pos() >= f.Body.Pos() && obj.Pos() < f.Body.End() || f.declares(obj)
			return local && !f.captures(obj)
		}
		return false
	case *ast.SelectorExpr:
		if s, ok := m.Info.Selections[e]; ok {
			if s.Kind() != types.FieldVal || s.Indirect() {
				return false
			}
			if _, isPtr := m.Info.TypeOf(e.X).Underlying().(*types.Pointer); isPtr {
				return false
			}
			return m.Unguarded(f, e.X)
		}
		switch obj := m.Info.Uses[e.Sel].(type) {
		case *types.Const, *types.Func:
			return true
		case *types.Var:
			// An error value of the standard library (io.EOF, os.ErrNotExist): no mutex of
			// this package guards it.
			return stdlib(obj.Pkg().Path()) && types.Implements(obj.Type(), errorType)
		}
		return false
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && e.Op != token.AND && m.Unguarded(f, e.X)
	case *ast.BinaryExpr:
		return m.Unguarded(f, e.X) && m.Unguarded(f, e.Y)
	case *ast.CompositeLit:
		for _, x := range e.Elts {
			if kv, ok := x.(*ast.KeyValueExpr); ok {
				x = kv.Value
				if _, isIdent := kv.Key.(*ast.Ident); !isIdent && !m.Unguarded(f, kv.Key) {
					return false
				}
			}
			if !m.Unguarded(f, x) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if tv, ok := m.Info.Types[e.Fun]; ok && tv.IsType() {
			return len(e.Args) == 1 && m.Unguarded(f, e.Args[0])
		}
		fn, ok := typeutil.Callee(m.Info, e).(*types.Func)
		if ok && isContextErr(fn) {
			// ctx.Err() of an unguarded context reads the context's own state.
			sel, isSel := ast.Unparen(e.Fun).(*ast.SelectorExpr)
			return isSel && m.Unguarded(f, sel.X)
		}
		if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil || !stdlib(fn.Pkg().Path()) {
			return false
		}
		for _, x := range e.Args {
			if !m.Unguarded(f, x) {
				return false
			}
		}
		return true
	}
	return false
}

// writtenAfterInit reports whether package-level variable v is assigned, incremented, has
// its address taken or a pointer method called anywhere in the package after its
// declaration.
func (m *Model) writtenAfterInit(v *types.Var) bool {
	m.writtenOnce.Do(func() {
		m.written = make(map[*types.Var]bool)
		for cur := range m.Inspector.Root().Preorder((*ast.Ident)(nil)) {
			w, ok := m.Info.Uses[cur.Node().(*ast.Ident)].(*types.Var)
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
					if s := m.Info.Selections[pn]; s != nil && s.Kind() == types.MethodVal {
						if _, ptr := s.Obj().(*types.Func).Signature().Recv().Type().(*types.Pointer); ptr && !s.Indirect() {
							m.written[w] = true
						}
						break climb
					}
				case *ast.UnaryExpr:
					if pn.Op == token.AND {
						m.written[w] = true
					}
					break climb
				case *ast.AssignStmt:
					if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
						m.written[w] = true
					}
					break climb
				case *ast.IncDecStmt:
					m.written[w] = true
					break climb
				case *ast.RangeStmt:
					if c.ParentEdgeKind() == edge.RangeStmt_Key || c.ParentEdgeKind() == edge.RangeStmt_Value {
						m.written[w] = true
					}
					break climb
				default:
					break climb
				}
				c = p
			}
		}
	})
	return m.written[v]
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

// isContextErr reports whether fn is the Err method of context.Context.
func isContextErr(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	if recv == nil || fn.Name() != "Err" {
		return false
	}
	named, ok := types.Unalias(recv.Type()).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "context" && named.Obj().Name() == "Context"
}

// stdlib reports whether path is a standard library package path.
func stdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// declares reports whether v is a parameter or result of f.
func (f *Func) declares(v *types.Var) bool {
	var ft *ast.FuncType
	switch n := f.Node.(type) {
	case *ast.FuncDecl:
		ft = n.Type
	case *ast.FuncLit:
		ft = n.Type
	}
	return ft != nil && v.Pos() >= ft.Pos() && v.Pos() < ft.End()
}

// captures reports whether a function literal inside f refers to v.
func (f *Func) captures(v *types.Var) bool {
	found := false
	for cur := range f.Cursor.Preorder((*ast.FuncLit)(nil)) {
		if cur.Node() == f.Node {
			continue
		}
		ast.Inspect(cur.Node(), func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && f.m.Info.Uses[id] == v {
				found = true
			}
			return !found
		})
	}
	return found
}

// InScope reports whether every variable and package name that e refers to denotes the
// same object at pos: a fix may write e there.
func (m *Model) InScope(e ast.Expr, pos token.Pos) bool {
	scope := m.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		id, isIdent := n.(*ast.Ident)
		if !isIdent {
			return ok
		}
		obj := m.Info.Uses[id]
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
