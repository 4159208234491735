package model

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// reachOf returns what s reaches for the accesses of v: past the declaration of v inside
// a loop that contains the start, another variable v is accessed.
func (sh *Shared) reachOf(s *Spawn, v *SharedVar) *reached {
	if v.declNode != nil && v.Decl == s.In {
		if all := s.reachFrom(nil); all.has(sh.posIn(s.In, v.DeclAt)) {
			return s.reachFrom(v.declNode)
		}
	}
	return s.reachFrom(nil)
}

// concurrent reports whether accesses a and b of v may run at the same time: both in
// goroutines started by one function, where one start reaches the other (or itself, in a
// loop) before anything waits for the goroutine; or one in a goroutine and the other in
// the code of the function that starts it, reached from the start before a wait (for a
// deferred literal: a return reached). Accesses at unknown times (Anytime), and in
// functions other than the one that starts the goroutine, are not judged (see Unseen).
func (sh *Shared) concurrent(v *SharedVar, a, b *Access) bool {
	if a.Timing == Anytime || b.Timing == Anytime {
		return false
	}
	sa, sb := a.Spawn, b.Spawn
	if (sa != nil && sa.atomicSync) || (sb != nil && sb.atomicSync) {
		return false // ordered through atomics, perhaps
	}
	switch {
	case sa == nil && sb == nil:
		return false
	case sa != nil && sb != nil:
		if sa.In != sb.In || sh.gated(sa, a, goGate) || sh.gated(sb, b, goGate) || sh.serialised(sa, a, sb, b) {
			return false
		}
		if sa == sb {
			if lit := sa.Lit.Node; lit.Pos() <= v.Var.Pos() && v.Var.Pos() < lit.End() {
				return false // a variable of each goroutine
			}
			return sh.reachOf(sa, v).has(sa.at)
		}
		if sh.reachOf(sa, v).has(sb.at) && !sh.stoppedBefore(sa, a, sb.at) {
			return true
		}
		return sh.reachOf(sb, v).has(sa.at) && !sh.stoppedBefore(sb, b, sa.at)
	}
	s, f := sa, b
	if s == nil {
		s, f = sb, a
	}
	if f.frame != s.In || sh.gated(s, s.accessIn(a, b), frameGate) {
		return false
	}
	if ga := s.accessIn(a, b); f.Timing == Now && (sh.objectOrdered(s, ga, f) || sh.countedFanIn(s, ga, f)) {
		return false
	}
	r := sh.reachOf(s, v)
	if f.Timing == AtExit {
		return r.exit
	}
	return r.has(f.at)
}

// Protected reports whether a and b hold a common lock, taken for writing by at least one
// of them (two readers of an RWMutex run together).
func Protected(a, b *Access) bool {
	for _, x := range a.Held {
		for _, y := range b.Held {
			if x.Key == y.Key && (x.Chan || !x.Read || !y.Read) {
				return true
			}
		}
	}
	return false
}

