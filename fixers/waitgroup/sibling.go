package waitgroup

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// addBesideWait reports wg.Add run in a goroutine that wg does not count, concurrently
// with wg.Wait in another (kubernetes-sigs/controller-runtime#1442, etcd-io/etcd#6534):
// sync's documentation requires that an Add with a positive delta made when the counter
// is zero happen before Wait.
//
// The WaitGroup is a sync.WaitGroup field of a struct type of the package (any value of
// that type: s.wg and t.wg are the same class) or a package-level variable. The Add, with
// a delta that is not a constant ≤ 0, is in a function F that runs only in goroutines
// (goroutineRoots): F is started by go statements, or called statically only from
// functions that are, transitively; every function of that chain is unexported, a
// method no interface of the package names, never used as a value, and calls no Done on
// the class in its own body (else the goroutine counts itself: addInGoroutine's case).
// One go statement rooting the chain must be uncounted: no Add on the class before it in
// its function. No mutex is held at the Add (the model's held locks, in F); a mutex held
// at a call of the chain is an order only when the Wait's function also takes one of its
// class. The chain's functions (and the functions of the package they call) signal
// nothing the Wait's side could wait for: no send, no close, no Done on another
// WaitGroup. The Wait is in a function outside the chain (nor in a literal of it), and
// its side (with the functions that contain it and those they call) sends on no
// channel that the chain receives from (handsOff).
//
// It is reported only: whether to count the outer goroutine or to order the Add before
// Wait by a lock and a stopping flag is its author's choice.
func (c *checker) addBesideWait() {
	byClass := make(map[types.Object]*classCalls)
	var order []types.Object
	for _, cur := range c.m.Calls {
		w, ok := c.wgMethod(cur.Node().(*ast.CallExpr))
		if !ok || !w.key.ok() {
			continue
		}
		k := c.wgClass(w.key)
		if k == nil {
			continue
		}
		cc := byClass[k]
		if cc == nil {
			cc = new(classCalls)
			byClass[k] = cc
			order = append(order, k)
		}
		at := wgAt{w: w, cur: cur, fn: c.m.Enclosing(cur)}
		if at.fn == nil {
			continue
		}
		switch w.method {
		case "Add":
			cc.adds = append(cc.adds, at)
		case "Wait":
			cc.waits = append(cc.waits, at)
		case "Done":
			cc.dones = append(cc.dones, at)
		}
	}
	for _, k := range order {
		cc := byClass[k]
		if len(cc.waits) == 0 {
			continue
		}
		for _, a := range cc.adds {
			c.checkAddBesideWait(cc, a)
		}
	}
}

// classCalls are the calls of Add, Wait and Done on one class of WaitGroups.
type classCalls struct {
	adds, waits, dones []wgAt
}

// wgAt is a WaitGroup call with its cursor and the innermost function that makes it.
type wgAt struct {
	w   wgCall
	cur inspector.Cursor
	fn  *model.Func
}

// wgClass returns the class of the WaitGroup key denotes: its last field, when that is a
// sync.WaitGroup field of a struct type of the package, or a package-level
// sync.WaitGroup variable; nil otherwise.
func (c *checker) wgClass(key ref) types.Object {
	if n := len(key.fields); n > 0 {
		f := key.fields[n-1]
		if isWG(f.Type()) && f.Pkg() == c.pass.Pkg {
			return f
		}
		return nil
	}
	if v := key.base; isWG(v.Type()) && v.Pkg() == c.pass.Pkg && v.Parent() == c.pass.Pkg.Scope() {
		return v
	}
	return nil
}

