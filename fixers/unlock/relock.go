package unlock

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Re-locking (issue 13, class 2), reported without a fix: a function that holds a mutex
// on every path to a call of a function of the package that locks the same mutex again,
// directly or through the package's calls; or a lock statement of its own that finds the
// mutex held on every path. Under Lock, a second Lock or RLock deadlocks; under RLock, a
// Lock (an upgrade) deadlocks, and a second RLock deadlocks as soon as a writer waits
// between the two (sync.RWMutex prefers writers), which matters only when the package
// write-locks the mutex somewhere. The finding names the chain: "Get → refresh →
// c.mu.Lock".
//
// The same mutex across calls: a package-level variable (and its fields) is the same
// everywhere; a mutex reached from a variable (c.mu) is the same in a method called on
// that variable (c.refresh()), through its receiver, step by step. A function on the
// chain whose first operation on the mutex (in source order) is a release expects it
// held and juggles it (Unlock, a callback, Lock): it ends the search; one that locks
// first and releases later is a critical section of its own, as much a re-lock as one
// that defers. The lock that ends the chain must be a statement of its function's body,
// not under a condition (a "locked" flag, say). A call of a func-typed field of the
// mutex's variable (c.onEvent(...), or fn := c.onEvent; fn(...)) is followed into the
// literals that the package stores in that field through a variable (v.onEvent =
// func...), where the mutex is the same fields of v (funcvalue.go). A call of a
// parameter of func type is followed into the literals that the callers of the function
// pass for it, and reported at the caller (callback.go).

const relockWhy = "where to release it, or which variant expects it held, is a design decision"

// relocks reports the re-locks of the mutex of o (one of u's lock operations) that u
// makes while it holds it, as the dataflow result r says.
func (a *analyzer) relocks(u *unit, o *op, r *result) {
	if len(r.in) == 0 {
		return
	}
	base, fields, ok := a.path(o)
	if !ok {
		return
	}
	global := base.Parent() != nil && base.Parent() == base.Pkg().Scope()
	name := types.ExprString(o.sel.X)
	seen := make(map[ast.Node]bool)
	report := func(at ast.Node, held kind, chain model.Chain, recv string) {
		if seen[at] {
			return
		}
		seen[at] = true
		var msg string
		switch {
		case held == kWrite:
			msg = fmt.Sprintf("%s is locked again while held: %s deadlocks", recv, chain)
		case chain.Op.Method == model.Lock:
			msg = fmt.Sprintf("%s is locked for writing while its read lock is held: %s deadlocks", recv, chain)
		case a.writeLocked(o.class):
			msg = fmt.Sprintf("%s is read-locked again while its read lock is held: %s deadlocks when a writer waits in between", recv, chain)
		default:
			return // no writer: recursive read locks do not block
		}
		d := analysis.Diagnostic{Pos: at.Pos(), End: at.End(), Message: msg}
		fixkit.Refuse(a.pass, d, d.Pos, relockWhy)
	}
	a.eachNode(u, o.key, r, func(n ast.Node, cur mask) {
		held, ok := heldFor(cur)
		if !ok {
			return
		}
		// A lock statement of u's own, on the same mutex; not in a test, where a second
		// lock is how a test makes a goroutine block (sync's and runtime/pprof's tests do).
		if lo := u.opAt[n]; lo != nil && lo.key == o.key && lo.lock && !lo.deferred && !u.f.Test {
			chain := model.Chain{Funcs: []*model.Func{u.f}, Op: a.locks.Op(lo.call)}
			report(lo.call, held, chain, name)
		}
		for _, call := range callsIn(n) {
			callee := a.m.Decl(typeutil.StaticCallee(a.info, call))
			if callee == nil {
				if chain, ok := a.relockThroughField(u.f, call, target{base, fields}, global); ok {
					report(call, held, chain, name)
				}
				for _, cb := range a.relockThroughParam(u.f, call, target{base, fields}, global, name) {
					report(cb.call, held, cb.chain, cb.mutex)
				}
				continue
			}
			t := target{base, fields}
			if !global {
				var ok bool
				if t, ok = a.through(call, callee, t); !ok {
					continue
				}
			}
			if chain, ok := a.relockChain(callee, t, global, make(map[*model.Func]bool), []*model.Func{u.f}); ok {
				report(call, held, chain, name)
			}
		}
	})
}

