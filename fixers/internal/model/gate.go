package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// Gates: a goroutine that blocks on a receive before an access waits for whoever sends
// or closes: the function that starts it (a start gate: close(hold) after the setup), or
// another goroutine (a token passed around a ring, a producer's hand-off).
const (
	frameGate = iota // a channel that the function starting the goroutine sends on or closes
	goGate           // a channel that a goroutine sends on or closes
)

// gated reports whether the access a, in s's goroutine, runs only after s's goroutine
// received from a channel of the given gate kind (or a channel the model does not
// follow, an element of a slice say) on every path: the sender orders its own earlier
// accesses before a.
func (sh *Shared) gated(s *Spawn, a *Access, kind int) bool {
	if !s.gatesDone[kind] {
		s.gatesDone[kind] = true
		s.gates[kind] = sh.ungated(s, kind)
	}
	p := sh.posIn(s.Lit, a.Cursor)
	if !p.valid() {
		return false
	}
	return !s.gates[kind][p.b.Nodes[p.i]]
}

// ungated returns the nodes of s's literal reached from its entry without passing a
// receive from a gate channel.
func (sh *Shared) ungated(s *Spawn, kind int) map[ast.Node]bool {
	ix := sh.indexOf(s.Lit)
	reached := make(map[ast.Node]bool)
	blocks := s.Lit.CFG().Blocks
	if len(blocks) == 0 {
		return reached
	}
	seen := make(map[*cfg.Block]bool)
	work := []*cfg.Block{blocks[0]}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		if sh.gateBlock(s, b, kind) {
			continue
		}
		stopped := false
		for _, n := range b.Nodes {
			if !ix.comms[n] && sh.gateNode(s, n, kind) {
				stopped = true
				break
			}
			reached[n] = true
		}
		if !stopped {
			work = append(work, b.Succs...)
		}
	}
	return reached
}

func (sh *Shared) gateBlock(s *Spawn, b *cfg.Block, kind int) bool {
	ch, _, _ := sh.entryRecv(b)
	return ch != nil && sh.gateChan(s, ch, kind)
}

// entryRecv returns the channel that entering block b has received from: the block of a
// select case whose communication is a receive (with that statement and its clause), or
// the body of a range over a channel (with no statement). Nil for any other block.
func (sh *Shared) entryRecv(b *cfg.Block) (ch ast.Expr, comm ast.Stmt, cc *ast.CommClause) {
	switch b.Kind {
	case cfg.KindSelectCaseBody:
		cc, ok := b.Stmt.(*ast.CommClause)
		if !ok || cc.Comm == nil {
			return nil, nil, nil
		}
		if ch := RecvOperand(cc.Comm); ch != nil {
			return ch, cc.Comm, cc
		}
	case cfg.KindRangeBody:
		if rs, ok := b.Stmt.(*ast.RangeStmt); ok && isChan(sh.m.Info.TypeOf(rs.X)) {
			return rs.X, nil, nil
		}
	}
	return nil, nil, nil
}

// RecvOperand returns the channel that statement st receives from, when st is a
// receive: <-ch, v := <-ch, v, ok = <-ch.
func RecvOperand(st ast.Stmt) ast.Expr {
	var e ast.Expr
	switch st := st.(type) {
	case *ast.ExprStmt:
		e = st.X
	case *ast.AssignStmt:
		if len(st.Rhs) == 1 {
			e = st.Rhs[0]
		}
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

func (sh *Shared) gateNode(s *Spawn, n ast.Node, kind int) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			found = x.Op == token.ARROW && sh.gateChan(s, x.X, kind)
		}
		return !found
	})
	return found
}

// gateChan reports whether a receive from ch is a gate of the kind for s: ch's class has
// a send or close in the code of the function that starts s (frameGate) or of a
// goroutine (goGate), or the model does not follow ch (it is not a call's result).
func (sh *Shared) gateChan(s *Spawn, ch ast.Expr, kind int) bool {
	c := sh.m.Chans().Of(ch)
	if c == nil {
		_, call := ast.Unparen(ch).(*ast.CallExpr)
		return !call
	}
	for _, op := range c.Ops {
		if (op.Kind != Send && op.Kind != Close) || op.Func == nil {
			continue
		}
		r := sh.runnerOf(op.Func)
		if r.timing == Anytime {
			continue
		}
		switch kind {
		case frameGate:
			if r.spawn == nil && r.frame == s.In {
				return true
			}
		case goGate:
			if r.spawn != nil {
				return true
			}
		}
	}
	return false
}

