package ctxprop

import (
	"go/ast"
	"go/token"
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
//   - none of the package's functions that run the literal writes to anything but its
//     own variables (a field, a package variable, a map or slice it did not declare,
//     through a pointer: keepsState): it keeps state across calls, and what the
//     literal computes with one caller's context may be shared by others (a
//     sync.Once-like flag, a copy of singleflight whose first caller runs the function
//     for all, a cache);
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
		if v.Func.Obj == nil || cleanup(v.Func.Obj.Name()) || ck.keepsState(v.Func) || ck.mayRunAfterDone(v) {
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
			if ck.strictFlow(v.Func).after(u.Node()) {
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

// keepsState reports whether the body of f, its literals included, assigns to (or
// increments) anything but a variable of f (its parameters included), an element of a
// local array, of a slice or map held by a variable declared in its body, or a field of
// a local struct value.
func (ck *checker) keepsState(f *model.Func) bool {
	local := func(e ast.Expr) bool {
		for {
			switch x := ast.Unparen(e).(type) {
			case *ast.Ident:
				if x.Name == "_" {
					return true
				}
				v, ok := ck.pass.TypesInfo.ObjectOf(x).(*types.Var)
				return ok && !v.IsField() && v.Pos() >= f.Node.Pos() && v.Pos() < f.Node.End()
			case *ast.IndexExpr:
				t := ck.pass.TypesInfo.TypeOf(x.X)
				if t == nil {
					return false
				}
				switch t.Underlying().(type) {
				case *types.Array:
					e = x.X
				case *types.Map, *types.Slice:
					// A map or slice that a variable declared in the body holds (it
					// may still alias another: out := s.buf, a miss taken).
					id, ok := ast.Unparen(x.X).(*ast.Ident)
					if !ok {
						return false
					}
					v, ok := ck.pass.TypesInfo.ObjectOf(id).(*types.Var)
					return ok && v.Pos() >= f.Body.Pos() && v.Pos() < f.Body.End()
				default:
					return false // through a pointer to an array, a string, a type parameter
				}
			case *ast.SelectorExpr:
				sel, ok := ck.pass.TypesInfo.Selections[x]
				if !ok || sel.Kind() != types.FieldVal || sel.Indirect() {
					return false
				}
				if _, ok := ck.pass.TypesInfo.TypeOf(x.X).Underlying().(*types.Struct); !ok {
					return false
				}
				e = x.X
			default:
				return false
			}
		}
	}
	keeps := false
	ast.Inspect(f.Node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					keeps = keeps || !local(l)
				}
			}
		case *ast.IncDecStmt:
			keeps = keeps || !local(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, l := range []ast.Expr{n.Key, n.Value} {
					keeps = keeps || l != nil && !local(l)
				}
			}
		}
		return !keeps
	})
	return keeps
}
