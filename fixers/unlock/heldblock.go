package unlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Held while blocking (issue 13, class 3), reported without a fix: a function that holds
// a mutex on every path to an operation that waits for another goroutine, when that
// goroutine locks the same mutex before it can end the wait:
//
//   - wg.Wait(), and a goroutine counted by wg locks the mutex on a path to its
//     wg.Done() (any path, when the Done is deferred): Wait needs every Done; the same
//     for a goroutine that wg.Go, or an errgroup.Group's Go for g.Wait(), starts on the
//     same group, which locks the mutex anywhere (its end is its Done);
//   - a send on a channel (a buffered one blocks once it is full, unless the function
//     makes it and one run cannot fill it, or a flag gates the send), and every receive of the channel in the package
//     is in a goroutine that locks the mutex on a path to the receive (the other case of
//     its select, the handler of the previous message);
//   - a receive (or a range), and every send and close of the channel is in a goroutine
//     that locks the mutex on a path to it;
//   - a sync.Cond's Wait, whose L is another mutex, and every Signal and Broadcast of the
//     cond locks the mutex on a path to it (condwait.go).
//
// The goroutine blocks in its Lock, the function blocks in its wait, and neither lets
// the other go. Under RLock, only a Lock of the other side blocks it. The operation must
// not be a case of a select (another case may be ready) and the channel must not escape
// the package (another package may be the other side).
//
// The same mutex, WaitGroup or channel in the other goroutine: a package-level variable
// is the same everywhere; a variable of the function is the same in a function literal
// it contains; the receiver of a method is the same as the receiver of a method of the
// same type, or of a literal in one (Stop and the loop that Start runs, both on s), when
// every go statement that starts that method calls it on its own function's receiver or
// on a value that function builds (a constructor's &T{}). Each path from that variable
// must then select the same fields (s.mu, s.wg, s.events). A receive from a buffered
// channel whose sender sends under the same lock is a protocol the lock orders.
//
// Where the fix lies (release the mutex first, buffer the channel, let the goroutine
// take the lock with TryLock) depends on what the critical section must cover, and
// releasing it early lets other callers in while the wait lasts (a second Stop would
// return before the goroutines end): the finding is reported without a fix.

const heldBlockWhy = "releasing it first lets other callers in while this one waits, and buffering or restructuring is a design decision"

// lockedOnlyInGoroutines reports whether every lock method of mutex key that u selects
// outside its own lock statements is called in a function literal that a go statement
// starts, which takes the mutex before it releases it: the held-locks dataflow of u
// stays exact, since those run elsewhere. A goroutine that first releases it takes over
// the lock u holds.
func (a *analyzer) lockedOnlyInGoroutines(u *unit, key string) bool {
	first := make(map[*model.Func]bool) // functions whose first operation on key was seen
	for _, lo := range a.locks.Ops {
		if lo.Key != key || !inNode(u.f.Node, lo.Call.Pos()) {
			continue
		}
		if !lo.Method.Acquires() && !lo.Method.Releases() {
			return false // TryLock, RLocker
		}
		if lo.Func != u.f && !inGoroutine(lo.Func, u.f) {
			return false
		}
		if lo.Func != u.f && lo.Method.Releases() && !first[lo.Func] {
			return false // the goroutine releases what u holds: a hand-over (runtime/pprof's blockMutex)
		}
		first[lo.Func] = true
	}
	for cur := range u.cur.Preorder((*ast.SelectorExpr)(nil)) {
		if _, ok := model.MutexMethod(a.info.Selections[cur.Node().(*ast.SelectorExpr)]); ok {
			if call, ok := cur.Parent().Node().(*ast.CallExpr); !ok || ast.Unparen(call.Fun) != cur.Node() {
				return false // a method value
			}
		}
	}
	return true
}

// inGoroutine reports whether literal f, nested in outer, is or is inside a literal
// that a go statement starts.
func inGoroutine(f, outer *model.Func) bool {
	for ; f != nil && f != outer; f = f.Outer {
		if f.IsGoroutine() {
			return true
		}
	}
	return false
}

// A waiter is an operation that blocks until another goroutine acts: a Wait of a
// sync.WaitGroup or an errgroup.Group (class nil), or a send or receive on a channel of
// class.
type waiter struct {
	node   ast.Node // the CFG node's part that blocks: the Wait call, the send, the receive
	what   string   // how the message names it
	class  *model.Chan
	group  model.SpawnKind // for a Wait: the spawns it joins (WaitGroupGo for a WaitGroup, ErrGroupGo)
	cond   bool            // a sync.Cond's Wait (condwait.go)
	send   bool
	base   *types.Var // the group's or the channel's path
	fields []*types.Var
}

