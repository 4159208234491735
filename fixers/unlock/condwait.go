package unlock

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A sync.Cond's Wait releases the cond's own lock L, not the other mutexes its caller
// holds: x.cond.Wait() with x.mu held, where L is another mutex of x (x.cond =
// sync.NewCond(&x.condMu)) and every Signal and Broadcast of the cond field locks x.mu
// on its way to the signal, waits for a signal that cannot come. The cond and the mutex
// must be fields of the same value, and L must be known from every assignment of the
// field in the package (v.cond = sync.NewCond(&v.f)); a Cond whose L is the held mutex
// releases it, and is no such wait.

// condBlockedBy returns the chain by which a signaller of the cond that w waits on
// locks m first, when every one does and the cond's lock is not m.
func (a *analyzer) condBlockedBy(w waiter, held kind, m target) (model.Chain, bool) {
	n := len(w.fields)
	owner, field := w.fields[:n-1], w.fields[n-1]
	if m.base != w.base || len(m.fields) <= len(owner) || !slices.Equal(m.fields[:len(owner)], owner) {
		return model.Chain{}, false // not a mutex of the cond's value
	}
	rel := m.fields[len(owner):] // the mutex, from the value that holds both
	l, ok := a.condLock(field)
	if !ok || slices.Equal(l, rel) {
		return model.Chain{}, false // Wait releases the held mutex, or L is not known
	}
	var found model.Chain
	for _, cur := range a.signals() {
		call := cur.Node().(*ast.CallExpr)
		sel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		base, fields, ok := a.m.MutexPath(sel.X)
		if !ok || len(fields) != n || fields[n-1] != field {
			continue // another cond
		}
		g := a.m.Enclosing(cur)
		if g == nil || !slices.Equal(fields, w.fields) {
			return model.Chain{}, false
		}
		t := target{base, append(slices.Clip(fields[:n-1]), rel...)}
		chain, ok := a.locksIn(g, t, held, reachesOp(g, cur))
		if !ok {
			return model.Chain{}, false // this signal may come
		}
		if found.Op == nil {
			found = chain
		}
	}
	return found, found.Op != nil
}

// condLock returns the path, from the value that holds cond field f, of the mutex that
// every assignment of f in the package gives the cond as its L (v.cond =
// sync.NewCond(&v.mu)), or false when one is another shape or there is none.
func (a *analyzer) condLock(f *types.Var) ([]*types.Var, bool) {
	var l []*types.Var
	found := false
	for cur := range a.m.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.CompositeLit)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && a.info.Uses[id] == types.Object(f) {
						return nil, false // set in a literal: the value's own mutex cannot be named there
					}
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				base, fields, ok := a.m.MutexPath(lhs)
				if !ok || len(fields) == 0 {
					continue
				}
				if fields[len(fields)-1].Name() == "L" && len(fields) >= 2 && fields[len(fields)-2] == f {
					return nil, false // the cond's L is set apart
				}
				if fields[len(fields)-1] != f {
					continue
				}
				if len(n.Lhs) != len(n.Rhs) {
					return nil, false
				}
				rel, ok := a.newCondOf(n.Rhs[i], base, fields[:len(fields)-1])
				if !ok || found && !slices.Equal(rel, l) {
					return nil, false
				}
				l, found = rel, true
			}
		}
	}
	return l, found
}

// newCondOf returns the path from (base, owner) of the mutex that e, a call
// sync.NewCond(&base.owner....mu), gives the cond.
func (a *analyzer) newCondOf(e ast.Expr, base *types.Var, owner []*types.Var) ([]*types.Var, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil, false
	}
	fn, ok := typeutil.Callee(a.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" || fn.Name() != "NewCond" {
		return nil, false
	}
	u, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return nil, false
	}
	b, fields, ok := a.m.MutexPath(u.X)
	if !ok || b != base || len(fields) <= len(owner) || !slices.Equal(fields[:len(owner)], owner) {
		return nil, false
	}
	return fields[len(owner):], true
}

// signals returns the package's calls of sync.Cond's Signal and Broadcast.
func (a *analyzer) signals() []inspector.Cursor {
	var out []inspector.Cursor
	for _, cur := range a.m.Calls {
		fn, ok := typeutil.Callee(a.info, cur.Node().(*ast.CallExpr)).(*types.Func)
		if ok && (model.IsMethod(fn, "sync", "Cond", "Signal") || model.IsMethod(fn, "sync", "Cond", "Broadcast")) {
			out = append(out, cur)
		}
	}
	return out
}