func (c *checker) checkAddBesideWait(cc *classCalls, a wgAt) {
	if c.reported[a.w.call.Pos()] || len(a.w.call.Args) != 1 {
		return
	}
	if v := c.info.Types[a.w.call.Args[0]].Value; v != nil && !positive(v) {
		return
	}
	rw := &rootWalk{chain: make(map[*model.Func]bool)}
	if !c.goroutineRoots(a.fn, rw, 0) || len(rw.roots) == 0 {
		return
	}
	for _, d := range cc.dones {
		if rw.chain[d.fn] {
			return // the goroutine counts itself
		}
	}
	var root *model.Go
	for _, g := range rw.roots {
		if !c.rootCounted(g, cc) {
			root = g
			break
		}
	}
	if root == nil {
		return
	}
	sh := c.m.Shared()
	if len(sh.HeldAt(a.fn, a.cur)) > 0 {
		return
	}
	held := make(map[types.Object]bool) // classes of the mutexes held at calls of the chain
	for _, s := range rw.sites {
		for _, l := range sh.HeldAt(s.caller, s.cur) {
			if l.Op != nil && l.Op.Class != nil {
				held[l.Op.Class] = true
			} else {
				return // a mutex the model cannot name, or a channel used as a lock
			}
		}
	}
	seen := make(map[*model.Func]bool)
	for f := range rw.chain {
		if c.signals(f, seen, 0) {
			return
		}
	}
	for _, w := range cc.waits {
		if c.inChain(w.fn, rw.chain) {
			continue
		}
		if len(held) > 0 && c.takesClass(w.fn, held) {
			continue
		}
		if c.handsOff(w.fn, rw.chain) {
			continue
		}
		name, wname := types.ExprString(a.w.recv), types.ExprString(w.w.recv)
		gp := c.pass.Fset.Position(root.Stmt.Pos())
		d := analysis.Diagnostic{
			Pos: a.w.call.Pos(),
			End: a.w.call.End(),
			Message: fmt.Sprintf("%s.Add in %s runs in the goroutine started at %s:%d, which %s does not count, and may race with %s.Wait in %s: an Add when the counter is zero must happen before Wait",
				name, a.fn.Name(), filepath.Base(gp.Filename), gp.Line, name, wname, w.fn.Root().Name()),
			Related: []analysis.RelatedInformation{
				{Pos: root.Stmt.Pos(), Message: "the goroutine not counted"},
				{Pos: w.w.call.Pos(), Message: "the Wait"},
			},
		}
		c.reportFix(d, "count that goroutine before its go statement, or make the Add under a lock that the Wait's side takes, with a stopping flag, before it waits", "", nil)
		return
	}
}

// rootWalk collects what goroutineRoots finds: the functions of the chain, the go
// statements that root it, and the static calls inside it.
type rootWalk struct {
	chain map[*model.Func]bool
	roots []*model.Go
	sites []chainCall
}

// chainCall is a static call of a chain function, in its caller.
type chainCall struct {
	caller *model.Func
	cur    inspector.Cursor
}

// maxChain bounds the depth of the calls followed back to a go statement.
const maxChain = 8

// goroutineRoots reports whether f runs only in goroutines: it is a literal started by a
// go statement, or called or deferred where it is written in a function that does; or a
// declared function every reference to which is a go statement or a static call from
// such a function, which no other package can call (unexported, and for a method, not a
// method an interface of the package names).
func (c *checker) goroutineRoots(f *model.Func, rw *rootWalk, depth int) bool {
	if rw.chain[f] {
		return true // a cycle: its other paths decide
	}
	if depth > maxChain {
		return false
	}
	rw.chain[f] = true
	if f.Obj == nil {
		if len(f.Started) > 0 {
			rw.roots = append(rw.roots, f.Started...)
			return true
		}
		cur := f.Cursor
		if f.Outer != nil && cur.ParentEdgeKind() == edge.CallExpr_Fun &&
			(f.Called || cur.Parent().ParentEdgeKind() == edge.DeferStmt_Call) {
			rw.sites = append(rw.sites, chainCall{caller: f.Outer, cur: cur.Parent()})
			return c.goroutineRoots(f.Outer, rw, depth+1)
		}
		return false
	}
	if f.Obj.Exported() || !c.local(f.Obj) || f.Refs == 0 {
		return false
	}
	sites := c.callSitesOf()[f]
	if len(sites) != f.Refs {
		return false // used as a value
	}
	for _, s := range sites {
		if s.ParentEdgeKind() == edge.GoStmt_Call {
			g := c.goOf[s.Parent().Node().(*ast.GoStmt)]
			if g == nil {
				return false
			}
			rw.roots = append(rw.roots, g)
			continue
		}
		caller := c.m.Enclosing(s)
		if caller == nil {
			return false
		}
		rw.sites = append(rw.sites, chainCall{caller: caller, cur: s})
		if !c.goroutineRoots(caller, rw, depth+1) {
			return false
		}
	}
	return true
}

