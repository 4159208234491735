package ctxdone

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/inspector"
)

// checkProducers reports abandoned producers: a goroutine literal that F starts once
// sends in a loop, blocking, on a channel that F makes and alone receives from, by one
// range loop that F can leave before the channel is closed (a return, a break or a goto
// out of it). Once F has left, nothing receives, and the goroutine blocks on its next
// send forever (the pipelines leak of the Go blog). Sends that another rule of the pass
// already reports (a context or stop channel is in scope) are left to it.
func (c *checker) checkProducers() {
	taken := make(map[*model.ChanOp]bool)
	for _, u := range c.units {
		for _, op := range u.ops {
			taken[op] = true
		}
	}
	c.eachLoopSend(taken, c.producerUnit)
	c.checkStopFlags(taken)     // stopflag.go
	c.checkStopFlagCalls(taken) // stopcall.go
}

// eachLoopSend calls unitFor for each blocking send (not in a select), in a loop, of a
// goroutine literal started once, outside loops, by the function that contains it, and
// not in taken; the units it returns are added, and their sends taken.
func (c *checker) eachLoopSend(taken map[*model.ChanOp]bool, unitFor func(F, G *model.Func, g *model.Go, op *model.ChanOp) *unit) {
	for _, g := range c.m.Gos {
		G, F := g.Runs, g.In
		if G == nil || F == nil || G.Obj != nil || G.Outer != F || len(G.Started) != 1 || g.InLoop {
			continue
		}
		for _, op := range c.cs.Ops {
			if op.Func != G || op.Kind != model.Send || op.Select != nil || taken[op] || !model.InLoop(op.Cursor) {
				continue
			}
			if u := unitFor(F, G, g, op); u != nil {
				c.units = append(c.units, u)
				for _, q := range u.ops {
					taken[q] = true
				}
			}
		}
	}
}

