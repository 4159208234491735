package model

import (
	"go/ast"
	"go/token"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// Gates: a goroutine that blocks on a receive before an access waits for whoever sends
// or closes: the function that starts it (a start gate: close(hold) after the setup), or
// another goroutine (a token passed around a ring, a producer's hand-off).
const (
	frameGate = iota // a channel that the function starting the goroutine sends on or closes
	goGate           // a channel that a goroutine sends on or closes
)

// gated reports whether the access a, in s's goroutine, runs only after s's goroutine
// received from a channel of the given gate kind (or a channel the model does not
// follow, an element of a slice say) on every path: the sender orders its own earlier
// accesses before a.
func (sh *Shared) gated(s *Spawn, a *Access, kind int) bool {
	if !s.gatesDone[kind] {
		s.gatesDone[kind] = true
		s.gates[kind] = sh.ungated(s, kind)
	}
	p := sh.posIn(s.Lit, a.Cursor)
	if !p.valid() {
		return false
	}
	return !s.gates[kind][p.b.Nodes[p.i]]
}

// ungated returns the nodes of s's literal reached from its entry without passing a
// receive from a gate channel.
func (sh *Shared) ungated(s *Spawn, kind int) map[ast.Node]bool {
	ix := sh.indexOf(s.Lit)
	reached := make(map[ast.Node]bool)
	blocks := s.Lit.CFG().Blocks
	if len(blocks) == 0 {
		return reached
	}
	seen := make(map[*cfg.Block]bool)
	work := []*cfg.Block{blocks[0]}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		if sh.gateBlock(s, b, kind) {
			continue
		}
		stopped := false
		for _, n := range b.Nodes {
			if !ix.comms[n] && sh.gateNode(s, n, kind) {
				stopped = true
				break
			}
			reached[n] = true
		}
		if !stopped {
			work = append(work, b.Succs...)
		}
	}
	return reached
}

func (sh *Shared) gateBlock(s *Spawn, b *cfg.Block, kind int) bool {
	switch b.Kind {
	case cfg.KindSelectCaseBody:
		cc, ok := b.Stmt.(*ast.CommClause)
		if !ok || cc.Comm == nil {
			return false
		}
		var e ast.Expr
		switch c := cc.Comm.(type) {
		case *ast.ExprStmt:
			e = c.X
		case *ast.AssignStmt:
			if len(c.Rhs) == 1 {
				e = c.Rhs[0]
			}
		}
		u, ok := ast.Unparen(e).(*ast.UnaryExpr)
		return ok && u.Op == token.ARROW && sh.gateChan(s, u.X, kind)
	case cfg.KindRangeBody:
		rs, ok := b.Stmt.(*ast.RangeStmt)
		return ok && isChan(sh.m.Info.TypeOf(rs.X)) && sh.gateChan(s, rs.X, kind)
	}
	return false
}

func (sh *Shared) gateNode(s *Spawn, n ast.Node, kind int) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			found = x.Op == token.ARROW && sh.gateChan(s, x.X, kind)
		}
		return !found
	})
	return found
}

// gateChan reports whether a receive from ch is a gate of the kind for s: ch's class has
// a send or close in the code of the function that starts s (frameGate) or of a
// goroutine (goGate), or the model does not follow ch (it is not a call's result).
func (sh *Shared) gateChan(s *Spawn, ch ast.Expr, kind int) bool {
	c := sh.m.Chans().Of(ch)
	if c == nil {
		_, call := ast.Unparen(ch).(*ast.CallExpr)
		return !call
	}
	for _, op := range c.Ops {
		if (op.Kind != Send && op.Kind != Close) || op.Func == nil {
			continue
		}
		r := sh.runnerOf(op.Func)
		if r.timing == Anytime {
			continue
		}
		switch kind {
		case frameGate:
			if r.spawn == nil && r.frame == s.In {
				return true
			}
		case goGate:
			if r.spawn != nil {
				return true
			}
		}
	}
	return false
}
