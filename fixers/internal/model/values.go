package model

import (
	"go/ast"
	"go/token"
	"go/types"
)

// ValuesOf returns every value the package gives the variable or struct field v: the
// right-hand sides of one-to-one assignments (= and :=), the values of its
// declarations, and its entries in keyed composite literals. ok is false when some
// value cannot be told: a multi-value assignment or a declaration without a value into
// v, an op-assignment, a range into it, its address taken, or an unkeyed literal of a
// struct that holds it. A field that a literal leaves out keeps its zero value, which
// is not listed.
func (m *Model) ValuesOf(v *types.Var) (values []ast.Expr, ok bool) {
	info := m.Info
	is := func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.ObjectOf(e) == v
		case *ast.SelectorExpr:
			return info.Uses[e.Sel] == v
		}
		return false
	}
	ok = true
	for cur := range m.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.KeyValueExpr)(nil),
		(*ast.UnaryExpr)(nil), (*ast.CompositeLit)(nil), (*ast.RangeStmt)(nil), (*ast.IncDecStmt)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if !is(l) {
					continue
				}
				if len(n.Lhs) != len(n.Rhs) || n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
					ok = false
					continue
				}
				values = append(values, n.Rhs[i])
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if info.Defs[id] != v {
					continue
				}
				if len(n.Values) != len(n.Names) {
					ok = false
					continue
				}
				values = append(values, n.Values[i])
			}
		case *ast.KeyValueExpr:
			if id, isID := n.Key.(*ast.Ident); isID && info.Uses[id] == v {
				values = append(values, n.Value)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && is(n.X) {
				ok = false // written through a pointer
			}
		case *ast.RangeStmt:
			if n.Key != nil && is(n.Key) || n.Value != nil && is(n.Value) {
				ok = false
			}
		case *ast.IncDecStmt:
			if is(n.X) {
				ok = false
			}
		case *ast.CompositeLit:
			if len(n.Elts) == 0 {
				break
			}
			if _, keyed := n.Elts[0].(*ast.KeyValueExpr); keyed {
				break
			}
			if st, isStruct := info.TypeOf(n).Underlying().(*types.Struct); isStruct {
				for f := range st.Fields() {
					if f == v {
						ok = false // set by position
					}
				}
			}
		}
	}
	return values, ok
}
