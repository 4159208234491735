package unlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Held through a recovered panic (issue 13, class 1): an HTTP handler that locks a
// mutex, calls a hook of the program's own (a function value: a field, parameter or
// variable of func type; or a method of an interface declared in the module) and then
// releases the mutex without defer. net/http recovers a handler's panic and serves the
// next request, so a panic of the hook leaves the mutex locked and every later request
// that takes it hangs. The same holds for a function whose panics the package recovers
// (it, or a function that calls it directly, statically and not through a go statement,
// defers a literal that calls recover), for a panic(...) of its own under the lock
// (syncthing/syncthing#6556: Request panics on a reused id with the mutex held). The fix is `defer mu.Unlock()` after the Lock, under the same
// conditions as for a leaking return (deferable): one Lock, as a statement of the body,
// whose releases end the body or are followed by returns that call nothing.

// panicLeak reports the mutex of key when u is an HTTP handler that calls a hook while
// it holds the mutex with no deferred release.
func (a *analyzer) panicLeak(u *unit, key string, ops []*op, r *result) {
	handler := isHandler(u.f.Sig)
	var recoverer *recovery
	if !handler {
		if recoverer = a.recoveredBy(u.f); recoverer == nil {
			return
		}
	}
	var locks, releases []*op
	for _, o := range ops {
		switch {
		case o.deferred:
			return // a deferred release, or a deferred Lock: not this shape
		case o.lock:
			locks = append(locks, o)
		default:
			releases = append(releases, o)
		}
	}
	if len(locks) == 0 || len(releases) == 0 {
		return
	}
	var hook *ast.CallExpr
	a.eachNode(u, key, r, func(n ast.Node, cur mask) {
		if hook != nil || !heldUndeferred(cur) {
			return
		}
		for _, call := range callsIn(n) {
			if handler && a.isHook(call) || !handler && a.isPanic(call) {
				hook = call
				return
			}
		}
	})
	if hook == nil {
		return
	}
	lk := locks[0]
	recv := types.ExprString(lk.sel.X)
	d := analysis.Diagnostic{
		Pos: lk.call.Pos(),
		End: lk.call.End(),
		Message: fmt.Sprintf("%s stays locked if %s panics: net/http recovers the handler's panic, and the next request that locks %s hangs",
			recv, types.ExprString(hook.Fun), recv),
		Related: []analysis.RelatedInformation{{Pos: hook.Pos(), Message: "this call may panic with the lock held"}},
	}
	if recoverer != nil {
		what := types.ExprString(hook.Fun)
		if a.isPanic(hook) {
			what = "the panic at line " + fmt.Sprint(a.pass.Fset.Position(hook.Pos()).Line)
		}
		d.Message = fmt.Sprintf("%s stays locked if %s is recovered: %s recovers it, and the next lock of %s hangs",
			recv, what, recoverer.chain, recv)
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: recoverer.at, Message: "recovered here"})
	}
	p := pendingLeak{class: lk.class}
	if a.deferable(u, key, locks, releases, ops) {
		p.report = func() {
			msg := fmt.Sprintf("Add defer %s.%s() and remove the explicit unlocks", recv, releaseName(lk.kind))
			fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error { return a.fixDefer(fx, u, lk, releases) })
		}
	} else {
		p.report = func() {
			fixkit.Refuse(a.pass, d, d.Pos, "the mutex is released mid-function or more than once: a deferred release would hold it longer")
		}
	}
	u.pending = append(u.pending, p)
}

// heldUndeferred reports whether in every state of m the mutex is held and its release
// not deferred.
func heldUndeferred(m mask) bool {
	ok := true
	m.states(func(s state) { ok = ok && s.held() != kNone && s.def() == kNone })
	return ok
}

// isHandler reports whether sig is func(http.ResponseWriter, *http.Request), an HTTP
// handler's, whose panics net/http recovers.
func isHandler(sig *types.Signature) bool {
	if sig == nil || sig.Params().Len() != 2 || sig.Results().Len() != 0 {
		return false
	}
	named := func(t types.Type, name string) bool {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		return ok && n.Obj().Name() == name && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http"
	}
	_, isPtr := sig.Params().At(1).Type().(*types.Pointer)
	return named(sig.Params().At(0).Type(), "ResponseWriter") && isPtr && named(sig.Params().At(1).Type(), "Request")
}

// isHook reports whether call calls a hook of the program: a value of func type (not a
// function or method declared anywhere), or a method of an interface declared in this
// package's module (approximated by its import path: the same repository).
func (a *analyzer) isHook(call *ast.CallExpr) bool {
	if tv, ok := a.info.Types[call.Fun]; !ok || tv.IsType() || tv.IsBuiltin() {
		return false
	}
	if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return false // called on the spot: its code is here
	}
	switch fn := typeutil.Callee(a.info, call).(type) {
	case *types.Func:
		recv := fn.Signature().Recv()
		if recv == nil || !types.IsInterface(recv.Type()) || fn.Pkg() == nil {
			return false // a static call
		}
		return sameRepo(fn.Pkg().Path(), a.pass.Pkg.Path())
	case *types.Var:
		return true // a func-typed variable, parameter or field
	case nil:
		_, isSig := a.info.TypeOf(call.Fun).Underlying().(*types.Signature)
		return isSig // f()(), m[k]()...
	}
	return false
}

// sameRepo reports whether import paths p and q are of one repository: their first three
// elements when the first names a host (github.com/owner/repo), else their first.
func sameRepo(p, q string) bool {
	root := func(path string) string {
		elems := strings.Split(path, "/")
		n := 1
		if strings.Contains(elems[0], ".") {
			n = 3
		}
		return strings.Join(elems[:min(n, len(elems))], "/")
	}
	return root(p) == root(q)
}

// A recovery is where the panics of a function are recovered: the chain of calls from
// the recovering function to it, and the recover call.
type recovery struct {
	chain string
	at    token.Pos
}

// recoveredBy returns where the package recovers the panics of f: f itself, or a
// function that calls it directly (statically, not in a go or defer statement), defers
// a function literal that calls recover. A recover in a _test.go file counts only for a
// function of a _test.go file: a test that recovers a panic on purpose says nothing of
// the program. Nil when none does.
func (a *analyzer) recoveredBy(f *model.Func) *recovery {
	for _, c := range append([]*model.Func{f}, a.locks.Callers(f)...) {
		if c.Test && !f.Test {
			continue
		}
		if at := a.deferredRecover(c); at.IsValid() {
			chain := f.Name()
			if c != f {
				chain = c.Name() + " → " + chain
			}
			return &recovery{chain: chain, at: at}
		}
	}
	return nil
}

// deferredRecover returns the position of a recover() called by a function literal
// that f defers (defer func() { ... recover() ... }()), or NoPos.
func (a *analyzer) deferredRecover(f *model.Func) token.Pos {
	at := token.NoPos
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit)
			if !ok {
				return false
			}
			ast.Inspect(lit.Body, func(m ast.Node) bool {
				if _, nested := m.(*ast.FuncLit); nested {
					return false
				}
				if call, ok := m.(*ast.CallExpr); ok && at == token.NoPos {
					if b, ok := typeutil.Callee(a.info, call).(*types.Builtin); ok && b.Name() == "recover" {
						at = call.Pos()
					}
				}
				return at == token.NoPos
			})
			return false
		}
		return at == token.NoPos
	})
	return at
}

// isPanic reports whether call is a call of the builtin panic.
func (a *analyzer) isPanic(call *ast.CallExpr) bool {
	b, ok := typeutil.Callee(a.info, call).(*types.Builtin)
	return ok && b.Name() == "panic"
}
