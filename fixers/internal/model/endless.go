package model

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ast/inspector"
)

// Endless reports whether the for statement at c never ends by itself: it has no
// condition (or a constant true one), and nothing in its body leaves it: no return, no
// goto, no break of it or of an enclosing statement, no continue of an enclosing loop,
// no call statement that does not return (Exit: panic, os.Exit, log.Fatal, t.Fatal,
// runtime.Goexit, the package's own). Panics inside called functions are not counted.
func (m *Model) Endless(c inspector.Cursor) bool {
	loop, ok := c.Node().(*ast.ForStmt)
	if !ok {
		return false
	}
	if loop.Cond != nil {
		if v, ok := m.ConstCond(loop.Cond); !ok || !v {
			return false
		}
	}
	var own string // the loop's label
	if l, ok := c.Parent().Node().(*ast.LabeledStmt); ok {
		own = l.Label.Name
	}
	inner := make(map[string]bool) // labels of statements inside the body
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			inner[n.Label.Name] = true
		}
		return true
	})
	exits := false
	var stack []ast.Node
	breakable := func() bool { // an unlabeled break inside leaves a nested statement
		for _, n := range stack {
			switch n.(type) {
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				return true
			}
		}
		return false
	}
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		if exits {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			exits = true
		case *ast.BranchStmt:
			switch {
			case n.Tok == token.GOTO:
				exits = true
			case n.Label != nil:
				switch n.Tok {
				case token.BREAK:
					exits = !inner[n.Label.Name]
				case token.CONTINUE:
					exits = !inner[n.Label.Name] && n.Label.Name != own
				}
			case n.Tok == token.BREAK:
				exits = !breakable()
			}
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !m.MayReturn(call) {
				exits = true
			}
		}
		if exits {
			return false
		}
		stack = append(stack, n)
		return true
	})
	return !exits
}
