package ctxprop

import (
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// runsBeforeReturn reports whether the function literal at lit is passed, where it is
// written, to a call that runs it before it returns and keeps no reference to it (the
// shared model's RunsBeforeReturn), outside go and defer statements, and returns that
// call. The function that contains the call is then still running when the literal
// runs.
func (ck *checker) runsBeforeReturn(lit inspector.Cursor) (*ast.CallExpr, []model.Via, bool) {
	if lit.ParentEdgeKind() != edge.CallExpr_Args {
		return nil, nil, false
	}
	call := lit.Parent().Node().(*ast.CallExpr)
	switch lit.Parent().Parent().Node().(type) {
	case *ast.GoStmt, *ast.DeferStmt:
		return nil, nil, false
	}
	via, ok := ck.m.RunsBeforeReturn(call, lit.ParentEdgeIndex())
	if !ok {
		return nil, nil, false
	}
	return call, via, true
}

// callback reports whether the contexts of the function that contains the function
// literal at lit are in scope inside it, and returns the call that runs the literal: it
// runs before the call returns (runsBeforeReturn), and
//
//   - it has no context.Context or *http.Request parameter of its own (the callee hands
//     it a context: that one is in scope, not the caller's);
//   - the callee, and the package's functions that run the literal, have no clean-up
//     name (atShutdown(func() { ... }) runs after the main work has ended);
//   - none of the package's functions that run the literal may run it, or pass it on,
//     after receiving from a ctx.Done() channel or calling ctx.Err() or context.Cause
//     (onDone(ctx, func() { flush(context.Background()) }) runs it once ctx is done):
//     a use in the function's own body must not be reachable from such a marker in its
//     graph, and a use in a deferred call or in a nested literal is taken when the
//     function has a marker anywhere.
func (ck *checker) callback(lit inspector.Cursor) (*ast.CallExpr, bool) {
	call, via, ok := ck.runsBeforeReturn(lit)
	if !ok {
		return nil, false
	}
	if sig, ok := ck.pass.TypesInfo.TypeOf(lit.Node().(*ast.FuncLit)).(*types.Signature); !ok || ck.ownsContext(sig) {
		return nil, false
	}
	if fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func); !ok || cleanup(fn.Name()) {
		return nil, false
	}
	for _, v := range via {
		if v.Func.Obj == nil || cleanup(v.Func.Obj.Name()) || ck.mayRunAfterDone(v) {
			return nil, false
		}
	}
	return call, true
}

// mayRunAfterDone reports whether a function of the package may run the function it
// was given, or pass it on, once a context is done: a use of the parameter in its body
// reachable from a receive of ctx.Done(), a call of ctx.Err() or context.Cause; or a
// use in a deferred call or a nested literal, when the function has such a marker
// anywhere.
func (ck *checker) mayRunAfterDone(v model.Via) bool {
	for _, u := range v.Uses {
		direct := ck.m.Enclosing(u) == v.Func
		for d := range u.Enclosing((*ast.DeferStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			_, deferred := d.Node().(*ast.DeferStmt)
			direct = direct && !deferred
			break
		}
		if direct {
			if ck.flow(v.Func).after(u.Node()) {
				return true
			}
		} else if ck.watchesContext(v.Func) {
			return true
		}
	}
	return false
}

// ownsContext reports whether a function of signature sig is given a context of its
// own: a context.Context or *http.Request parameter, named or not.
func (ck *checker) ownsContext(sig *types.Signature) bool {
	for v := range sig.Params().Variables() {
		if ck.isCtx(v.Type()) || isRequest(v.Type()) {
			return true
		}
	}
	return false
}

// watchesContext reports whether the body of f, its function literals included,
// receives from ctx.Done() (or a variable holding it), or calls ctx.Err() or
// context.Cause.
func (ck *checker) watchesContext(f *model.Func) bool {
	found := false
	ast.Inspect(f.Node, func(n ast.Node) bool {
		if found {
			return false
		}
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		default:
			return true
		}
		if body != nil {
			ck.scanDoneVars(body)
			found = ck.hasMarker(body)
		}
		return !found
	})
	return found
}
