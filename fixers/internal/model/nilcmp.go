package model

import (
	"go/ast"
	"go/token"
	"go/types"
)

// NilComparison splits a condition `x == nil` or `x != nil` (nil on either side) into x
// and the operator; ok is false for any other expression.
func NilComparison(info *types.Info, cond ast.Expr) (x ast.Expr, op token.Token, ok bool) {
	b, isBin := ast.Unparen(cond).(*ast.BinaryExpr)
	if !isBin || b.Op != token.EQL && b.Op != token.NEQ {
		return nil, 0, false
	}
	x, y := b.X, b.Y
	if info.Types[x].IsNil() {
		x, y = y, x
	}
	if !info.Types[y].IsNil() {
		return nil, 0, false
	}
	return ast.Unparen(x), b.Op, true
}

// NilTested returns the variable of a condition `v op nil` (or `nil op v`), or nil.
func NilTested(info *types.Info, cond ast.Expr, op token.Token) *types.Var {
	x, o, ok := NilComparison(info, cond)
	if !ok || o != op {
		return nil
	}
	id, isID := x.(*ast.Ident)
	if !isID {
		return nil
	}
	v, _ := info.Uses[id].(*types.Var)
	return v
}

// IsError reports whether t is the error interface.
func IsError(t types.Type) bool {
	return t != nil && types.Identical(t, types.Universe.Lookup("error").Type())
}
