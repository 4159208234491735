package model

import "github.com/concfix/concfix/fixers/internal/cfg"

// A step says how a walk of a control-flow graph goes on after a node.
type step uint8

const (
	goOn    step = iota // on to the next node
	blocked             // not past this node on this path
	found               // the walk is over
)

// walk visits, in a depth-first walk, the nodes of a graph reached from start: the
// nodes of start.b after index start.i (-1: all of them), then those of the blocks that
// follow. A block is walked again only when a path enters it at an earlier node. It
// reports whether visit ended the walk (found), and whether some path ran off the end of
// the graph, through a block with no successors, without being blocked.
func walk(start cfgPos, visit func(b *cfg.Block, i int) step) (ended, offEnd bool) {
	type item struct {
		b *cfg.Block
		i int
	}
	from := make(map[*cfg.Block]int)
	work := []item{{start.b, start.i + 1}}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		if f, ok := from[it.b]; ok && f <= it.i {
			continue
		}
		from[it.b] = it.i
		stop := false
		for i := it.i; i < len(it.b.Nodes) && !stop; i++ {
			switch visit(it.b, i) {
			case found:
				return true, offEnd
			case blocked:
				stop = true
			}
		}
		if stop {
			continue
		}
		if len(it.b.Succs) == 0 {
			offEnd = true
		}
		for _, s := range it.b.Succs {
			work = append(work, item{s, 0})
		}
	}
	return false, offEnd
}