// heldBlocks reports the operations that wait, while u holds the mutex of o, for a
// goroutine that needs that mutex first.
func (a *analyzer) heldBlocks(u *unit, o *op, r *result) {
	if len(r.in) == 0 || len(a.m.Gos) == 0 && len(a.m.Calls) == 0 {
		return
	}
	mB, mF, ok := a.path(o)
	if !ok {
		return
	}
	recv := types.ExprString(o.sel.X)
	a.eachNode(u, o.key, r, func(n ast.Node, cur mask) {
		held, ok := heldFor(cur)
		if !ok {
			return
		}
		for _, w := range a.waiters(u, n) {
			chain, ok := a.blockedBy(u, w, held, target{mB, mF})
			if !ok {
				continue
			}
			msg := fmt.Sprintf("%s with %s held, and %s locks it first (%s): deadlock", w.what, recv, a.otherSide(w), chain)
			d := analysis.Diagnostic{Pos: w.node.Pos(), End: w.node.End(), Message: msg}
			fixkit.Refuse(a.pass, d, d.Pos, heldBlockWhy)
		}
	})
}

func (a *analyzer) otherSide(w waiter) string {
	switch {
	case w.cond:
		return "every Signal and Broadcast of it"
	case w.class == nil:
		return "a goroutine it waits for"
	case w.send:
		return "its receiver"
	}
	return "its sender"
}

// waiters returns the operations of CFG node n that block until another goroutine acts:
// a Wait of a sync.WaitGroup on a path, a send or receive that is no case of a select on
// a channel of a class that does not escape (for a send, unbuffered).
func (a *analyzer) waiters(u *unit, n ast.Node) []waiter {
	var out []waiter
	chans := a.m.Chans()
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt, *ast.DeferStmt:
			return false // runs elsewhere or later; its arguments do not wait
		case *ast.CallExpr:
			fn, _ := typeutil.Callee(a.info, x).(*types.Func)
			group := model.WaitGroupGo
			switch {
			case fn == nil:
				return true
			case model.IsMethod(fn, "sync", "WaitGroup", "Wait"):
			case model.IsMethod(fn, "golang.org/x/sync/errgroup", "Group", "Wait"):
				group = model.ErrGroupGo
			case model.IsMethod(fn, "sync", "Cond", "Wait"):
				sel := ast.Unparen(x.Fun).(*ast.SelectorExpr)
				if base, fields, ok := a.m.MutexPath(sel.X); ok && len(fields) > 0 {
					out = append(out, waiter{node: x, what: types.ExprString(sel) + "() waits", cond: true, base: base, fields: fields})
				}
				return true
			default:
				return true
			}
			sel := ast.Unparen(x.Fun).(*ast.SelectorExpr)
			if base, fields, ok := a.m.MutexPath(sel.X); ok {
				out = append(out, waiter{node: x, what: types.ExprString(sel) + "() waits", group: group, base: base, fields: fields})
			}
		case *ast.SendStmt, *ast.UnaryExpr, *ast.RangeStmt:
			op := chans.Op(x)
			if op == nil || op.Select != nil || op.Func != u.f || op.Kind == model.Close {
				return true
			}
			c := chans.Of(op.Ch)
			if c == nil || c.Done || c.Escapes != "" {
				return true
			}
			base, fields, ok := a.m.MutexPath(op.Ch)
			if !ok {
				return true
			}
			w := waiter{node: x, class: c, send: op.Kind == model.Send, base: base, fields: fields}
			if w.send {
				w.what = "send on " + types.ExprString(op.Ch) + " blocks"
				if n, known := c.Capacity(); !known || n > 0 {
					// A buffered send blocks once the buffer is full: left alone when the
					// function makes the channel and one run cannot fill it.
					if max, ok := chans.MaxSends(u.f, c); ok && known && max <= n && a.madeIn(u.f, c) {
						return true
					}
					if a.flagGated(op.Cursor, u.f) {
						return true // one pending send at a time (nats.go's resetInProgress)
					}
					size := "its buffer"
					if known {
						size = fmt.Sprintf("its buffer of %d", n)
					}
					w.what = "send on " + types.ExprString(op.Ch) + ", once " + size + " is full, blocks"
				}
			} else {
				w.what = "receive from " + types.ExprString(op.Ch) + " blocks"
			}
			out = append(out, w)
		}
		return true
	})
	return out
}

