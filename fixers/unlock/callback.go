package unlock

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
)

// A callback site is a call, in a caller of f, that passes a function literal for a
// parameter of func type that f calls while it holds a mutex (c.Range(func(k, v string)
// { ... c.Delete(k) ... }) for a Range that calls fn under c.mu.RLock).
type callbackSite struct {
	call  *ast.CallExpr
	chain model.Chain
	mutex string // the mutex as the caller names it
}

// relockThroughParam returns the calls of f, in its callers in the package, whose
// literal for the parameter that call (in f) calls locks mutex t of f again: Range holds
// c.mu while it calls fn, and the caller's fn deletes through c.Delete
// (mhmtszr/concurrent-swiss-map#8; ethereum/go-ethereum#31700 is the same through a
// stop callback). The mutex is the same in the caller when it is a package-level
// variable, or the fields t selects on f's receiver, called on a variable of the caller
// (c.Range(...) for c.mu), which the literal captures. A parameter that f assigns, and
// arguments other than literals, are not followed.
func (a *analyzer) relockThroughParam(f *model.Func, call *ast.CallExpr, t target, global bool, name string) []callbackSite {
	i, ok := a.calledParam(f, call)
	if !ok {
		return nil
	}
	var out []callbackSite
	for _, caller := range a.locks.Callers(f) {
		for _, cs := range a.locks.CallSites(caller) {
			if cs.Callee != f || cs.Go || cs.Defer || cs.Call.Ellipsis.IsValid() || i >= len(cs.Call.Args) {
				continue
			}
			lit, ok := ast.Unparen(cs.Call.Args[i]).(*ast.FuncLit)
			if !ok {
				continue
			}
			lf := a.m.FuncOf(lit)
			if lf == nil {
				continue
			}
			next, mutex := t, name
			if !global {
				if next, mutex, ok = a.onCaller(cs.Call, f, t, name); !ok {
					continue
				}
			}
			if chain, ok := a.relockChain(lf, next, global, make(map[*model.Func]bool), []*model.Func{f}); ok {
				out = append(out, callbackSite{cs.Call, chain, mutex})
			}
		}
	}
	return out
}

// calledParam returns the index of the parameter of func type of f, a declared
// function, that call calls (fn(k, v)), when f never assigns it.
func (a *analyzer) calledParam(f *model.Func, call *ast.CallExpr) (int, bool) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || f.Obj == nil || f.Sig == nil {
		return 0, false
	}
	v, ok := a.info.Uses[id].(*types.Var)
	if !ok {
		return 0, false
	}
	params := f.Sig.Params()
	for i := range params.Len() {
		if params.At(i) != v {
			continue
		}
		if f.Sig.Variadic() && i == params.Len()-1 || a.assignsVar(f.Body, v) {
			return 0, false
		}
		return i, true
	}
	return 0, false
}

// assignsVar reports whether body assigns v or takes its address.
func (a *analyzer) assignsVar(body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok && a.info.Uses[id] == v {
					found = true
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && a.info.Uses[id] == v {
				found = true
			}
		}
		return !found
	})
	return found
}

// onCaller returns mutex t of f, whose base is f's receiver, as the caller of call sees
// it: the same fields of the variable the method is called on (c.Range(...) for c.mu),
// and its name there (name is f's). It is the inverse of through.
func (a *analyzer) onCaller(call *ast.CallExpr, f *model.Func, t target, name string) (target, string, bool) {
	if f.Sig.Recv() == nil || f.Sig.Recv().Origin() != t.base {
		return target{}, "", false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return target{}, "", false
	}
	if s := a.info.Selections[sel]; s == nil || s.Kind() != types.MethodVal || len(s.Index()) != 1 {
		return target{}, "", false
	}
	base, fields, ok := a.m.MutexPath(sel.X)
	if !ok || len(fields) != 0 {
		return target{}, "", false
	}
	if rest, ok := strings.CutPrefix(name, t.base.Name()); ok && (rest == "" || rest[0] == '.') {
		name = types.ExprString(sel.X) + rest
	}
	return target{base, t.fields}, name, true
}