// producerUnit returns the finding for the send op of the goroutine G that F starts by
// g, or nil. Its fix protects every blocking send of G on the channel.
func (c *checker) producerUnit(F, G *model.Func, g *model.Go, op *model.ChanOp) *unit {
	ch := c.cs.Of(op.Ch)
	id, ok := ast.Unparen(op.Ch).(*ast.Ident)
	if ch == nil || !ok || ch.Done || ch.Escapes != "" || len(ch.Makes) != 1 || len(ch.Members) != 1 {
		return nil
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || ch.Members[0] != v || v.Pos() < F.Body.Pos() || v.Pos() >= F.Body.End() || G.Node.Pos() <= v.Pos() && v.Pos() < G.Node.End() {
		return nil
	}
	if len(c.cs.Assigned(v)) > 0 || isEmptyStructChan(v.Type()) {
		return nil // set again; or a signal, of which the receiver may want only the first
	}
	// v := make(chan T[, n]) in F, outside loops.
	def, ok := c.defCursor(v)
	if !ok {
		return nil
	}
	as, ok := def.Parent().Node().(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != ch.Makes[0].Call || c.m.Enclosing(def) != F || model.InLoop(def) {
		return nil
	}
	makeCur := def.Parent()
	if _, ok := makeCur.Parent().Node().(*ast.BlockStmt); !ok {
		return nil
	}
	// Every use of v is the channel of an operation: sends (and closes) in G, one range
	// in F, outside loops of F.
	opOf := make(map[ast.Node]*model.ChanOp)
	for _, q := range ch.Ops {
		opOf[ast.Unparen(q.Ch)] = q
	}
	var rng *model.ChanOp
	var recvs []*model.ChanOp
	bad := false
	F.Cursor.Inspect([]ast.Node{(*ast.Ident)(nil)}, func(cur inspector.Cursor) bool {
		x := cur.Node().(*ast.Ident)
		if c.info.Uses[x] != v {
			return true
		}
		q := opOf[x]
		switch {
		case q == nil:
			bad = true
		case q.Kind == model.Send || q.Kind == model.Close:
			bad = bad || q.Func != G
		case q.Kind == model.Range && q.Func == F && rng == nil:
			rng = q
		case q.Kind == model.Recv && q.Func == F:
			recvs = append(recvs, q)
		default:
			bad = true
		}
		return !bad
	})
	if bad || rng != nil && len(recvs) > 0 {
		return nil
	}
	// The receive loop: the range, or the for { } around every receive.
	var loopCur inspector.Cursor
	okVars := make(map[types.Object]bool)
	switch {
	case rng != nil:
		loopCur = rng.Cursor
	case len(recvs) > 0:
		loopCur = endlessLoopOf(F, recvs[0])
		if !loopCur.Valid() {
			return nil
		}
		closes := slices.ContainsFunc(ch.Ops, func(q *model.ChanOp) bool { return q.Kind == model.Close })
		for _, q := range recvs {
			l := loopCur.Node()
			if q.Node.Pos() < l.Pos() || q.Node.End() > l.End() {
				return nil
			}
			// v, ok := <-ch: a way out under if !ok is the end of the stream.
			if o := c.okVar(q); o != nil {
				okVars[o] = true
				continue
			}
			if closes {
				return nil // a zero value from <-ch may be how F sees the close
			}
		}
	default:
		return nil
	}
	if model.InLoop(loopCur) {
		return nil
	}
	if c.sendsFit(op) || c.coveredPerRun(G, op, true) {
		return nil
	}
	// The producer may end the stream with the value that makes F leave: a send
	// followed by a return, or a value that carries an error.
	for _, q := range ch.Ops {
		if q.Kind != model.Send {
			continue
		}
		if next, ok := q.Cursor.NextSibling(); ok {
			if _, ok := next.Node().(*ast.ReturnStmt); ok {
				return nil
			}
		} else if q.Cursor.Parent().Node() == G.Body {
			return nil // the goroutine's last statement: a sentinel that may end the stream
		}
		if c.carriesError(c.info.TypeOf(q.Node.(*ast.SendStmt).Value)) {
			return nil
		}
	}
	exitPos, exitWord := c.loopExit(F, loopCur, okVars)
	if !exitPos.IsValid() {
		return nil
	}
	s := op.Node.(*ast.SendStmt)
	name := "its function"
	if F.Obj != nil {
		name = F.Obj.Name()
	}
	chName := types.ExprString(s.Chan)
	u := &unit{fn: G, pos: s.Arrow, ops: []*model.ChanOp{op}, owned: ch}
	u.msg = fmt.Sprintf("the goroutine blocks forever on %s <- %s once %s returns early: %s stops receiving from %s at the %s on line %d, and nothing else receives from it",
		chName, types.ExprString(s.Value), name, name, chName, exitWord, c.pass.Fset.Position(exitPos).Line)
	done := c.freeName(F, "done")
	u.exit = exit{expr: done}
	u.fixMsg = fmt.Sprintf("Close %s when %s returns, and select on it in the send", done, name)
	u.prelude = func(fx *fixkit.Fix) error {
		list := fixkit.StmtList(fx.Dst(makeCur.Parent().Node()))
		if list == nil {
			return fmt.Errorf("the make is not in a statement list")
		}
		i := slices.Index(*list, fx.Dst(makeCur.Node()).(dst.Stmt))
		if i < 0 {
			return fmt.Errorf("the make is not in its list")
		}
		mk := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(done)}, Tok: token.DEFINE, Rhs: []dst.Expr{parseExpr("make(chan struct{})")}}
		def := &dst.DeferStmt{Call: parseExpr("close(" + done + ")").(*dst.CallExpr)}
		mk.Decs.Before, def.Decs.Before = dst.NewLine, dst.NewLine
		*list = slices.Insert(*list, i+1, dst.Stmt(mk), dst.Stmt(def))
		return nil
	}
	it, why := c.wrapItem(op)
	if why != "" {
		c.refuse(u, s.Pos(), why)
		return u
	}
	u.items = []*item{it}
	// The goroutine's other blocking sends on ch are abandoned too: one fix, one done.
	for _, q := range ch.Ops {
		if q.Kind != model.Send || q == op || q.Select != nil {
			continue
		}
		it, why := c.wrapItem(q)
		if why != "" {
			c.refuse(u, q.Node.Pos(), why)
			return u
		}
		u.items = append(u.items, it)
		u.ops = append(u.ops, q)
	}
	u.ret, why = c.returnFor(G, u.exit, s.Pos())
	if why != "" {
		c.refuse(u, s.Pos(), why)
	}
	return u
}

