package ctxfirst

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/inspector"
)

// collectRefs records the calls of the package and every reference to a function or
// concrete method whose context parameter is misplaced, and the local variables that are
// changed after their declaration.
func (c *checker) collectRefs() {
	info := c.pass.TypesInfo
	c.mutated = make(map[*types.Var]bool)
	// mark records a write of e at cur that may happen while the arguments of a call are
	// evaluated: one in a function literal other than the one declaring the variable (an
	// argument may call that closure), or in the body of a range-over-func loop (the
	// iterator runs it). Writes by the declaring function's own statements cannot
	// interleave with an argument's evaluation.
	mark := func(cur inspector.Cursor, e ast.Expr) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || c.mutated[v] || !c.closureWrite(cur, v) {
			return
		}
		c.mutated[v] = true
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
				mark(cur, l) // with :=, a redeclared variable is a use (Uses); new ones are Defs
			}
		case *ast.IncDecStmt:
			mark(cur, n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND { // any call may write through the pointer
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						c.mutated[v] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				mark(cur, n.Key)
				if n.Value != nil {
					mark(cur, n.Value)
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

// closureWrite reports whether the write at cur of the local variable v runs in other code
// than the statements of the function that declares v: in a nested function literal, or in
// the body of a range-over-func loop that does not also declare v.
func (c *checker) closureWrite(cur inspector.Cursor, v *types.Var) bool {
	for enc := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil), (*ast.RangeStmt)(nil)) {
		n := enc.Node()
		if n.Pos() <= v.Pos() && v.Pos() < n.End() {
			return false // v is declared here: the write is one of its own statements
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return true
		case *ast.RangeStmt:
			if _, ok := c.pass.TypesInfo.TypeOf(n.X).Underlying().(*types.Signature); ok {
				return true
			}
		}
	}
	return true // a package-level variable: any call may write it
}
