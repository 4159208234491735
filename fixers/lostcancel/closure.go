package lostcancel

import (
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
)

// localClosures finds the closures of c: function literals of c's function (outside
// nested literals) that refer to the cancel variable and are assigned, once, to a local
// variable whose every reference is a call of it in the same function (not in a go
// statement, nor in another literal).
func (a *analyzer) localClosures(c *candidate) map[*ast.FuncLit]*types.Var {
	if c.cancel == nil {
		return nil
	}
	info := a.pass.TypesInfo
	var lits map[*ast.FuncLit]*types.Var
	ast.Inspect(c.body, func(n ast.Node) bool {
		var lhs []*ast.Ident
		var rhs []ast.Expr
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // a nested function: its closures are its own
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE || len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for _, l := range n.Lhs {
				id, _ := l.(*ast.Ident)
				lhs = append(lhs, id)
			}
			rhs = n.Rhs
		case *ast.ValueSpec:
			if len(n.Names) != len(n.Values) {
				return true
			}
			lhs, rhs = n.Names, n.Values
		}
		for i, r := range rhs {
			lit, ok := ast.Unparen(r).(*ast.FuncLit)
			if !ok || lhs[i] == nil || !model.Refers(info, lit.Body, c.cancel) {
				continue
			}
			if v, ok := info.Defs[lhs[i]].(*types.Var); ok {
				if lits == nil {
					lits = make(map[*ast.FuncLit]*types.Var)
				}
				lits[lit] = v
			}
		}
		return true
	})
	if len(lits) == 0 {
		return nil
	}
	vars := make(map[*types.Var]bool)
	for _, v := range lits {
		vars[v] = true
	}
	// Every reference of each variable must be a plain call in c's function.
	bad := make(map[*types.Var]bool)
	ast.PreorderStack(c.fn, nil, func(n ast.Node, stack []ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, _ := info.Uses[id].(*types.Var)
		if !vars[v] {
			return true
		}
		if !plainCall(id, stack, c.fn) {
			bad[v] = true
		}
		return true
	})
	for _, lit := range slices.Collect(maps.Keys(lits)) {
		if bad[lits[lit]] {
			delete(lits, lit)
		}
	}
	return lits
}

// plainCall reports whether id, with ancestors stack, is the function of a call (not of
// a go statement), outside function literals of fn.
func plainCall(id *ast.Ident, stack []ast.Node, fn ast.Node) bool {
	for _, s := range stack {
		if lit, ok := s.(*ast.FuncLit); ok && lit != fn {
			return false
		}
	}
	if len(stack) < 2 {
		return false
	}
	call, ok := stack[len(stack)-1].(*ast.CallExpr)
	if !ok || call.Fun != id {
		return false
	}
	_, isGo := stack[len(stack)-2].(*ast.GoStmt)
	return !isGo
}

// calls reports whether id refers to the variable of one of c's closures (in a call).
func (c *candidate) calls(info *types.Info, id *ast.Ident) bool {
	if len(c.closures) == 0 {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	for _, w := range c.closures {
		if w == v {
			return true
		}
	}
	return false
}
