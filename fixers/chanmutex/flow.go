package chanmutex

import (
	"cmp"
	"go/ast"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
)

// Lock states along the control flow of one function.
const (
	unheld   = 1 + iota
	held     // acquired, no release pending
	deferred // acquired, released by a deferred closure
)

// balanced proves, function by function (on the model's control-flow graphs: its
// no-return policy, constant conditions as dead branches), that the channel is used as a lock region: on
// every path from the function's entry (where the lock is not held) each acquire happens
// with the lock free, each release with the lock held, and every return leaves the lock
// free or its release deferred. ok reports the proof; mutexy reports whether every
// function that uses the channel both acquires and releases it (when the proof fails for
// such a function, the code is still a lock, just not a provably balanced one).
//
// leaks are, when the proof fails only because returns leave the lock held (in every
// function), those returns, in source order: the finding names them, and the fix
// releases the lock before them.
func balanced(cd *candidate) (ok, mutexy bool, leaks []leak) {
	byFn := make(map[*model.Func]*funcOps)
	var fns []*funcOps
	for _, o := range cd.ops {
		f := byFn[o.fn]
		if f == nil {
			f = &funcOps{fn: o.fn, ops: make(map[ast.Node]*op)}
			byFn[o.fn] = f
			fns = append(fns, f)
		}
		var key ast.Node = o.stmt
		if o.defer_ != nil {
			key = o.defer_
		}
		f.ops[key] = o
		if cd.acquires(o) {
			f.acq++
		} else {
			f.rel++
		}
	}
	ok, mutexy = true, true
	onlyLeaks := true
	for _, f := range fns {
		if f.acq == 0 || f.rel == 0 {
			mutexy = false
		}
		r, rets := flow(cd, f.fn.CFG(), f.ops)
		switch r {
		case proven:
		case unproven:
			ok = false
			if rets == nil {
				onlyLeaks = false
			}
			for _, ret := range rets {
				leaks = append(leaks, leak{ret: ret, fn: f.fn, acquire: f.firstAcquire(cd)})
			}
		case freeRelease:
			ok, mutexy = false, false
		}
	}
	if !onlyLeaks {
		return ok, mutexy, nil
	}
	slices.SortFunc(leaks, func(a, b leak) int { return cmp.Compare(a.ret.Pos(), b.ret.Pos()) })
	return ok, mutexy, leaks
}

// A leak is a return that leaves the lock held.
type leak struct {
	ret     *ast.ReturnStmt
	fn      *model.Func // the function it returns from
	acquire *op         // an acquire of fn, whose channel expression names the lock
}

// funcOps are the operations on the channel in one function.
type funcOps struct {
	fn       *model.Func
	ops      map[ast.Node]*op
	acq, rel int
}

// firstAcquire returns the first acquire of the function, in source order.
func (f *funcOps) firstAcquire(cd *candidate) *op {
	var first *op
	for _, o := range f.ops {
		if cd.acquires(o) && (first == nil || o.stmt.Pos() < first.stmt.Pos()) {
			first = o
		}
	}
	return first
}

// Outcomes of flow.
const (
	proven      = iota
	unproven    // a leak, a double acquire, or a lock held on some paths only
	freeRelease // a release that can happen with the lock free: a signal, not a lock
)

// flow runs the lock state over the control-flow graph g to a fixed point, then judges
// every op and return with the final states, so that the outcome does not depend on the
// order of exploration: a release is a free release only when the lock is free there on
// every path. When the outcome is unproven only because returns leave the lock held,
// leaks are those returns.
func flow(cd *candidate, g *cfg.CFG, ops map[ast.Node]*op) (outcome int, leaks []*ast.ReturnStmt) {
	const conflict = 4 // held on some paths, not on others
	// step applies op o to state s and returns the new state and the outcome.
	step := func(s int, o *op) (int, int) {
		if s == conflict {
			return conflict, unproven
		}
		switch acq := cd.acquires(o); {
		case o.defer_ != nil:
			if acq {
				return conflict, unproven
			}
			if s == unheld {
				return conflict, freeRelease
			}
			if s != held {
				return conflict, unproven
			}
			return deferred, proven
		case acq:
			if s != unheld {
				return conflict, unproven
			}
			return held, proven
		default:
			if s == unheld {
				return conflict, freeRelease
			}
			if s != held {
				return conflict, unproven
			}
			return unheld, proven
		}
	}
	in := make([]int, len(g.Blocks))
	in[0] = unheld
	// out applies block b to its entry state; judge gets the outcome of each op, and
	// leaks each return that the lock leaves the function through.
	out := func(b *cfg.Block, judge func(int), leaks func(*ast.ReturnStmt)) int {
		s := in[b.Index]
		for _, n := range b.Nodes {
			if o := ops[n]; o != nil {
				var r int
				s, r = step(s, o)
				judge(r)
			}
		}
		if ret := b.Return(); ret != nil && s == held {
			leaks(ret)
		} else if ret != nil && s == conflict {
			judge(unproven) // the lock may leak out of the function
		}
		return s
	}
	work := []*cfg.Block{g.Blocks[0]}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		s := out(b, func(int) {}, func(*ast.ReturnStmt) {})
		for _, succ := range b.Succs {
			merged := s
			if old := in[succ.Index]; old != 0 && old != s {
				merged = conflict
			}
			if merged != in[succ.Index] {
				in[succ.Index] = merged
				work = append(work, succ)
			}
		}
	}
	outcome = proven
	for _, b := range g.Blocks {
		if in[b.Index] == 0 {
			continue // unreachable
		}
		out(b, func(r int) { outcome = max(outcome, r) }, func(ret *ast.ReturnStmt) {
			leaks = append(leaks, ret)
		})
		for _, succ := range b.Succs {
			if in[succ.Index] == conflict && in[b.Index] != conflict {
				outcome = max(outcome, unproven)
			}
		}
	}
	switch {
	case leaks == nil:
	case outcome == proven:
		outcome = unproven // only the leaks
	default:
		leaks = nil // other faults too: the leaks alone do not say what is wrong
	}
	return outcome, leaks
}