// callSitesOf returns the static calls of each function of the package (go statements'
// calls included), computed once.
func (c *checker) callSitesOf() map[*model.Func][]inspector.Cursor {
	if c.callSites == nil {
		c.callSites = make(map[*model.Func][]inspector.Cursor)
		for _, cur := range c.m.Calls {
			if f := c.m.Decl(typeutil.StaticCallee(c.info, cur.Node().(*ast.CallExpr))); f != nil {
				c.callSites[f] = append(c.callSites[f], cur)
			}
		}
	}
	return c.callSites
}

// rootCounted reports whether an Add on the class comes before go statement g in the
// function that runs it (outside its nested literals): the goroutine holds a count.
func (c *checker) rootCounted(g *model.Go, cc *classCalls) bool {
	for _, a := range cc.adds {
		if a.fn == g.In && a.w.call.Pos() < g.Stmt.Pos() {
			return true
		}
	}
	return false
}

// inChain reports whether f, or a function that contains it, is in the chain.
func (c *checker) inChain(f *model.Func, chain map[*model.Func]bool) bool {
	for ; f != nil; f = f.Outer {
		if chain[f] {
			return true
		}
	}
	return false
}

// takesClass reports whether f, the function that contains it, or a function of the
// package they call, acquires a mutex of one of the classes.
func (c *checker) takesClass(f *model.Func, classes map[types.Object]bool) bool {
	for ; f != nil; f = f.Outer {
		if _, ok := c.m.Locks().Reaches(f, func(op *model.LockOp) bool {
			return op.Method.Acquires() && op.Class != nil && classes[op.Class]
		}); ok {
			return true
		}
	}
	return false
}

// signals reports whether f (with its literals, other than those go statements start)
// or a function of the package it calls sends on a channel, closes one, or calls Done
// on a WaitGroup: a signal that the Wait's side may wait for before it waits.
func (c *checker) signals(f *model.Func, seen map[*model.Func]bool, depth int) bool {
	if seen[f] || depth > maxChain {
		return false
	}
	seen[f] = true
	found := false
	inspectBody(f.Body, true, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			return false
		case *ast.SendStmt:
			found = true
		case *ast.CallExpr:
			if w, ok := c.wgMethod(n); ok {
				found = w.method == "Done"
				break
			}
			if b, ok := c.info.Uses[identOf(n.Fun)].(*types.Builtin); ok && b.Name() == "close" {
				found = true
				break
			}
			if g := c.m.Decl(typeutil.StaticCallee(c.info, n)); g != nil && c.signals(g, seen, depth+1) {
				found = true
			}
		}
		return !found
	})
	return found
}

// handsOff reports whether the Wait's side (the function f that waits, the functions
// that contain it, and the package's functions they call) sends on a channel that a
// function of the chain receives from: a stop request the chain may take before it
// stops adding (robfig/cron's Stop sends on c.stop, then waits for the jobs that run's
// loop started), which orders the last Add before the Wait.
func (c *checker) handsOff(f *model.Func, chain map[*model.Func]bool) bool {
	side := make(map[*model.Func]bool)
	var walk func(g *model.Func, depth int)
	walk = func(g *model.Func, depth int) {
		if side[g] || depth > maxChain {
			return
		}
		side[g] = true
		for _, h := range c.m.Locks().Calls(g) {
			walk(h, depth+1)
		}
	}
	for g := f; g != nil; g = g.Outer {
		walk(g, 0)
	}
	cs := c.m.Chans()
	recv, send := make(map[*model.Chan]bool), make(map[*model.Chan]bool)
	for _, op := range cs.Ops {
		ch := cs.Of(op.Ch)
		if ch == nil || ch.Done {
			continue
		}
		switch {
		case (op.Kind == model.Recv || op.Kind == model.Range) && c.inChain(op.Func, chain):
			recv[ch] = true
		case op.Kind == model.Send && c.onSide(op.Func, side):
			send[ch] = true
		}
	}
	for ch := range recv {
		if send[ch] {
			return true
		}
	}
	return false
}

// onSide reports whether f, or a literal of it that no go statement starts, is one of
// the functions of side.
func (c *checker) onSide(f *model.Func, side map[*model.Func]bool) bool {
	for ; f != nil; f = f.Outer {
		if side[f] {
			return true
		}
		if len(f.Started) > 0 {
			return false
		}
	}
	return false
}
