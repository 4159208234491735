package ctxfirst

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// collectRefs records the calls of the package and every reference to a function or
// concrete method whose context parameter is misplaced, and the local variables that are
// changed after their declaration.
func (c *checker) collectRefs() {
	info := c.pass.TypesInfo
	c.mutated = make(map[*types.Var]bool)
	mark := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				c.mutated[v] = true
			}
		}
	}
	for cur := range c.insp.Root().Preorder((*ast.CallExpr)(nil), (*ast.AssignStmt)(nil), (*ast.IncDecStmt)(nil),
		(*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.CallExpr:
			fun := ast.Unparen(n.Fun)
			switch f := fun.(type) {
			case *ast.IndexExpr:
				fun = ast.Unparen(f.X)
			case *ast.IndexListExpr:
				fun = ast.Unparen(f.X)
			}
			switch f := fun.(type) {
			case *ast.Ident:
				c.calls[f] = callSite{call: n}
			case *ast.SelectorExpr:
				cs := callSite{call: n}
				if sel, ok := info.Selections[f]; ok && sel.Kind() == types.MethodExpr {
					cs.off = 1
				}
				c.calls[f.Sel] = cs
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				mark(l) // with :=, a redeclared variable is a use (Uses); new ones are Defs
			}
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(n.X)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				mark(n.Key)
				if n.Value != nil {
					mark(n.Value)
				}
			}
		}
	}
	for id, obj := range info.Uses {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		fn = fn.Origin()
		if isInterfaceMethod(fn) {
			continue
		}
		if _, _, ok := c.shape(fn.Signature()); !ok {
			continue
		}
		r := ref{id: id}
		if cs, ok := c.calls[id]; ok {
			r.callSite = cs
		}
		c.refs[fn] = append(c.refs[fn], r)
	}
	for _, rs := range c.refs {
		slices.SortFunc(rs, func(a, b ref) int { return cmp.Compare(a.id.Pos(), b.id.Pos()) })
	}
}