// endlessLoopOf returns the loop of F around the receive q when the innermost loop
// around it is a for { } (no init, condition or post), or a zero cursor.
func endlessLoopOf(F *model.Func, q *model.ChanOp) inspector.Cursor {
	for p := q.Cursor.Parent(); p.Valid() && p.Node() != F.Node; p = p.Parent() {
		switch l := p.Node().(type) {
		case *ast.ForStmt:
			if l.Cond == nil && l.Init == nil && l.Post == nil {
				return p
			}
			return inspector.Cursor{}
		case *ast.RangeStmt:
			return inspector.Cursor{}
		}
	}
	return inspector.Cursor{}
}

// okVar returns ok of v, ok := <-ch, the receive q, or nil.
func (c *checker) okVar(q *model.ChanOp) types.Object {
	as, ok := q.Cursor.Parent().Node().(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != q.Node {
		return nil
	}
	if id, ok := as.Lhs[1].(*ast.Ident); ok {
		return c.info.ObjectOf(id)
	}
	return nil
}

// loopExit returns the first way out of the receive loop at loopCur (a range over the
// channel, or a for { } receiving from it) of F other than its end, in live code: a
// return, a goto, a break of the loop or of a statement around it, a continue of an
// outer loop. A way out inside if !ok, where ok is set by v, ok := <-ch, follows the
// close and does not count.
func (c *checker) loopExit(F *model.Func, loopCur inspector.Cursor, okVars map[types.Object]bool) (token.Pos, string) {
	body := model.StmtBody(loopCur.Node())
	live := liveNodes(F)
	var own string
	if ls, ok := loopCur.Parent().Node().(*ast.LabeledStmt); ok {
		own = ls.Label.Name
	}
	var pos token.Pos
	var word string
	var visit func(n ast.Node, depth int)
	visit = func(n ast.Node, depth int) {
		ast.Inspect(n, func(m ast.Node) bool {
			if pos.IsValid() || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.IfStmt:
				if u, ok := ast.Unparen(m.Cond).(*ast.UnaryExpr); ok && u.Op == token.NOT {
					if id, ok := ast.Unparen(u.X).(*ast.Ident); ok && okVars[c.info.Uses[id]] {
						if m.Else != nil {
							visit(m.Else, depth)
						}
						return false
					}
				}
			case *ast.ReturnStmt:
				if live[m] {
					pos, word = m.Pos(), "return"
				}
			case *ast.BranchStmt:
				if !live[m] {
					break
				}
				switch m.Tok {
				case token.GOTO:
					pos, word = m.Pos(), "goto"
				case token.BREAK:
					if m.Label == nil && depth == 0 || m.Label != nil && !model.DeclaresLabel(body, m.Label.Name) {
						pos, word = m.Pos(), "break"
					}
				case token.CONTINUE:
					if m.Label != nil && m.Label.Name != own && !model.DeclaresLabel(body, m.Label.Name) {
						pos, word = m.Pos(), "continue"
					}
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n {
					visit(model.StmtBody(m), depth+1)
					return false
				}
			}
			return !pos.IsValid()
		})
	}
	visit(body, 0)
	return pos, word
}

// freeName returns base, or base2, base3..., the first that no identifier of F's
// declaration (literals included) spells.
func (c *checker) freeName(F *model.Func, base string) string {
	used := make(map[string]bool)
	ast.Inspect(F.Root().Node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	return fixkit.Numbered(base, func(name string) bool { return used[name] })
}