// flagGated reports whether the send at cur is in the body of an if statement of f
// whose condition reads a flag that the body sets before the send, or that the
// condition swaps itself (atomic CompareAndSwap or Swap): a send made once until the
// flag is cleared, which cannot fill a buffer.
func (a *analyzer) flagGated(cur inspector.Cursor, f *model.Func) bool {
	for p := cur.Parent(); p.Valid() && p.Node() != f.Body; p = p.Parent() {
		is, ok := p.Node().(*ast.IfStmt)
		if !ok || !inNode(is.Body, cur.Node().Pos()) {
			continue
		}
		read := make(map[*types.Var]bool)
		swaps := false
		ast.Inspect(is.Cond, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if v, ok := a.info.Uses[n].(*types.Var); ok {
					read[v] = true
				}
			case *ast.CallExpr:
				if name, _, ok := a.atomicWrite(n); ok && (name == "CompareAndSwap" || name == "Swap") {
					swaps = true
				}
			}
			return true
		})
		if swaps {
			return true
		}
		set := false
		ast.Inspect(is.Body, func(n ast.Node) bool {
			if set || n == nil || n.Pos() >= cur.Node().Pos() {
				return false
			}
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					set = set || read[a.assignedVar(l)]
				}
			case *ast.CallExpr:
				if _, x, ok := a.atomicWrite(n); ok {
					set = set || read[a.assignedVar(x)]
				}
			}
			return !set
		})
		if set {
			return true
		}
	}
	return false
}

// atomicWrite returns the name and the receiver of a call of a method of a sync/atomic
// type that writes it (Store, Swap, CompareAndSwap, Add, And, Or).
func (a *analyzer) atomicWrite(call *ast.CallExpr) (string, ast.Expr, bool) {
	fn, ok := typeutil.Callee(a.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" || fn.Signature().Recv() == nil {
		return "", nil, false
	}
	switch fn.Name() {
	case "Store", "Swap", "CompareAndSwap", "Add", "And", "Or":
		return fn.Name(), ast.Unparen(call.Fun).(*ast.SelectorExpr).X, true
	}
	return "", nil, false
}

// assignedVar returns the variable (or field) that an assignment to e writes.
func (a *analyzer) assignedVar(e ast.Expr) *types.Var {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, _ := a.info.Uses[e].(*types.Var)
		return v
	case *ast.SelectorExpr:
		v, _ := a.info.Uses[e.Sel].(*types.Var)
		return v
	}
	return nil
}

// madeIn reports whether every make of channel class c is in f: each run of f has a
// channel of its own.
func (a *analyzer) madeIn(f *model.Func, c *model.Chan) bool {
	for _, mk := range c.Makes {
		if !inNode(f.Body, mk.Call.Pos()) {
			return false
		}
	}
	return len(c.Makes) > 0
}

// isWaitGroup reports whether call calls the method name of sync.WaitGroup.
func isWaitGroup(info *types.Info, call *ast.CallExpr, name string) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && model.IsMethod(fn, "sync", "WaitGroup", name)
}

