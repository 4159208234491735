package lostcancel

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/types/typeutil"
)

// The refusals of the release fix (release, fields.go): what could make a call of the
// kept cancel when the end-of-life method returns race with a write of the field, end
// a later run of the owner, or cut short work that goes on after the method returns.

// racyField returns why the release would race with a write of k's field, or "": a field
// assigned by a goroutine, or by a function that takes a lock (the release, reading it
// without the lock, would race with it).
func (a *analyzer) racyField(k *kept) string {
	var fns []*model.Func
	for _, s := range k.stores {
		if f := a.m.Enclosing(s); f != nil {
			fns = append(fns, f)
		}
	}
	for _, d := range k.ds {
		if d.Func != nil {
			fns = append(fns, d.Func)
		}
	}
	for _, f := range fns {
		for g := f; g != nil; g = g.Outer {
			if g.IsGoroutine() {
				return fmt.Sprintf("%s is assigned by a goroutine", k.name())
			}
		}
		if a.locks(f.Root()) {
			return fmt.Sprintf("%s is assigned where a lock is taken, which the release would not hold", k.name())
		}
	}
	return ""
}

// restarted returns why the owner may run again under the kept context after its end of
// life, or "": a method of the owner other than the end-of-life one, which derives none
// of k's contexts, starts goroutines and refers to a context field of the owner (a Start
// that may run again after Stop under the context the constructor made: consul#6115's
// Replicator was restarted that way). Cancelling at the end of life would end the next
// run at its start.
func (a *analyzer) restarted(k *kept, end lifeEnd) string {
	info := a.pass.TypesInfo
	derives := make(map[*model.Func]bool)
	for _, d := range k.ds {
		if d.Func != nil {
			derives[d.Func.Root()] = true
		}
	}
	for i := range k.owner.NumMethods() {
		m := k.owner.Method(i)
		f := a.m.Decl(m)
		if f == nil || f == end.fn || derives[f] {
			continue
		}
		goes, ctxField := false, false
		ast.Inspect(f.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				goes = true
			case *ast.SelectorExpr:
				if s := info.Selections[n]; s != nil && s.Kind() == types.FieldVal && model.IsContext(s.Obj().Type()) && a.localStruct(s.Recv()) == k.owner {
					ctxField = true
				}
			}
			return true
		})
		if goes && ctxField {
			name := k.owner.Obj().Name()
			return fmt.Sprintf("%s.%s starts goroutines under %s's context, and may run again after %s", name, m.Name(), name, end.name)
		}
	}
	return ""
}

// cutShort returns why releasing the context when end's method returns could cut short
// work that a goroutine does under a context after the method signals it, or "": the
// method (or what it calls) closes or sends on a channel field, does not itself wait
// (a receive, a WaitGroup's Wait), and a goroutine of the package ranges over that
// channel, or receives from it (a statement, or a select case) and then refers to a
// context in the rest of its block (a flusher that drains under the context after Close).
func (a *analyzer) cutShort(k *kept, end lifeEnd) string {
	info := a.pass.TypesInfo
	r := a.reach(end.fn)
	if r == nil {
		return "" // checkOwner would have been silent; reportKept's own limit
	}
	chanField := func(e ast.Expr) *types.Var {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
			return s.Obj().(*types.Var).Origin()
		}
		return nil
	}
	signals := make(map[*types.Var]bool)
	for f := range r.funcs {
		ast.Inspect(f.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SendStmt:
				if v := chanField(n.Chan); v != nil {
					signals[v] = true
				}
			case *ast.CallExpr:
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
					if _, ok := info.Uses[id].(*types.Builtin); ok && id.Name == "close" {
						if v := chanField(n.Args[0]); v != nil {
							signals[v] = true
						}
					}
				}
			}
			return true
		})
	}
	if len(signals) == 0 {
		return ""
	}
	waits := false
	ast.Inspect(end.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			waits = waits || n.Op == token.ARROW
		case *ast.CallExpr:
			waits = waits || isWaitGroupWait(typeutil.Callee(info, n))
		}
		return !waits
	})
	if waits {
		return ""
	}
	usesCtx := func(nodes ...ast.Node) bool {
		found := false
		for _, n := range nodes {
			ast.Inspect(n, func(n ast.Node) bool {
				if e, ok := n.(ast.Expr); ok && !found {
					if tv, ok := info.Types[e]; ok && tv.IsValue() && model.IsContext(tv.Type) {
						found = true
					}
				}
				return !found
			})
		}
		return found
	}
	signalled := func(st ast.Stmt) bool { // st receives from a signal channel
		var x ast.Expr
		switch st := st.(type) {
		case *ast.ExprStmt:
			x = st.X
		case *ast.AssignStmt:
			if len(st.Rhs) == 1 {
				x = st.Rhs[0]
			}
		}
		u, ok := ast.Unparen(x).(*ast.UnaryExpr)
		return ok && u.Op == token.ARROW && signals[chanField(u.X)]
	}
	for _, g := range a.m.Gos {
		if g.Runs == nil {
			continue
		}
		cut := false
		ast.Inspect(g.Runs.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.RangeStmt:
				cut = cut || signals[chanField(n.X)] && usesCtx(n.Body)
			case *ast.CommClause:
				if n.Comm != nil && signalled(n.Comm) {
					for _, st := range n.Body {
						cut = cut || usesCtx(st)
					}
				}
			case *ast.BlockStmt:
				for i, st := range n.List {
					if signalled(st) {
						for _, after := range n.List[i+1:] {
							cut = cut || usesCtx(after)
						}
					}
				}
			}
			return !cut
		})
		if cut {
			return fmt.Sprintf("a goroutine works under a context after %s.%s signals it, which the release could cut short", k.owner.Obj().Name(), end.name)
		}
	}
	return ""
}

// locks reports whether f's body (its literals included) locks a sync.Mutex or RWMutex.
func (a *analyzer) locks(f *model.Func) bool {
	found := false
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if fn, ok := typeutil.Callee(a.pass.TypesInfo, call).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "sync" &&
				(fn.Name() == "Lock" || fn.Name() == "RLock") {
				found = true
			}
		}
		return !found
	})
	return found
}
