package model

import (
	"go/ast"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// Forward runs a forward dataflow over g to its fixed point, from the state entry where
// g starts. out gives the state at the end of a block from the state at its start. On
// the two edges out of a block that ends in a condition, cond refines the state with
// the condition's outcome (nil: no refinement); meet joins the states of two paths into
// a block. It returns the state at the start of each block, and whether any path of
// the flow reaches the block (the others' states are zero values).
func Forward[S comparable](g *cfg.CFG, entry S, out func(b *cfg.Block, s S) S, cond func(e ast.Expr, holds bool, s S) S, meet func(a, b S) S) (in []S, reached []bool) {
	in = make([]S, len(g.Blocks))
	reached = make([]bool, len(g.Blocks))
	in[0], reached[0] = entry, true
	work := []*cfg.Block{g.Blocks[0]}
	queued := make([]bool, len(g.Blocks))
	queued[0] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		queued[b.Index] = false
		end := out(b, in[b.Index])
		for j, succ := range b.Succs {
			s := end
			if cond != nil && len(b.Succs) == 2 && len(b.Nodes) > 0 {
				if e, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr); ok {
					s = cond(e, j == 0, s)
				}
			}
			if reached[succ.Index] {
				s = meet(in[succ.Index], s)
			}
			if !reached[succ.Index] || s != in[succ.Index] {
				reached[succ.Index] = true
				in[succ.Index] = s
				if !queued[succ.Index] {
					queued[succ.Index] = true
					work = append(work, succ)
				}
			}
		}
	}
	return in, reached
}
