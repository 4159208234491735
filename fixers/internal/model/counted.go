package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// Counted receives: a function that makes a channel, starts the goroutines that send on
// it and receives, in a loop, as many values as can ever be sent, has every send behind
// it when the loop ends: each receive that completes takes a distinct send (no close
// comes first), so once the loop has received SendBound values, no send is left
// (nats-server's jwt tests: for i := 0; i < cap(doneChan); i++ { <-doneChan } after two
// goroutines that each send once).

// ReceivedAll reports whether close, a close of a member of c in f (a statement, or a
// deferred call when deferred), comes after f has received every send that can be made
// on the channel:
//
//   - the sends have a bound (SendBound), and f is the function that makes the channel;
//     every other close of c is in f, after the loop below;
//   - f has a receive from c in exactly one loop, the first statement of its body (or a
//     select without default whose other cases return: receivesFirst), and nothing
//     breaks out of the loop (leavesLoop);
//   - the loop runs at least as many times as the bound: a constant trip count (TripCount,
//     or i < cap(ch) of a member of c with a constant capacity) of at least N when the
//     bound is constant; or, when the bound is one send per iteration of a loop of f, the
//     same trip key over the same values;
//   - for a close statement, every path from f's entry to it passes the end of the loop;
//     for a deferred close, every path from the defer statement to an exit does, and no
//     call on those paths up to the loop's end may panic or stop the goroutine (only go
//     statements, conversions and the builtins len and cap): the deferred close would run
//     with a sender still to send.
func (cs *Chans) ReceivedAll(c *Chan, f *Func, close *ast.CallExpr, deferred bool) bool {
	b, ok := cs.SendBound(c)
	if !ok || b.Func != f {
		return false
	}
	for _, op := range c.Ops {
		if op.Kind != Recv || op.Func != f {
			continue
		}
		loops := enclosingLoops(op.Cursor)
		if len(loops) != 1 || !receivesFirst(loops[0], op) || leavesLoop(loops[0]) || !cs.runsEnough(c, f, loops[0], b) {
			continue
		}
		if !cs.closedAfter(c, f, loops[0], close) {
			return false
		}
		if cs.passesEnd(f, loops[0], close, deferred) {
			return true
		}
	}
	return false
}

// runsEnough reports whether loop, a loop of f, runs at least as many times as the sends
// of bound b.
func (cs *Chans) runsEnough(c *Chan, f *Func, loop ast.Node, b Bound) bool {
	if b.Per == 0 {
		k, ok := TripCount(cs.m.Info, loop)
		if !ok {
			k, ok = cs.capTrips(c, f, loop)
		}
		return ok && k >= b.N
	}
	if b.N != 0 || b.Per != 1 {
		return false
	}
	key, overMap := f.TripKey(loop)
	bkey, _ := b.LoopBound()
	if key == "" || overMap || key != bkey {
		return false
	}
	e1, e2 := lenOperand(cs.m.Info, boundExpr(loop)), lenOperand(cs.m.Info, boundExpr(b.Loop))
	return e1 != nil && e2 != nil && sameValue(cs.m.Info, e1, e2) && f.Stable(e1)
}

// lenOperand returns x for len(x), and e otherwise.
func lenOperand(info *types.Info, e ast.Expr) ast.Expr {
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 {
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && info.Uses[id] == types.Universe.Lookup("len") {
			return call.Args[0]
		}
	}
	return e
}

// capTrips returns the trip count of for i := 0; i < cap(ch); i++ when ch is a member of
// c that f does not assign, and c's one make has a constant capacity.
func (cs *Chans) capTrips(c *Chan, f *Func, loop ast.Node) (int64, bool) {
	info := cs.m.Info
	l, ok := loop.(*ast.ForStmt)
	if !ok || len(c.Makes) != 1 || c.Makes[0].Cap < 0 {
		return 0, false
	}
	v, from, cond, ok := countingLoop(info, l)
	if !ok || from != 0 || cond.Op != token.LSS || !isIncrement(info, l.Post, v) {
		return 0, false
	}
	call, ok := ast.Unparen(cond.Y).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return 0, false
	}
	if fn, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || info.Uses[fn] != types.Universe.Lookup("cap") {
		return 0, false
	}
	ch, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
	if !ok || cs.Of(ch) != c {
		return 0, false
	}
	if obj := info.Uses[ch]; obj == nil || Assigns(info, f.Body, obj) {
		return 0, false
	}
	return c.Makes[0].Cap, true
}

// closedAfter reports whether every close of c but the one at close (which passesEnd
// checks, deferred or not) is in f, after loop.
func (cs *Chans) closedAfter(c *Chan, f *Func, loop ast.Node, close *ast.CallExpr) bool {
	for _, op := range c.Ops {
		if op.Kind == Close && op.Node != close && (op.Func != f || op.Node.Pos() < loop.End()) {
			return false
		}
	}
	return true
}

// passesEnd reports whether every path to close passes the end of loop (see
// ReceivedAll).
func (cs *Chans) passesEnd(f *Func, loop ast.Node, close *ast.CallExpr, deferred bool) bool {
	g := f.CFG()
	if len(g.Blocks) == 0 {
		return false
	}
	var stmt ast.Node = close
	var from *cfg.Block
	at := -1
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if n.Pos() <= close.Pos() && close.End() <= n.End() {
				if _, isStmt := n.(ast.Stmt); isStmt {
					stmt, from, at = n, b, i
				}
			}
		}
	}
	if from == nil {
		return false
	}
	if !deferred {
		at = -1
		from = g.Blocks[0]
	}
	isEnd := func(b *cfg.Block) bool {
		return (b.Kind == cfg.KindForDone || b.Kind == cfg.KindRangeDone) && b.Stmt == loop
	}
	type item struct {
		b *cfg.Block
		i int
	}
	seen := make(map[*cfg.Block]bool)
	work := []item{{from, at + 1}}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		if isEnd(it.b) {
			continue
		}
		if it.i == 0 {
			if seen[it.b] {
				continue
			}
			seen[it.b] = true
		}
		for _, n := range it.b.Nodes[it.i:] {
			if !deferred && n == stmt {
				return false // reached without the loop's end
			}
			if deferred && cs.mayStop(n) {
				return false
			}
		}
		if deferred && len(it.b.Succs) == 0 {
			return false // an exit before the loop's end
		}
		for _, s := range it.b.Succs {
			work = append(work, item{s, 0})
		}
	}
	return true
}

// mayStop reports whether node n (outside function literals) makes a call that may
// panic or not return: any call but a conversion, len, cap, and the call of a go
// statement itself (its arguments are evaluated here).
func (cs *Chans) mayStop(n ast.Node) bool {
	info := cs.m.Info
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			for _, a := range x.Call.Args {
				found = found || cs.mayStop(a)
			}
			if _, lit := ast.Unparen(x.Call.Fun).(*ast.FuncLit); !lit {
				if sel, ok := ast.Unparen(x.Call.Fun).(*ast.SelectorExpr); ok {
					found = found || cs.mayStop(sel.X)
				}
			}
			return false
		case *ast.CallExpr:
			if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
				return !found
			}
			if b, ok := typeutil.Callee(info, x).(*types.Builtin); ok && (b.Name() == "len" || b.Name() == "cap") {
				return !found
			}
			found = true
		}
		return !found
	})
	return found
}
