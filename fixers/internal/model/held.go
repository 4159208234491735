package model

import (
	"fmt"
	"go/ast"
	"go/token"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/inspector"
)

// A HeldLock is a lock held on every path to a point of a function.
type HeldLock struct {
	Key  string  // the mutex's LockOp.Key, or "chan:…" for a channel of capacity 1 used as a lock
	Read bool    // held for reading (RLock); for a channel, taken by a receive (a token channel)
	Chan bool    // a channel of capacity 1 used as a lock
	Op   *LockOp // an acquire of the mutex (nil for a channel)
}

type heldSet map[string]HeldLock

func (h heldSet) clone() heldSet {
	c := make(heldSet, len(h))
	for k, v := range h {
		c[k] = v
	}
	return c
}

// meet keeps the locks held in both sets (a lock held for writing on one path and for
// reading on the other is held for reading); it reports whether h changed.
func (h heldSet) meet(o heldSet) bool {
	changed := false
	for k, v := range h {
		w, ok := o[k]
		switch {
		case !ok || (v.Chan && v.Read != w.Read):
			delete(h, k)
			changed = true
		case !v.Chan && w.Read && !v.Read:
			v.Read = true
			h[k] = v
			changed = true
		}
	}
	return changed
}

// HeldAt returns the locks held on every path to the node at c, in f's body (heldAt):
// for fixers that prove an order by a lock (closerecv's withdrawn map entry). The graphs'
// indexes and held sets it may add are guarded by a mutex: every other use of them is
// in newShared, before the Shared is published.
func (sh *Shared) HeldAt(f *Func, c inspector.Cursor) []HeldLock {
	sh.heldMu.Lock()
	defer sh.heldMu.Unlock()
	return sh.heldAt(f, c)
}

// heldAt returns the locks held on every path to the node at c, in f's body: the locks
// f takes (mutexes of the model's Locks, and channels of capacity 1 used as locks), and
// for a literal called on the spot, those held where it is called. Deferred releases do
// not release.
func (sh *Shared) heldAt(f *Func, c inspector.Cursor) []HeldLock {
	p := sh.posIn(f, c)
	if !p.valid() {
		return nil
	}
	in := sh.heldIn(f)
	h := in[p.b].clone()
	for _, n := range p.b.Nodes[:p.i] {
		sh.transfer(h, n)
	}
	var out []HeldLock
	for _, l := range h {
		out = append(out, l)
	}
	return out
}

// heldIn computes the locks held at the entry of each block of f's graph.
func (sh *Shared) heldIn(f *Func) map[*cfg.Block]heldSet {
	if in, ok := sh.held[f]; ok {
		return in
	}
	in := make(map[*cfg.Block]heldSet)
	sh.held[f] = in // a literal called inside itself is not possible; guards recursion anyway
	entry := heldSet{}
	if f.Outer != nil && f.Called && sh.spawnOf[f] == nil {
		for _, l := range sh.heldAt(f.Outer, f.Cursor) {
			entry[l.Key] = l
		}
	}
	blocks := f.CFG().Blocks
	if len(blocks) == 0 {
		return in
	}
	in[blocks[0]] = entry
	work := []*cfg.Block{blocks[0]}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		out := in[b].clone()
		for _, n := range b.Nodes {
			sh.transfer(out, n)
		}
		for _, s := range b.Succs {
			if cur, ok := in[s]; !ok {
				in[s] = out.clone()
				work = append(work, s)
			} else if cur.meet(out) {
				work = append(work, s)
			}
		}
	}
	return in
}

// transfer applies the lock operations of node n to h.
func (sh *Shared) transfer(h heldSet, n ast.Node) {
	switch n := n.(type) {
	case *ast.ExprStmt:
		if op := sh.m.Locks().Op(n); op != nil && !op.Deferred && op.Key != "" {
			switch {
			case op.Method.Acquires():
				h[op.Key] = HeldLock{Key: op.Key, Read: op.Method.Read(), Op: op}
			case op.Method.Releases():
				delete(h, op.Key)
			}
			return
		}
		if u, ok := ast.Unparen(n.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			if key := sh.chanLock(u.X); key != "" {
				if l, ok := h[key]; ok && !l.Read {
					delete(h, key) // the release of a send-acquired lock
				} else if !ok {
					h[key] = HeldLock{Key: key, Read: true, Chan: true} // a token taken
				}
			}
		}
	case *ast.SendStmt:
		if key := sh.chanLock(n.Chan); key != "" {
			if l, ok := h[key]; ok && l.Read {
				delete(h, key) // the token handed back
			} else if !ok {
				h[key] = HeldLock{Key: key, Chan: true}
			}
		}
	}
}

// chanLock returns the key of the channel ch denotes when every make of its class has
// capacity 1 (a channel that can be used as a lock), or "".
func (sh *Shared) chanLock(ch ast.Expr) string {
	c := sh.m.Chans().Of(ch)
	if c == nil || c.Done {
		return ""
	}
	if n, ok := c.Capacity(); !ok || n != 1 {
		return ""
	}
	return fmt.Sprintf("chan:%p", c)
}
