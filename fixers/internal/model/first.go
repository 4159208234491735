package model

import (
	"go/ast"
	"go/token"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// sendsFirst reports whether the goroutine G that makes the send op makes all its sends
// on the channel before any other send on it can happen, and no more than its capacity:
// then none of them can block. It holds when
//
//   - the class c of the channel is one the model follows (Chans.followed: one make in
//     a function F, of constant capacity K > 0, no escape, every reference understood);
//   - G is a function literal directly in F that one go statement of F, outside loops,
//     starts, the make is outside loops too, and MaxSends(G) <= K;
//   - every other send on c is in a function literal directly in F started by a go
//     statement of F, and no path of F's graph from its entry reaches one of these go
//     statements, or a send of F on c, without passing, after G's go statement, through
//     a join with G: a receive from a channel of another followed class d, made in F
//     outside loops, whose sends and closes are all in G, with no send on c reachable in
//     G from any of them (the case body of such a receive in a select, or a receive
//     statement). So the other senders start after G is done sending (nats.go
//     jetstream/test/publish_test.go's TestPublishAsyncResetPendingOnReconnect: errs <-
//     err; return, then done <- struct{}{} on the other path; the test waits for done or
//     fails before starting the goroutines that send on errs too).
func (cs *Chans) sendsFirst(op *ChanOp, c *Chan) bool {
	F, mkCur, _, ok := cs.followed(c)
	if !ok || c.Makes[0].Cap <= 0 {
		return false
	}
	G := op.Func
	if G == F || hasGoto(G) || G.Obj != nil || G.Outer != F || len(G.Started) != 1 || G.Started[0].In != F {
		return false
	}
	if G.Started[0].InLoop || InLoop(mkCur) {
		return false // one channel and one G per run of F, for joins with this G only
	}
	if n, ok := cs.MaxSends(G, c); !ok || n > c.Makes[0].Cap {
		return false
	}
	others := make(map[ast.Node]bool) // the go statements of the other senders, F's sends
	for _, q := range c.Ops {
		if q.Kind != Send || q.Func == G {
			continue
		}
		f := q.Func
		switch {
		case f == F:
			others[q.Node] = true
		case f.Obj == nil && f.Outer == F && len(f.Started) == 1 && f.Started[0].In == F:
			others[f.Started[0].Stmt] = true
		default:
			return false
		}
	}
	if len(others) == 0 {
		return false // Fits and HasRoom's business
	}
	return cs.joinsBefore(F, G, c, others)
}

// joinsBefore reports whether every path of F's graph reaches the nodes of others only
// past a join with G after G's go statement (see sendsFirst).
func (cs *Chans) joinsBefore(F, G *Func, c *Chan, others map[ast.Node]bool) bool {
	g := F.CFG()
	start := G.Started[0].Stmt
	joins := make(map[*Chan]bool) // classes whose receive is a join, by cs.joins
	isJoin := func(e ast.Expr) bool {
		u, ok := ast.Unparen(e).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			return false
		}
		d := cs.Of(u.X)
		if d == nil || d == c {
			return false
		}
		v, seen := joins[d]
		if !seen {
			v = cs.joins(G, c, d)
			joins[d] = v
		}
		return v
	}
	// recvStmt returns the channel receive that statement n is (<-d, v := <-d, v, ok =
	// <-d), outside a select, or nil.
	recvStmt := func(n ast.Node) ast.Expr {
		var x ast.Expr
		switch n := n.(type) {
		case *ast.ExprStmt:
			x = n.X
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 {
				x = n.Rhs[0]
			}
		case *ast.ValueSpec:
			if len(n.Values) == 1 {
				x = n.Values[0]
			}
		}
		if u, ok := ast.Unparen(x).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			if op := cs.Op(u); op != nil && op.Select == nil {
				return u
			}
		}
		return nil
	}
	// A forward walk over (block, phase) from the entry: phase 0 before G's go
	// statement, 1 after it, 2 past a join since.
	type state struct {
		b     int32
		phase int
	}
	seen := make(map[state]bool)
	work := []state{{0, 0}}
	seen[work[0]] = true
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		b := g.Blocks[s.b]
		phase := s.phase
		if phase == 1 && b.Kind == cfg.KindSelectCaseBody {
			if cc, ok := b.Stmt.(*ast.CommClause); ok && cc.Comm != nil {
				var x ast.Expr
				switch comm := cc.Comm.(type) {
				case *ast.ExprStmt:
					x = comm.X
				case *ast.AssignStmt:
					if len(comm.Rhs) == 1 {
						x = comm.Rhs[0]
					}
				}
				if x != nil && isJoin(x) {
					phase = 2
				}
			}
		}
		for _, n := range b.Nodes {
			switch {
			case others[n] && phase < 2:
				return false
			case n == start:
				phase = 1
			case phase == 1:
				if x := recvStmt(n); x != nil && isJoin(x) {
					phase = 2
				}
			}
		}
		for _, succ := range b.Succs {
			next := state{succ.Index, phase}
			if !seen[next] {
				seen[next] = true
				work = append(work, next)
			}
		}
	}
	return true
}

// joins reports whether a receive from a channel of class d is a join with G that
// follows G's sends on c: d is followed by the model, all its sends and closes are in G,
// and no send on c is reachable in G's graph from any of them.
func (cs *Chans) joins(G *Func, c, d *Chan) bool {
	if Fd, mkCur, _, ok := cs.followed(d); !ok || Fd != G.Outer || InLoop(mkCur) {
		return false // d must be new in this run of F, as G is
	}
	marks := make(map[ast.Node]bool)
	for _, q := range d.Ops {
		switch q.Kind {
		case Send, Close:
			if q.Func != G {
				return false
			}
			if q.Kind == Send {
				marks[q.Node] = true
			} else {
				// close(d) is a call inside a statement: mark that statement.
				marks[stmtOf(q)] = true
			}
		}
	}
	if len(marks) == 0 {
		return false
	}
	r := roomFlow{cs: cs, c: c}
	for n := range marks {
		if n == nil || r.reachesSend(G, n) {
			return false
		}
	}
	return true
}

// stmtOf returns the statement that contains the operation q directly (an expression
// statement or a defer of close(d)), or nil.
func stmtOf(q *ChanOp) ast.Node {
	switch p := q.Cursor.Parent().Node().(type) {
	case *ast.ExprStmt:
		return p
	}
	return nil
}
