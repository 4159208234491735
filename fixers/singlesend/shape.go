package singlesend

import (
	"go/ast"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

func resultsOf(fn ast.Node) (*ast.FieldList, bool) {
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft == nil || ft.Results == nil || len(ft.Results.List) == 0 {
		return nil, false
	}
	return ft.Results, true
}

// commRecvExpr returns the receive expression of a select case's comm statement, if any.
func commRecvExpr(s ast.Stmt) ast.Expr {
	switch s := s.(type) {
	case *ast.ExprStmt:
		return s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			return s.Rhs[0]
		}
	}
	return nil
}

// sendsOnceThenReturns reports whether, in the goroutine's body, every send on the
// channel is followed by nothing but a return (deferred calls aside): then every path
// sends at most once and the goroutine has nothing left to do once its value is taken.
func (ck *check) sendsOnceThenReturns(s *sender) bool {
	if s.lit.Type.Results != nil && len(s.lit.Type.Results.List) > 0 {
		return false
	}
	g := ck.m.FuncOf(s.lit).CFG()
	want := make(map[ast.Node]bool)
	for _, send := range s.sends {
		want[send] = true
	}
	found := 0
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if !want[n] {
				continue
			}
			found++
			if !onlyReturns(b, i+1, make(map[*cfg.Block]bool)) {
				return false
			}
		}
	}
	return found == len(s.sends)
}

// onlyReturns reports whether, from node i of block b on, every path reaches the end of
// the function without executing anything but a bare return (or a branch statement).
func onlyReturns(b *cfg.Block, i int, seen map[*cfg.Block]bool) bool {
	for _, n := range b.Nodes[i:] {
		if _, ok := n.(*ast.BranchStmt); ok {
			continue
		}
		r, ok := n.(*ast.ReturnStmt)
		if !ok || len(r.Results) != 0 {
			return false
		}
	}
	for _, s := range b.Succs {
		if seen[s] {
			return false // a loop
		}
		seen[s] = true
		if !onlyReturns(s, 0, seen) {
			return false
		}
	}
	return true
}

// sendsOnEveryPath reports whether every path of the sender's body that returns passes
// one of its sends (paths that end in a call that does not return aside).
func (ck *check) sendsOnEveryPath(s *sender) bool {
	sends := make(map[ast.Node]bool)
	for _, send := range s.sends {
		sends[send] = true
	}
	g := ck.m.FuncOf(s.lit).CFG()
	seen := make(map[*cfg.Block]bool)
	var returns func(b *cfg.Block) bool // a return is reachable from b without a send
	returns = func(b *cfg.Block) bool {
		if seen[b] {
			return false
		}
		seen[b] = true
		for _, n := range b.Nodes {
			if sends[n] {
				return false
			}
		}
		if b.Return() != nil {
			return true
		}
		for _, succ := range b.Succs {
			if returns(succ) {
				return true
			}
		}
		return false
	}
	return !returns(g.Blocks[0])
}