// objectOrdered reports whether a goroutine's access a and an access f of the function
// that starts it may be ordered through an object they share: before a, on every path
// of the goroutine, it calls a method of a captured variable x (rl.Accept()), and after
// f the function may call a method of x (rl.Stop()), which may be what lets the
// goroutine's call return; or the mirror of that (below). The model does not see inside
// x's methods: it does not report such pairs.
func (sh *Shared) objectOrdered(s *Spawn, a, f *Access) bool {
	pa := sh.posIn(s.Lit, a.Cursor)
	if !pa.valid() || !f.at.valid() {
		return false
	}
	for _, x := range sh.basesOf(s) {
		if sh.callsAfter(s.In, f.at, x) && !sh.reachedAvoiding(s.Lit, pa, sh.callsOn(x)) {
			return true
		}
	}
	// The mirror: after a, on every path to its end, the goroutine calls a method of x
	// (commandsRunner.Stop()), and f comes after a call of a method of x that follows the
	// go statement on every path (commandsRunner.FireCommandsUntilStop(ctx)), which may be
	// what waits for the goroutine's call (go-redis's e2e tests).
	return sh.stoppedBefore(s, a, f.at)
}

// serialised reports whether accesses a and b, of goroutines sa and sb, may be ordered
// by an object of the package's own that both goroutines share and that synchronises
// (see serialisers): a state machine that admits one goroutine at a time, a semaphore,
// a pool. The model does not see inside its methods; it does not report such pairs.
func (sh *Shared) serialised(sa *Spawn, a *Access, sb *Spawn, b *Access) bool {
	xs := sh.serialisers(sb, b)
	return slices.ContainsFunc(sh.serialisers(sa, a), func(x *types.Var) bool { return slices.Contains(xs, x) })
}

// serialisers returns the variables x, declared outside s's literal, that bracket the
// access a of s's goroutine: on every path from the goroutine's entry to a it calls a
// method on x (x.M(), not x.f.M()) that may wait for another goroutine (waits), and on
// every path from a to its end it calls a method on x again; and x's type, declared in
// the package, holds a mutex, a condition variable or a channel, so that its methods may
// admit the goroutines one at a time (go-redis's ConnStateMachine: AwaitAndTransition
// waits for the state before the access, Transition sets it after). A counter whose
// methods only lock and unlock around their own work orders nothing between two calls.
func (sh *Shared) serialisers(s *Spawn, a *Access) []*types.Var {
	pa := sh.posIn(s.Lit, a.Cursor)
	if !pa.valid() {
		return nil
	}
	var out []*types.Var
	for _, x := range sh.basesOf(s) {
		if !sh.synchroniser(x.Type()) {
			continue
		}
		calls := func(n ast.Node) bool { return sh.callsMethodOn(n, x, false) }
		waits := func(n ast.Node) bool { return sh.callsMethodOn(n, x, true) }
		if !sh.reachedAvoiding(s.Lit, pa, waits) && !sh.pathAvoiding(s.Lit, pa, cfgPos{}, calls) {
			out = append(out, x)
		}
	}
	return out
}

// synchroniser reports whether t, or what it points to, is a struct type declared in the
// package with a field of its own that is a sync.Mutex, sync.RWMutex or sync.Cond (or a
// pointer to one) or a channel.
func (sh *Shared) synchroniser(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != sh.m.Pkg {
		return false
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for f := range st.Fields() {
		ft := f.Type()
		if isChan(ft) {
			return true
		}
		if p, ok := ft.Underlying().(*types.Pointer); ok {
			ft = p.Elem()
		}
		if n, ok := types.Unalias(ft).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" {
			switch n.Obj().Name() {
			case "Mutex", "RWMutex", "Cond":
				return true
			}
		}
	}
	return false
}

// callsMethodOn reports whether n calls a method on x itself (x.M(...)), outside
// function literals, go and defer statements; with waiting, a method that may wait for
// another goroutine (waits).
func (sh *Shared) callsMethodOn(n ast.Node, x *types.Var, waiting bool) bool {
	found := false
	sh.eachMethodCall(n, func(sel *ast.SelectorExpr, s *types.Selection) bool {
		if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && sh.m.Info.Uses[id] == x {
			fn, _ := s.Obj().(*types.Func)
			found = !waiting || fn != nil && sh.waits(fn)
		}
		return !found
	})
	return found
}

// waits reports whether the package's method fn may wait, in its own body, for another
// goroutine: a receive, a range over a channel, a select without default, or a Wait of
// a sync.Cond or sync.WaitGroup.
func (sh *Shared) waits(fn *types.Func) bool {
	if w, ok := sh.waiting[fn]; ok {
		return w
	}
	sh.waiting[fn] = false // a recursive method waits only if its other code does
	f := sh.m.Decl(fn)
	if f == nil {
		return false
	}
	w := false
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			w = w || n.Op == token.ARROW
		case *ast.RangeStmt:
			w = w || isChan(sh.m.Info.TypeOf(n.X))
		case *ast.SelectStmt:
			w = w || !slices.ContainsFunc(n.Body.List, func(c ast.Stmt) bool { return c.(*ast.CommClause).Comm == nil })
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(sh.m.Info, n).(*types.Func); ok {
				w = IsMethod(fn, "sync", "Cond", "Wait") || IsMethod(fn, "sync", "WaitGroup", "Wait")
			}
		}
		return !w
	})
	sh.waiting[fn] = w
	return w
}