// A target is a mutex as a path from a variable, in the function being searched.
type target struct {
	base   *types.Var
	fields []*types.Var
}

// relockChain returns the chain of calls from f (path holds the functions before it) to
// a lock statement of f's body, or of the functions it calls, on mutex t.
func (a *analyzer) relockChain(f *model.Func, t target, global bool, seen map[*model.Func]bool, path []*model.Func) (model.Chain, bool) {
	if seen[f] {
		return model.Chain{}, false
	}
	seen[f] = true
	path = append(slices.Clip(path), f)
	key := model.PathKey(t.base, t.fields)
	ops := a.locks.Of(f)
	for _, lo := range ops {
		if lo.Key == key && !lo.Deferred {
			if lo.Method.Releases() {
				return model.Chain{}, false // it releases the mutex it is given held
			}
			break // it takes the mutex first: a critical section of its own
		}
	}
	for _, lo := range ops {
		if lo.Key == key && lo.Method.Acquires() && lo.Stmt != nil && !lo.Deferred && lo.Cursor.Parent().Parent().Node() == f.Body {
			return model.Chain{Funcs: path, Op: lo}, true
		}
	}
	for _, cs := range a.locks.CallSites(f) {
		if cs.Go {
			continue
		}
		next := t
		if !global {
			var ok bool
			if next, ok = a.through(cs.Call, cs.Callee, t); !ok {
				continue
			}
		}
		if ch, ok := a.relockChain(cs.Callee, next, global, seen, path); ok {
			return ch, true
		}
	}
	return model.Chain{}, false
}

// through returns the mutex t as the callee of call sees it: call is a method call on
// t's variable itself (c.refresh() for c.mu), and the mutex is the same fields of the
// callee's receiver.
func (a *analyzer) through(call *ast.CallExpr, callee *model.Func, t target) (target, bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return target{}, false
	}
	s := a.info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal || len(s.Index()) != 1 {
		return target{}, false
	}
	base, fields, ok := a.m.MutexPath(sel.X)
	if !ok || base != t.base || len(fields) != 0 || callee.Sig == nil || callee.Sig.Recv() == nil {
		return target{}, false
	}
	rv := callee.Sig.Recv()
	if rv.Name() == "" || rv.Name() == "_" {
		return target{}, false
	}
	return target{rv.Origin(), t.fields}, true
}

// path returns the variable and fields of o's mutex.
func (a *analyzer) path(o *op) (*types.Var, []*types.Var, bool) {
	base, fields, ok := a.m.MutexPath(o.sel.X)
	if !ok {
		return nil, nil, false
	}
	idx := o.method.Index()
	return base, append(fields, model.EmbeddedFields(o.method.Recv(), idx[:len(idx)-1])...), true
}

// writeLocked reports whether the package calls Lock on a mutex of class c.
func (a *analyzer) writeLocked(c types.Object) bool {
	if c == nil {
		return true // unknown: assume a writer
	}
	for _, lo := range a.locks.Ops {
		if lo.Class == c && lo.Method == model.Lock {
			return true
		}
	}
	return false
}

// heldFor returns how the mutex is held in every state of m, when it is held in all.
func heldFor(m mask) (kind, bool) {
	var k kind
	ok := m != 0
	m.states(func(s state) {
		if s.held() == kNone || (k != kNone && s.held() != k) {
			ok = false
		}
		k = s.held()
	})
	return k, ok
}

// callsIn returns the calls that evaluating CFG node n makes where it is: not those of
// function literals, nor the call a go or defer statement starts (its arguments are
// evaluated here, but a deferred call runs at the exit, in another state).
func callsIn(n ast.Node) []*ast.CallExpr {
	var out []*ast.CallExpr
	var skip *ast.CallExpr
	switch s := n.(type) {
	case *ast.GoStmt:
		skip = s.Call
	case *ast.DeferStmt:
		return nil
	}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if m != skip {
				out = append(out, m)
			}
		}
		return true
	})
	return out
}