// blockedBy returns the chain by which the other side of w locks mutex m (held by u as
// held) before it can end w's wait, when it does.
func (a *analyzer) blockedBy(u *unit, w waiter, held kind, m target) (model.Chain, bool) {
	if w.cond {
		return a.condBlockedBy(w, held, m)
	}
	if w.class == nil {
		// One goroutine that cannot end is enough: one started by the group's Go method
		// (its end is its Done), or one that calls the WaitGroup's Done.
		for _, s := range a.m.Shared().Spawns {
			if s.Kind != w.group || s.Group == nil || s.Lit == nil || !a.samePath(u, s.Lit, s.Group, w.base, w.fields) {
				continue
			}
			lit := s.Lit
			if chain, ok := a.locksBefore(u, lit, m, held, func(from ast.Node) bool { return live(lit, from) }); ok {
				return chain, true
			}
		}
		if w.group != model.WaitGroupGo {
			return model.Chain{}, false
		}
		for _, cur := range a.doneCalls() {
			call := cur.Node().(*ast.CallExpr)
			g := a.m.Enclosing(cur)
			if g == nil || g == u.f || len(g.Started) == 0 {
				continue
			}
			sel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !a.samePath(u, g, sel.X, w.base, w.fields) {
				continue
			}
			if chain, ok := a.locksBefore(u, g, m, held, reachesOp(g, cur)); ok {
				return chain, true
			}
		}
		return model.Chain{}, false
	}
	// Every other side must need the mutex: any other may end the wait.
	var found model.Chain
	others := 0
	for _, op := range w.class.Ops {
		if (op.Kind == model.Send || op.Kind == model.Close) != !w.send || op.Func == u.f {
			continue
		}
		others++
		g := op.Func
		if g == nil || len(g.Started) == 0 || !a.samePath(u, g, op.Ch, w.base, w.fields) {
			return model.Chain{}, false
		}
		chain, ok := a.locksBefore(u, g, m, held, reachesOp(g, op.Cursor))
		if !ok {
			return model.Chain{}, false
		}
		if n, known := w.class.Capacity(); (!known || n > 0) && a.underLock(g, chain.Op.Key, op.Node) {
			// A buffered send made under the same lock never blocks there, and the lock
			// orders it with the wait: a protocol (fasthttp's GetTimeout checks a
			// "responded" flag, set with the send, before it receives under the lock).
			return model.Chain{}, false
		}
		if found.Op == nil {
			found = chain
		}
	}
	return found, others > 0
}

// locksBefore returns the chain by which g, a function run by a goroutine, takes mutex m
// of u (held as held) at a node from which reaches holds (see reachesOp).
func (a *analyzer) locksBefore(u *unit, g *model.Func, m target, held kind, reaches func(from ast.Node) bool) (model.Chain, bool) {
	base, ok := a.sameVar(u, g, m.base)
	if !ok {
		return model.Chain{}, false
	}
	return a.locksIn(g, target{base, m.fields}, held, reaches)
}

// locksIn returns the chain by which g takes mutex t, one of its own paths, at a node
// from which reaches holds, where it blocks a holder of kind held.
func (a *analyzer) locksIn(g *model.Func, t target, held kind, reaches func(from ast.Node) bool) (model.Chain, bool) {
	base := t.base
	key := model.PathKey(t.base, t.fields)
	global := base.Parent() != nil && base.Parent() == base.Pkg().Scope()
	blocks := func(lo *model.LockOp) bool {
		return lo.Method == model.Lock || lo.Method == model.RLock && held == kWrite
	}
	for _, lo := range a.locks.Of(g) {
		if lo.Key == key && lo.Stmt != nil && !lo.Deferred && blocks(lo) && reaches(lo.Stmt) {
			return model.Chain{Funcs: []*model.Func{g}, Op: lo}, true
		}
	}
	for _, cs := range a.locks.CallSites(g) {
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
		chain, ok := a.relockChain(cs.Callee, next, global, make(map[*model.Func]bool), []*model.Func{g})
		if ok && blocks(chain.Op) && reaches(cs.Call) {
			return chain, true
		}
	}
	return model.Chain{}, false
}

// underLock reports whether, in g's source order, the last operation on mutex key
// before node n acquires it (a deferred release keeps it held): n runs with the lock held.
func (a *analyzer) underLock(g *model.Func, key string, n ast.Node) bool {
	held := false
	for _, lo := range a.locks.Of(g) {
		if lo.Key != key || lo.Call.Pos() >= n.Pos() || lo.Deferred {
			continue
		}
		held = lo.Method.Acquires()
	}
	return held
}

// reachesOp returns whether a path of g leads from a node to op (at cur), an operation
// of g: to the exits for a deferred call (a deferred close or Done runs at every exit);
// to the receive of each iteration for a range over a channel (from inside its body, or
// to its operand, before the loop); to op itself otherwise.
func reachesOp(g *model.Func, cur inspector.Cursor) func(from ast.Node) bool {
	op := cur.Node()
	if d, ok := cur.Parent().Node().(*ast.DeferStmt); ok && d.Call == op {
		return func(from ast.Node) bool { return live(g, from) }
	}
	if rs, ok := op.(*ast.RangeStmt); ok {
		return func(from ast.Node) bool {
			return inNode(rs.Body, from.Pos()) && live(g, from) || g.ReachesAfter(from, map[ast.Node]bool{rs.X: true})
		}
	}
	return func(from ast.Node) bool { return g.ReachesAfter(from, map[ast.Node]bool{op: true}) }
}