// basesOf returns the variables declared outside s's literal whose methods it calls.
func (sh *Shared) basesOf(s *Spawn) []*types.Var {
	bases, ok := sh.bases[s]
	if !ok {
		bases = sh.methodBases(s.Lit, s.Lit)
		sh.bases[s] = bases
	}
	return bases
}

// stoppedBefore reports whether the access a of s's goroutine is ordered before the node
// at of the function that starts it by the mirror rule of objectOrdered: after a, on
// every path, the goroutine calls a method of a captured x, and every path from s's start
// to at calls a method of x (the next goroutine of go-redis's e2e tests starts after
// commandsRunner.FireCommandsUntilStop, which the previous one stops).
func (sh *Shared) stoppedBefore(s *Spawn, a *Access, at cfgPos) bool {
	pa := sh.posIn(s.Lit, a.Cursor)
	if !pa.valid() || !s.at.valid() || !at.valid() {
		return false
	}
	for _, x := range sh.basesOf(s) {
		if calls := sh.callsOn(x); !sh.pathAvoiding(s.Lit, pa, cfgPos{}, calls) && !sh.pathAvoiding(s.In, s.at, at, calls) {
			return true
		}
	}
	return false
}

// callsOn returns whether a node calls a method of x (see methodCalls).
func (sh *Shared) callsOn(x *types.Var) func(ast.Node) bool {
	return func(n ast.Node) bool { return slices.Contains(sh.methodCalls(n), x) }
}

// pathAvoiding reports whether a path of fn's graph leads from p (after it) to q, or to
// the end of fn when q is not valid, through no node for which calls holds.
func (sh *Shared) pathAvoiding(fn *Func, p, q cfgPos, calls func(ast.Node) bool) bool {
	reached, end := walk(p, func(b *cfg.Block, i int) step {
		switch {
		case q.valid() && b == q.b && i == q.i:
			return found
		case calls(b.Nodes[i]):
			return blocked
		}
		return goOn
	})
	return reached || !q.valid() && end
}

// methodBases returns the variables declared outside lit whose methods fn's graph calls.
func (sh *Shared) methodBases(fn, lit *Func) []*types.Var {
	var out []*types.Var
	seen := make(map[*types.Var]bool)
	for _, b := range fn.CFG().Blocks {
		for _, n := range b.Nodes {
			for _, x := range sh.methodCalls(n) {
				if !seen[x] && (x.Pos() < lit.Node.Pos() || x.Pos() >= lit.Node.End()) {
					seen[x] = true
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// methodCalls returns the variables x of the method calls x.M(...) (or x.f.M(...)) in
// node n, outside function literals, go and defer statements, where x.M is not a
// method of a sync or sync/atomic value.
func (sh *Shared) methodCalls(n ast.Node) []*types.Var {
	var out []*types.Var
	sh.eachMethodCall(n, func(sel *ast.SelectorExpr, _ *types.Selection) bool {
		if base, _, ok := sh.m.MutexPath(sel.X); ok && !isSyncType(sh.m.Info.TypeOf(sel.X)) {
			out = append(out, base) // sync values are modelled as such
		}
		return true
	})
	return out
}

// eachMethodCall calls visit with the selector and selection of each method call
// x.M(...) in node n, outside function literals, go and defer statements (they run
// later, or elsewhere), until visit returns false.
func (sh *Shared) eachMethodCall(n ast.Node, visit func(*ast.SelectorExpr, *types.Selection) bool) {
	more := true
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit, *ast.DeferStmt, *ast.GoStmt:
			return false
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
				if s := sh.m.Info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
					more = visit(sel, s)
				}
			}
		}
		return more
	})
}

// callsAfter reports whether a node reached from p (after it) in fn's graph calls a
// method of x.
func (sh *Shared) callsAfter(fn *Func, p cfgPos, x *types.Var) bool {
	found := false
	sh.walkFrom(p, func(n ast.Node) bool {
		for _, y := range sh.methodCalls(n) {
			if y == x {
				found = true
			}
		}
		return !found
	})
	return found
}

// reachedAvoiding reports whether p is reached from the entry of fn's graph on a path
// through no node before p for which calls holds.
func (sh *Shared) reachedAvoiding(fn *Func, p cfgPos, calls func(ast.Node) bool) bool {
	blocks := fn.CFG().Blocks
	if len(blocks) == 0 {
		return true
	}
	reached, _ := walk(cfgPos{blocks[0], -1}, func(b *cfg.Block, i int) step {
		switch {
		case b == p.b && i == p.i:
			return found
		case calls(b.Nodes[i]):
			return blocked
		}
		return goOn
	})
	return reached
}

// walkFrom calls visit for the nodes reached after p in its graph, until visit returns
// false.
func (sh *Shared) walkFrom(p cfgPos, visit func(ast.Node) bool) {
	walk(p, func(b *cfg.Block, i int) step {
		if !visit(b.Nodes[i]) {
			return found
		}
		return goOn
	})
}