// overlap reports whether two field paths denote overlapping memory: one is a prefix of
// the other.
func overlap(p, q []*types.Var) bool {
	if len(p) > len(q) {
		p, q = q, p
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// behindPointer reports whether a reads a pointer field that b's longer path goes
// through: b accesses memory the pointer refers to, and only reads the pointer itself
// (s.cfg != nil against s.cfg.started = true).
func behindPointer(a, b *Access) bool {
	n := len(a.Fields)
	if n == 0 || n >= len(b.Fields) || a.Kind != Read {
		return false
	}
	_, ptr := b.Fields[n-1].Type().Underlying().(*types.Pointer)
	return ptr
}

// Conflict reports whether accesses a and b touch the same memory and one of them
// writes it. Element accesses of a slice or array are taken to be at indices of their
// own (per-index slots); an element access reads the variable that holds the container.
// A read of a pointer field does not conflict with a write through it. References,
// addresses and sync uses are not judged here (see Unseen).
func Conflict(a, b *Access) bool {
	data := func(x *Access) bool { return x.Kind <= ElemWrite }
	if !data(a) || !data(b) || !overlap(a.Fields, b.Fields) || behindPointer(a, b) || behindPointer(b, a) {
		return false
	}
	ae, be := a.Kind == ElemRead || a.Kind == ElemWrite, b.Kind == ElemRead || b.Kind == ElemWrite
	switch {
	case ae && be:
		if a.Slice || b.Slice {
			return false
		}
		return a.Kind == ElemWrite || b.Kind == ElemWrite
	case ae:
		return b.Writes()
	case be:
		return a.Writes()
	}
	return a.Writes() || b.Writes()
}

// A Race is a pair of accesses of a shared variable that conflict, may run at the same
// time and hold no common lock, and are not both atomic. A is in a goroutine; A and B
// are the same access for goroutines of one start that run together.
type Race struct {
	A, B *Access
}

// Races returns the races on v, in the order of their first access.
func (sh *Shared) Races(v *SharedVar) []Race { return v.races }

// races computes the races on v: the pairs with an access in a goroutine (the goroutine
// accesses times all accesses, not all pairs: a package-level variable has many).
func (sh *Shared) races(v *SharedVar) []Race {
	type pair struct {
		i, j int
		r    Race
	}
	var ps []pair
	for i, a := range v.Accesses {
		if a.Spawn == nil {
			continue
		}
		for j, b := range v.Accesses {
			if j < i && b.Spawn != nil {
				continue // paired when b was first
			}
			if (a.Atomic && b.Atomic) || !Conflict(a, b) || Protected(a, b) || !sh.concurrent(v, a, b) {
				continue
			}
			ps = append(ps, pair{min(i, j), max(i, j), Race{a, b}})
		}
	}
	slices.SortStableFunc(ps, func(x, y pair) int {
		if x.i != y.i {
			return x.i - y.i
		}
		return x.j - y.j
	})
	out := make([]Race, len(ps))
	for k, p := range ps {
		out[k] = p.r
	}
	return out
}

// Unseen returns why the model may not see every access of v that can run while its
// goroutines do ("" when it sees them all; see unseen).
func (sh *Shared) Unseen(v *SharedVar) string { return v.unseen }

// unseen says why the model may not see every access of v that can run while its
// goroutines do ("" when it sees them all): v is at package level, its address is taken,
// a literal that may run at any time uses it, what it refers to is handed on (or a
// method that may use it is called) where goroutines may run, a field of it is reached
// through a pointer (which other code may share), or it is used by goroutines or
// functions other than the one that declares it and starts its goroutines.
func (sh *Shared) unseen(v *SharedVar) string {
	if v.Decl == nil {
		return v.Var.Name() + " is a package-level variable, which other functions may use at the same time"
	}
	line := func(a *Access) int { return sh.m.Fset.Position(a.Node.Pos()).Line }
	for _, a := range v.Accesses {
		switch {
		case a.Kind == AddrOf:
			return fmt.Sprintf("the address of %s is taken (line %d)", v.Var.Name(), line(a))
		case a.Timing == Anytime:
			return fmt.Sprintf("a function literal that may run at any time uses %s (line %d)", v.Var.Name(), line(a))
		case a.Indirect:
			return fmt.Sprintf("%s is reached through a pointer, which other code may share (line %d)", types.ExprString(a.Expr), line(a))
		case a.Spawn != nil && a.Spawn.In != v.Decl:
			return fmt.Sprintf("a goroutine started in another function uses %s (line %d)", v.Var.Name(), line(a))
		case a.Spawn == nil && a.frame != v.Decl:
			return fmt.Sprintf("%s uses %s and may run while the goroutines do (line %d)", a.frame.Name(), v.Var.Name(), line(a))
		case a.Kind == Ref && a.Spawn != nil:
			return fmt.Sprintf("%s is handed on at line %d, where the model does not follow it", types.ExprString(a.Expr), line(a))
		case a.Kind == Ref && sh.concurrentWithGoroutine(v, a):
			return fmt.Sprintf("%s is handed on at line %d while the goroutines run, where the model does not follow it", types.ExprString(a.Expr), line(a))
		}
	}
	return ""
}

// concurrentWithGoroutine reports whether the function's own access a may run while a
// goroutine that uses v does.
func (sh *Shared) concurrentWithGoroutine(v *SharedVar, a *Access) bool {
	for _, b := range v.Accesses {
		if b.Spawn != nil && sh.concurrent(v, a, b) {
			return true
		}
	}
	return false
}

// ReadAfter returns, for a spawn whose goroutine uses v, an access of v by the function
// that starts it that may see a value the goroutine wrote (see readAfter).
func (sh *Shared) ReadAfter(s *Spawn, v *SharedVar) *Access { return v.readAfter[s] }

// readAfter returns an access of v by the function that starts s (its own code, a
// deferred literal, or a return copying out a named result) that may see a value s's
// goroutine wrote: one reached from the start, waits or not, before the function itself
// assigns all of v, or past a wait for the goroutine after such an assignment. Nil when
// there is none.
func (sh *Shared) readAfter(s *Spawn, v *SharedVar) *Access {
	if !s.at.valid() {
		return nil
	}
	byNode := make(map[ast.Node][]*Access)
	var atExit *Access
	for _, a := range v.Accesses {
		if a.Spawn != nil || a.frame != s.In {
			continue
		}
		if a.Timing == AtExit {
			if atExit == nil && (a.Kind != Write || len(a.Fields) > 0) {
				atExit = a
			}
			continue
		}
		if a.at.valid() {
			n := a.at.b.Nodes[a.at.i]
			byNode[n] = append(byNode[n], a)
		}
	}
	// A path is killed by an assignment of all of v, and live again past a wait for the
	// goroutine (whose write may come after that assignment).
	type item struct {
		b      *cfg.Block
		i      int
		killed bool
	}
	type key struct {
		b      *cfg.Block
		killed bool
	}
	ix := sh.indexOf(s.In)
	from := make(map[key]int)
	work := []item{{s.at.b, s.at.i + 1, false}}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		if f, ok := from[key{it.b, it.killed}]; ok && f <= it.i {
			continue
		}
		from[key{it.b, it.killed}] = it.i
		killed := it.killed
		if it.i == 0 && s.blockWaits(it.b, ix) {
			killed = false
		}
		for _, n := range it.b.Nodes[it.i:] {
			as := byNode[n]
			for _, a := range as {
				if !killed && (a.Kind != Write || len(a.Fields) > 0) {
					return a
				}
			}
			if _, ok := n.(*ast.ReturnStmt); ok && atExit != nil && !killed {
				return atExit
			}
			if len(as) > 0 {
				all := true
				for _, a := range as {
					all = all && a.Kind == Write && len(a.Fields) == 0
				}
				if all {
					killed = true
				}
			}
			if !ix.comms[n] && s.waits(n, ix) {
				killed = false
			}
		}
		for _, succ := range it.b.Succs {
			work = append(work, item{succ, 0, killed})
		}
	}
	return nil
}

// accessIn returns whichever of a and b runs in s.
func (s *Spawn) accessIn(a, b *Access) *Access {
	if a.Spawn == s {
		return a
	}
	return b
}
