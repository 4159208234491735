package ctxdone

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// endless reports whether the loop has no condition (or a constant true one) and no
// way out: no return, no break or continue out of it and no goto, in live code (a
// return under if false, or after a call that does not return, is no way out).
func (c *checker) endless(l *ast.ForStmt, cur inspector.Cursor, live map[ast.Node]bool) bool {
	if l.Cond != nil {
		if v, ok := c.m.ConstCond(l.Cond); !ok || !v {
			return false
		}
	}
	var own string
	if ls, ok := cur.Parent().Node().(*ast.LabeledStmt); ok {
		own = ls.Label.Name
	}
	inner := make(map[string]bool)
	inspectCursor(cur.Child(l.Body), func(c inspector.Cursor) bool {
		if ls, ok := c.Node().(*ast.LabeledStmt); ok {
			inner[ls.Label.Name] = true
		}
		return true
	})
	exits := false
	var walk func(n ast.Node, breakDepth int)
	walk = func(n ast.Node, breakDepth int) {
		ast.Inspect(n, func(m ast.Node) bool {
			if exits || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				exits = live[m]
			case *ast.BranchStmt:
				switch m.Tok {
				case token.GOTO:
					exits = live[m]
				case token.BREAK:
					if m.Label == nil {
						exits = breakDepth == 0 && live[m]
					} else {
						exits = !inner[m.Label.Name] && live[m]
					}
				case token.CONTINUE:
					if m.Label != nil {
						exits = !inner[m.Label.Name] && m.Label.Name != own && live[m]
					}
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n {
					walk(model.StmtBody(m), breakDepth+1)
					return false
				}
			}
			return true
		})
	}
	walk(l.Body, 0)
	return !exits
}

// hasDefault reports whether a select has a default case.
func hasDefault(sel *ast.SelectStmt) bool {
	for _, cc := range sel.Body.List {
		if cc.(*ast.CommClause).Comm == nil {
			return true
		}
	}
	return false
}

// isTimerChan reports whether e is time.After(d), time.Tick(d) or the C of a time.Timer
// or time.Ticker.
func (c *checker) isTimerChan(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(c.info, e).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "time" {
			return fn.Name() == "After" || fn.Name() == "Tick"
		}
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok && sel.Kind() == types.FieldVal {
			f := sel.Obj()
			return f.Pkg() != nil && f.Pkg().Path() == "time" && f.Name() == "C"
		}
	}
	return false
}

// selectEscapes reports whether a select can proceed without its other cases: it has
// a default case, or a case receiving from a Done, stop or timer channel.
func (c *checker) selectEscapes(sel *ast.SelectStmt) bool {
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		if cc.Comm == nil {
			return true
		}
		if x := commRecv(cc.Comm); x != nil && (c.isDoneChan(x.X) || c.isTimerChan(x.X)) {
			return true
		}
	}
	return false
}

// commRecv returns the receive expression of a select case's communication, or nil.
func commRecv(s ast.Stmt) *ast.UnaryExpr {
	var e ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u
	}
	return nil
}

// loopUnit records the finding for an endless loop, if any.
func (c *checker) loopUnit(fn *model.Func, l *ast.ForStmt, lcur inspector.Cursor, isGo bool) {
	u := &unit{fn: fn, loop: l, pos: l.For}
	handled := false
	inspectCursor(lcur, func(cur inspector.Cursor) bool {
		if handled {
			return false
		}
		switch n := cur.Node().(type) {
		case *ast.SelectStmt:
			for _, s := range n.Body.List {
				if x := commRecv(s.(*ast.CommClause).Comm); x != nil && c.isDoneChan(x.X) {
					handled = true
				}
			}
			if hasDefault(n) {
				return true
			}
			u.items = append(u.items, &item{stmt: n, cur: cur, sel: n})
			for _, s := range n.Body.List {
				comm := s.(*ast.CommClause).Comm
				var opNode ast.Node = comm
				if x := commRecv(comm); x != nil {
					opNode = x
				}
				if op := c.cs.Op(opNode); op != nil {
					u.ops = append(u.ops, op)
				}
				if send, ok := comm.(*ast.SendStmt); ok {
					if why := c.dropsResource(send); why != "" {
						c.refuse(u, send.Pos(), why)
					}
				}
			}
		case *ast.SendStmt, *ast.UnaryExpr:
			op := c.cs.Op(n)
			if op == nil || op.Select != nil || op.Kind == model.Send && (c.sendsFit(op) || c.drained(op)) {
				return true
			}
			if op.Kind != model.Send && c.isDoneChan(op.Ch) {
				handled = true
				return false
			}
			it, why := c.wrapItem(op)
			if why != "" {
				c.refuse(u, n.Pos(), why)
				return true
			}
			u.items = append(u.items, it)
			u.ops = append(u.ops, op)
		case *ast.RangeStmt:
			if op := c.cs.Op(n); op != nil {
				c.refuse(u, n.Pos(), "the loop ranges over a channel")
			}
		}
		return true
	})
	if handled || len(u.items) == 0 && u.refused == "" {
		return
	}
	var sent []*model.Chan
	for _, op := range u.ops {
		if ch := c.cs.Of(op.Ch); op.Kind == model.Send && ch != nil {
			sent = append(sent, ch)
		}
	}
	ex, why, ok := c.exitFor(fn, l.Pos(), isGo, sent)
	if !ok {
		return
	}
	c.unitLoops[l] = true
	if why != "" {
		u.msg = "endless loop blocks on channel operations without a case for a Done channel"
		c.refuse(u, l.Pos(), why)
		c.units = append(c.units, u)
		return
	}
	u.exit = ex
	u.quiet = ex.field()
	u.msg = fmt.Sprintf("endless loop blocks on channel operations without a case for %s", ex.done())
	if c.dropKnownDone(u) {
		delete(c.unitLoops, l)
		return
	}
	if u.refused == "" {
		u.ret, why = c.returnFor(fn, ex, l.Pos())
		if why != "" {
			c.refuse(u, l.Pos(), why)
		} else if pos, why := c.matchExisting(u, l.Pos()); why != "" {
			c.refuse(u, pos, why)
		}
	}
	c.units = append(c.units, u)
}

// sendUnit records the finding for a blocking send in a function with a context.
//
// quiet says the function is a declared goroutine without a context parameter: its
// finding, like that of a send whose exit is a stop channel, is reported only with a fix.
func (c *checker) sendUnit(fn *model.Func, op *model.ChanOp, isGo, quiet bool) {
	s := op.Node.(*ast.SendStmt)
	var sent []*model.Chan
	if ch := c.cs.Of(s.Chan); ch != nil {
		sent = append(sent, ch)
	}
	ex, why, ok := c.exitFor(fn, s.Pos(), isGo, sent)
	if !ok || (why == "" && !ex.ctx && !isGo) || c.ctxsDone(fn, s) || c.knownDone(fn, ex, s) {
		return // a stop channel ends goroutines only
	}
	quiet = quiet || why == "" && (!ex.ctx || ex.field())
	if quiet && why != "" {
		return
	}
	u := &unit{fn: fn, pos: s.Arrow, ops: []*model.ChanOp{op}, quiet: quiet}
	name := types.ExprString(s.Chan)
	if why != "" {
		u.msg = fmt.Sprintf("send on %s blocks without a case for a Done channel", name)
		c.refuse(u, s.Pos(), why)
		c.units = append(c.units, u)
		return
	}
	u.exit = ex
	u.msg = fmt.Sprintf("send on %s blocks without a case for %s", name, ex.done())
	it, why := c.wrapItem(op)
	if why != "" {
		c.refuse(u, s.Pos(), why)
	} else {
		u.items = []*item{it}
		u.ret, why = c.returnFor(fn, ex, s.Pos())
		if why != "" {
			c.refuse(u, s.Pos(), why)
		} else if pos, why := c.matchExisting(u, s.Pos()); why != "" {
			c.refuse(u, pos, why)
		}
	}
	c.units = append(c.units, u)
}

// knownDone reports whether the context of the exit ex is known to be done when the
// statement n of fn runs (model.KnownDone): after <-ctx.Done(), in case <-ctx.Done():, or
// where ctx.Err() != nil holds. A case <-ctx.Done() added there would be ready at once,
// and the select would pick it or the operation at random: a deterministic test of the
// code would become flaky.
func (c *checker) knownDone(fn *model.Func, ex exit, n ast.Stmt) bool {
	return ex.ctx && ex.obj != nil && c.m.KnownDone(fn, ex.obj, n)
}

// ctxsDone reports whether contexts are in scope at the statement n of fn and each is
// known to be done there (knownDone): whichever the fix chose, its case would be ready.
func (c *checker) ctxsDone(fn *model.Func, n ast.Stmt) bool {
	ctxs := c.localVars(n.Pos(), func(v *types.Var) bool { return model.IsContext(v.Type()) && !c.isBackground(v) })
	for _, v := range ctxs {
		if !c.m.KnownDone(fn, v, n) {
			return false
		}
	}
	return len(ctxs) > 0
}

// dropKnownDone removes from the endless loop's fix the operations where its context is
// known to be done, and reports whether nothing is left to find.
func (c *checker) dropKnownDone(u *unit) bool {
	var items []*item
	var ops []*model.ChanOp
	dropped := make(map[*model.ChanOp]bool)
	for _, it := range u.items {
		if c.knownDone(u.fn, u.exit, it.stmt) {
			if it.op != nil {
				dropped[it.op] = true
			}
			if it.sel != nil {
				for _, cc := range it.sel.Body.List {
					if comm := cc.(*ast.CommClause).Comm; comm != nil {
						var opNode ast.Node = comm
						if x := commRecv(comm); x != nil {
							opNode = x
						}
						if op := c.cs.Op(opNode); op != nil {
							dropped[op] = true
						}
					}
				}
			}
			continue
		}
		items = append(items, it)
	}
	if len(items) == len(u.items) {
		return false
	}
	for _, op := range u.ops {
		if !dropped[op] {
			ops = append(ops, op)
		}
	}
	u.items, u.ops = items, ops
	return len(items) == 0 && u.refused == ""
}
