package ctxprop

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// boundedDerivers are the context package's functions that derive a context which ends
// sooner than its parent: a timeout, a deadline or a cancel of its own.
var boundedDerivers = map[string]bool{
	"WithTimeout": true, "WithDeadline": true, "WithCancel": true,
	"WithTimeoutCause": true, "WithDeadlineCause": true, "WithCancelCause": true,
}

// checkParent handles a fresh context given as the parent of a context the function
// derives for its own work while another context is in scope (canonical/go-dqlite#381:
// `dialCtx, cancel := context.WithTimeout(context.Background(), c.dialTimeout)` in a
// function given ctx, so the caller's cancellation never reached the dial):
//
//	dialCtx, cancel := context.WithTimeout(context.Background(), d)
//	defer cancel()
//	conn, err := c.dial(dialCtx, addr)
//
// Deriving from context.Background() is also how code detaches on purpose, so the
// derived context must be a local variable whose every use is one that ctxprop would
// give the context in scope if context.Background() were passed there directly: an
// argument of an ordinary call in the same function, not a clean-up or a hand-off, not
// after the context in scope ended, whose results do not outlive the function; or a
// method call on it (Err, Done). A derived context that is stored, returned, captured by
// a literal that may run later, derived from again or reassigned is left alone, and so is
// one under a comment that states the intent.
func (ck *checker) checkParent(cur inspector.Cursor, call *ast.CallExpr) {
	if !boundedDerivers[ck.ctxFunc(call)] || len(call.Args) == 0 {
		return
	}
	fresh, isCall := ast.Unparen(call.Args[0]).(*ast.CallExpr)
	if !isCall {
		return
	}
	name := ck.ctxFunc(fresh)
	if name != "TODO" && (name != "Background" || ck.isTestFile(fresh.Pos())) {
		return
	}
	if ck.m.Intent(fresh.Pos()) != nil {
		return
	}
	derived := ck.derivedVar(cur)
	if derived == nil || ck.onErrorPath(cur) || ck.inCleanup(cur) {
		return
	}
	argCur := cur.ChildAt(edge.CallExpr_Args, 0)
	env := ck.env(argCur)
	if env.status != ok {
		return
	}
	fn := env.levels[0].fn
	uses := 0
	for c := range env.levels[0].f.Cursor.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if ck.pass.TypesInfo.Uses[id] != derived {
			continue
		}
		if !ck.usedForWork(c, fn, env.ctx) {
			return
		}
		uses++
	}
	if uses == 0 {
		return
	}
	d := analysis.Diagnostic{
		Pos: fresh.Pos(), End: fresh.End(),
		Message: fmt.Sprintf("context.%s() is the parent of %s while %s is in scope", name, derived.Name(), env.text()),
	}
	if ck.hasComments(fresh) {
		fixkit.Refuse(ck.pass, d, d.Pos, "comments inside the call")
		return
	}
	fixkit.Report(ck.pass, d, "Derive "+derived.Name()+" from "+env.text(), func(fx *fixkit.Fix) error {
		dcall := fx.Dst(call).(*dst.CallExpr)
		old := dcall.Args[0]
		e := env.expr()
		*e.Decorations() = *old.Decorations()
		dcall.Args[0] = e
		return nil
	})
}

// onErrorPath reports whether the derivation at cur is in the body of an if statement
// of its function whose condition is `err != nil` for an error err, or in the else
// branch of `err == nil`: a context derived to report or undo a failure (temporal's Go
// SDK fails the activity task with a fresh timeout when its heartbeat cannot be
// encoded) is clean-up, which the caller's context must not cut short.
func (ck *checker) onErrorPath(cur inspector.Cursor) bool {
	child := cur
	for p := cur.Parent(); p.Valid(); child, p = p, p.Parent() {
		switch n := p.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.IfStmt:
			x, op, ok := model.NilComparison(ck.pass.TypesInfo, n.Cond)
			if !ok || !model.IsError(ck.pass.TypesInfo.TypeOf(x)) {
				continue
			}
			if op == token.NEQ && child.Node() == n.Body || op == token.EQL && child.Node() == n.Else {
				return true
			}
		}
	}
	return false
}

// inCleanup reports whether the derivation at cur is in a function or method whose name
// says it undoes or finishes work, or hands it on (Shutdown, Close, Stop, Enqueue: see
// cleanup and handsOff): such a function gives its work a time bound of its own on
// purpose, whatever its caller's context says.
func (ck *checker) inCleanup(cur inspector.Cursor) bool {
	for c := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		name := c.Node().(*ast.FuncDecl).Name.Name
		return cleanup(name) || handsOff(name)
	}
	return false
}

// derivedVar returns the local variable that the derivation at cur defines or assigns
// its context to, as the only right-hand side of its statement, or nil.
func (ck *checker) derivedVar(cur inspector.Cursor) *types.Var {
	as, ok := cur.Parent().Node().(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != cur.Node() || len(as.Lhs) == 0 {
		return nil
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	v, ok := ck.pass.TypesInfo.ObjectOf(id).(*types.Var)
	if !ok || v.Parent() == nil || v.Parent() == ck.pass.Pkg.Scope() || v.IsField() {
		return nil
	}
	// Defined here, and assigned nowhere else.
	if ck.pass.TypesInfo.Defs[id] != v {
		return nil
	}
	return v
}

// usedForWork reports whether the reference c to the derived context, in function fn,
// is one that ctxprop would give ctx there: a method call on it, or an argument of an
// ordinary call that is main work of the function (see checkParent).
func (ck *checker) usedForWork(c inspector.Cursor, fn ast.Node, ctx *types.Var) bool {
	p := c.Parent()
	for {
		if _, ok := p.Node().(*ast.ParenExpr); !ok {
			break
		}
		p = p.Parent()
	}
	if sel, ok := p.Node().(*ast.SelectorExpr); ok {
		// ctx.Err(), ctx.Done(), ctx.Deadline(): a method called on the spot.
		call, isCall := p.Parent().Node().(*ast.CallExpr)
		return isCall && call.Fun == sel && !ck.useEscapes(c, fn)
	}
	call, isCall := p.Node().(*ast.CallExpr)
	if !isCall || ast.Unparen(call.Fun) == c.Node() || ck.ctxFunc(call) != "" {
		return false // not an argument, or the parent of another derivation
	}
	if ck.useEscapes(c, fn) {
		return false
	}
	if callee, isFn := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func); isFn && (cleanup(callee.Name()) || handsOff(callee.Name())) {
		return false
	}
	env := ck.env(c)
	if env.status != ok || env.ctx != ctx {
		return false // detached there, or after the context in scope ended
	}
	return !ck.resultEscapes(p, env)
}
