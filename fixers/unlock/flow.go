package unlock

import (
	"go/ast"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// The dataflow tracks, for one mutex, the set of states it may be in at each point of a
// unit: held (not, for writing, for reading) times the release deferred (none, Unlock,
// RUnlock). A set is a bit mask over the nine states.
type state uint8

func mkState(held, def kind) state { return state(held)*3 + state(def) }
func (s state) held() kind         { return kind(s / 3) }
func (s state) def() kind          { return kind(s % 3) }

type mask uint16

func (m mask) has(s state) bool { return m&(1<<s) != 0 }

// states calls f for every state of m.
func (m mask) states(f func(state)) {
	for s := state(0); s < 9; s++ {
		if m.has(s) {
			f(s)
		}
	}
}

// A plan is the unit as a fix would change it: unlocks inserted before exits, explicit
// releases removed, a deferred release added after a lock.
type plan struct {
	unlockBefore map[ast.Node]kind // inserted release before a return or branch statement
	removed      map[*op]bool      // explicit releases removed
	deferAfter   *op               // a deferred release added after this lock
}

// A result is what the dataflow found for one mutex.
type result struct {
	unprovable    string            // why the balance cannot be decided (empty if it can)
	unlockForeign bool              // some release may find the mutex unlocked
	heldAt        map[*op]mask      // kinds held at releases and deferred Lock calls (bit per kind)
	lockHeld      map[*op]bool      // locks that may find the mutex already held by this function
	leaks         []leak            // exits that may leave the mutex held
	before        map[ast.Node]mask // states before return and branch statements
	in            []mask            // states at the start of each block, by index
}

// A leak is an exit reached with the mutex held and its release not deferred.
type leak struct {
	node ast.Node // the return statement, or nil when control falls off the end
	b    *cfg.Block
}

// problems reports whether the unit, as planned, may leave the mutex locked at an exit
// or lock it again while it holds it.
func (r *result) problems() bool { return len(r.leaks) > 0 || len(r.lockHeld) > 0 }

// flow runs the dataflow for mutex key over unit u as plan m changes it, from the
// start of block entry with the states init.
func (a *analyzer) flow(u *unit, key string, m *plan, entry *cfg.Block, init mask) *result {
	g := u.g
	in := make([]mask, len(g.Blocks))
	in[entry.Index] = init
	work := []*cfg.Block{entry}
	queued := make([]bool, len(g.Blocks))
	queued[entry.Index] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		queued[b.Index] = false
		out := a.transfer(u, key, m, b, in[b.Index], nil)
		for _, s := range b.Succs {
			if in[s.Index]|out != in[s.Index] {
				in[s.Index] |= out
				if !queued[s.Index] {
					queued[s.Index] = true
					work = append(work, s)
				}
			}
		}
	}
	r := &result{heldAt: make(map[*op]mask), lockHeld: make(map[*op]bool), before: make(map[ast.Node]mask), in: in}
	for _, b := range g.Blocks {
		if in[b.Index] != 0 {
			a.transfer(u, key, m, b, in[b.Index], r)
		}
	}
	return r
}

// transfer returns the states at the end of block b given the states at its start, and
// records what it finds in r when r is not nil.
func (a *analyzer) transfer(u *unit, key string, m *plan, b *cfg.Block, in mask, r *result) mask {
	cur := in
	for _, n := range b.Nodes {
		switch n.(type) {
		case *ast.ReturnStmt, *ast.BranchStmt:
			if _, ok := m.unlockBefore[n]; ok {
				cur = apply(cur, func(s state) state { return mkState(kNone, s.def()) })
			}
			if r != nil {
				r.before[n] |= cur
			}
		}
		o := u.opAt[n]
		if o == nil || o.key != key || m.removed[o] {
			continue
		}
		cur = a.step(o, cur, r)
		if m.deferAfter == o {
			cur = apply(cur, func(s state) state {
				if r != nil && s.def() != kNone {
					r.unprovable = "its release is deferred twice"
				}
				return mkState(s.held(), o.kind)
			})
		}
	}
	if r != nil && len(b.Succs) == 0 && a.isExit(b) {
		cur.states(func(s state) {
			switch {
			case s.held() != kNone && s.def() == kNone:
				var n ast.Node
				if len(b.Nodes) > 0 {
					if ret, ok := b.Nodes[len(b.Nodes)-1].(*ast.ReturnStmt); ok {
						n = ret
					}
				}
				for _, l := range r.leaks {
					if l.b == b {
						return
					}
				}
				r.leaks = append(r.leaks, leak{node: n, b: b})
			case s.held() == kNone && s.def() != kNone:
				r.unprovable = "a deferred release may find it unlocked"
			case s.held() != kNone && s.def() != s.held():
				r.unprovable = "a deferred release does not match the lock"
			}
		})
	}
	return cur
}

func apply(m mask, f func(state) state) mask {
	var out mask
	m.states(func(s state) { out |= 1 << f(s) })
	return out
}

// step applies lock operation o to the states m.
func (a *analyzer) step(o *op, m mask, r *result) mask {
	return apply(m, func(s state) state {
		switch {
		case o.lock && !o.deferred: // Lock, RLock
			if s.held() != kNone && r != nil {
				r.lockHeld[o] = true
			}
			return mkState(o.kind, s.def())
		case !o.lock && !o.deferred: // Unlock, RUnlock
			if r != nil {
				if s.held() == kNone {
					r.unlockForeign = true
				} else {
					r.heldAt[o] |= 1 << s.held()
				}
			}
			return mkState(kNone, s.def())
		case !o.lock && o.deferred: // defer Unlock, defer RUnlock
			if r != nil {
				if s.def() != kNone {
					r.unprovable = "its release is deferred twice"
				}
				if s.held() != kNone {
					r.heldAt[o] |= 1 << s.held()
				}
			}
			d := o.kind
			if s.held() != kNone {
				d = s.held() // a mismatch is reported and fixed on its own
			}
			return mkState(s.held(), d)
		default: // defer Lock, defer RLock: a typo for the release when the lock is held
			if r != nil {
				if s.held() == o.kind && s.def() == kNone {
					r.heldAt[o] |= 1 << s.held()
				} else {
					r.unprovable = "a deferred Lock relocks it"
				}
			}
			return mkState(s.held(), s.held())
		}
	})
}

// isExit reports whether block b, which has no successors, returns from the function
// (rather than ending in panic, os.Exit or another call that does not return).
func (a *analyzer) isExit(b *cfg.Block) bool {
	if b.Kind == cfg.KindSelectAfterCase {
		return false // after the last case of a select without default: it blocks instead
	}
	if len(b.Nodes) == 0 {
		return true
	}
	switch n := b.Nodes[len(b.Nodes)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !a.m.MayReturn(call) {
			return false
		}
	case *ast.BranchStmt:
		return false // a branch to an undefined label (ill-typed)
	}
	return true
}

// eachNode calls visit for each node of u's graph that the dataflow r for mutex key
// reaches, with the mutex's states before the node, and applies the node's own
// operation on key after it.
func (a *analyzer) eachNode(u *unit, key string, r *result, visit func(n ast.Node, cur mask)) {
	for _, b := range u.g.Blocks {
		cur := r.in[b.Index]
		if cur == 0 {
			continue
		}
		for _, n := range b.Nodes {
			visit(n, cur)
			if lo := u.opAt[n]; lo != nil && lo.key == key {
				cur = a.step(lo, cur, nil)
			}
		}
	}
}