// doneCalls returns the package's calls of sync.WaitGroup's Done, found once.
func (a *analyzer) doneCalls() []inspector.Cursor {
	if a.dones == nil {
		a.dones = []inspector.Cursor{}
		for _, cur := range a.m.Calls {
			if isWaitGroup(a.info, cur.Node().(*ast.CallExpr), "Done") {
				a.dones = append(a.dones, cur)
			}
		}
	}
	return a.dones
}

// live reports whether the node that contains n is in a live block of g's graph.
func live(g *model.Func, n ast.Node) bool {
	for _, b := range g.CFG().Blocks {
		if !b.Live {
			continue
		}
		for _, x := range b.Nodes {
			if x.Pos() <= n.Pos() && n.End() <= x.End() {
				return true
			}
		}
	}
	return false
}

// samePath reports whether e, in g, is the path (base, fields) of u.
func (a *analyzer) samePath(u *unit, g *model.Func, e ast.Expr, base *types.Var, fields []*types.Var) bool {
	b, f, ok := a.m.MutexPath(e)
	if !ok || len(f) != len(fields) {
		return false
	}
	for i := range f {
		if f[i] != fields[i] {
			return false
		}
	}
	same, ok := a.sameVar(u, g, base)
	return ok && same == b
}

// sameVar returns the variable of g that holds what v holds in u: v itself when it is a
// package-level variable, or a variable of a function that contains g; g's receiver (or
// that of the method g is a literal of) when v is u's and both are of one type.
func (a *analyzer) sameVar(u *unit, g *model.Func, v *types.Var) (*types.Var, bool) {
	if v.Parent() != nil && v.Parent() == v.Pkg().Scope() {
		return v, true
	}
	if !inNode(g.Node, v.Pos()) {
		for o := g.Outer; o != nil; o = o.Outer {
			if inNode(o.Node, v.Pos()) {
				return v, true
			}
		}
	}
	if v == self(u.f) {
		if s := self(g); s != nil && recvNamed(s) != nil && recvNamed(s) == recvNamed(v) && a.startedOnSelf(g) {
			return s, true
		}
	}
	return nil, false
}

// startedOnSelf reports whether every go statement that starts method g calls it on the
// receiver of the method that runs the statement (go s.run() in s.Start): the goroutine
// works on the same value as its starter, not on another of its type (a child node).
// A literal works on the receiver it captures.
func (a *analyzer) startedOnSelf(g *model.Func) bool {
	if g.Obj == nil {
		return true
	}
	for _, gs := range g.Started {
		sel, ok := ast.Unparen(gs.Stmt.Call.Fun).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		if !ok || gs.In == nil {
			return false
		}
		if v, ok := a.info.Uses[id].(*types.Var); !ok || v != self(gs.In) && !a.builtIn(gs.In, v) {
			return false
		}
	}
	return len(g.Started) > 0
}

// builtIn reports whether v is a local variable of f that f declares with a value it
// builds (v := &T{...}, new(T)): a constructor's, the value it returns. v must not be
// assigned again.
func (a *analyzer) builtIn(f *model.Func, v *types.Var) bool {
	built, again := false, false
	ast.Inspect(f.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || a.info.ObjectOf(id) != v {
				continue
			}
			if as.Tok != token.DEFINE || a.info.Defs[id] != v || !fresh(a.info, as.Rhs[i]) {
				again = true
			} else {
				built = true
			}
		}
		return true
	})
	return built && !again
}

// fresh reports whether e builds a new value: &T{...} or new(T).
func fresh(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		_, lit := ast.Unparen(e.X).(*ast.CompositeLit)
		return e.Op == token.AND && lit
	case *ast.CallExpr:
		id, ok := ast.Unparen(e.Fun).(*ast.Ident)
		return ok && info.Uses[id] == types.Universe.Lookup("new")
	}
	return false
}

// self returns the receiver of f's method, or of the method f is a literal of.
func self(f *model.Func) *types.Var {
	for f.Outer != nil {
		f = f.Outer
	}
	if f.Sig == nil || f.Sig.Recv() == nil {
		return nil
	}
	r := f.Sig.Recv()
	if r.Name() == "" || r.Name() == "_" {
		return nil
	}
	return r.Origin()
}

// recvNamed returns the named type of receiver v, through a pointer.
func recvNamed(v *types.Var) *types.TypeName {
	t := v.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Origin().Obj()
	}
	return nil
}

func inNode(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }
