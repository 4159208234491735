package ctxdone

import (
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
)

// lastSend reports whether op, a send outside loops of the goroutine literal f, is one
// that the context f captures can end (rhosocial/go-dag#10: BuildWorkflowInput's
// goroutines send the result to each vertex's channel and block when the vertex left
// on ctx.Done()):
//
//   - f is a function literal started by a go statement, and exactly one context (not
//     context.Background() or TODO()) is in scope at op, a variable of the function that
//     starts f (or of one around it), which f captures;
//   - that function waits for f's goroutine (model.Spawn.Waited: the goroutine's work is
//     part of the call the context governs), or f already uses the context: returning
//     when it is done ends work done for that context, not a delivery that was meant to
//     outlive it;
//   - nothing runs after op but the goroutine's deferred calls: the return the fix adds
//     skips nothing;
//   - no make of the channel's class is in the function that starts f: a channel made
//     there and sent on once is singlesend's, whose fix gives it a buffer (the two
//     fixes must not meet on one send).
//
// The send can block: the caller has already found that the capacity does not cover it
// (coveredPerRun, sendsFit and the other proofs fail), and settle refuses the fix when a
// receive waits for the value unconditionally.
func (c *checker) lastSend(f *model.Func, op *model.ChanOp) bool {
	lit, ok := f.Node.(*ast.FuncLit)
	if !ok || len(f.Started) != 1 || f.Started[0].In == nil {
		return false
	}
	spawner := f.Started[0].In
	ctxs := c.localVars(op.Node.Pos(), func(v *types.Var) bool { return model.IsContext(v.Type()) && !c.isBackground(v) })
	if len(ctxs) != 1 || lit.Pos() <= ctxs[0].Pos() && ctxs[0].Pos() < lit.End() {
		return false
	}
	v := ctxs[0]
	s := c.m.Shared().SpawnOf(f)
	if s == nil || !s.Waited() && !c.uses(f, v) {
		return false
	}
	if following, loops := c.after(op.Cursor, &unit{fn: f}); len(following) > 0 || len(loops) > 0 {
		return false
	}
	ch := c.cs.Of(op.Ch)
	if ch == nil {
		return false
	}
	for _, mk := range ch.Makes {
		for g := spawner; g != nil; g = g.Outer {
			if g.Node.Pos() <= mk.Call.Pos() && mk.Call.End() <= g.Node.End() {
				return false
			}
		}
	}
	return true
}
