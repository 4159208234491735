package model

import (
	"go/ast"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// InLoop reports whether the node at c is inside the body of a for or range loop of its
// function (not crossing a function literal).
func InLoop(c inspector.Cursor) bool {
	for p := c; p.Valid(); p = p.Parent() {
		switch p.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			switch p.ParentEdgeKind() {
			case edge.ForStmt_Body, edge.RangeStmt_Body:
				return true
			}
		}
	}
	return false
}

// isGoOrDeferCall reports whether the call at c is the call of a go or defer statement.
func isGoOrDeferCall(c inspector.Cursor) bool {
	k := c.ParentEdgeKind()
	return k == edge.GoStmt_Call || k == edge.DeferStmt_Call
}

// GoStmtOf returns the go statement whose call's function is the literal at c, or nil.
func GoStmtOf(c inspector.Cursor) *ast.GoStmt {
	if c.ParentEdgeKind() != edge.CallExpr_Fun || c.Parent().ParentEdgeKind() != edge.GoStmt_Call {
		return nil
	}
	return c.Parent().Parent().Node().(*ast.GoStmt)
}

// StmtList returns the statement list of a block, a case clause or a select clause, and
// false for any other node (the ast twin of fixkit.StmtList).
func StmtList(n ast.Node) ([]ast.Stmt, bool) {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List, true
	case *ast.CaseClause:
		return n.Body, true
	case *ast.CommClause:
		return n.Body, true
	}
	return nil, false
}

// StmtBody returns the body of a loop, switch or select statement (the statement that a
// break inside it leaves), or nil.
func StmtBody(n ast.Node) ast.Node {
	switch n := n.(type) {
	case *ast.ForStmt:
		return n.Body
	case *ast.RangeStmt:
		return n.Body
	case *ast.SwitchStmt:
		return n.Body
	case *ast.TypeSwitchStmt:
		return n.Body
	case *ast.SelectStmt:
		return n.Body
	}
	return nil
}

// WalkBranches calls f for each branch statement of body with the number of loops,
// switches and selects between it and body.
func WalkBranches(body ast.Node, f func(*ast.BranchStmt, int)) {
	var walk func(n ast.Node, depth int)
	walk = func(root ast.Node, depth int) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != root {
					walk(n, depth+1)
					return false
				}
			case *ast.BranchStmt:
				f(n, depth)
			}
			return true
		})
	}
	walk(body, 0)
}
