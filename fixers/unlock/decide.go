package unlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// analyzeKeys decides, for every mutex of unit u, whether it is released with the wrong
// method or left locked, and reports (or queues) the findings.
func (a *analyzer) analyzeKeys(u *unit, order []string, keys map[string][]*op, bad map[string]string) {
	u.blockOf = make(map[ast.Node]*cfg.Block)
	for _, b := range u.g.Blocks {
		for _, n := range b.Nodes {
			u.blockOf[n] = b
		}
	}
	results := make(map[string]*result)
	foreign := false // some release of the unit may find its mutex unlocked: aliasing is possible
	for _, k := range order {
		r := a.flow(u, k, &plan{}, u.g.Blocks[0], 1<<mkState(kNone, kNone))
		results[k] = r
		class := keys[k][0].class
		if r.unlockForeign {
			foreign = true
			if class != nil {
				u.unlocksForeign[class] = true
			}
		}
	}
	for _, k := range order {
		r := results[k]
		if bad[k] == "" && r.unprovable == "" {
			// The states of the mutex after this function's own locks are right even
			// when it also releases a mutex its caller locked.
			a.relocks(u, keys[k][0], r)
		}
		if r.unprovable == "" && (bad[k] == "" || bad[k] == usedElsewhere && a.lockedOnlyInGoroutines(u, k)) {
			a.heldBlocks(u, keys[k][0], r)
		}
		if bad[k] != "" || r.unprovable != "" || r.unlockForeign {
			continue
		}
		a.mismatches(keys[k], r)
		if !foreign && r.problems() {
			a.leak(u, k, keys[k], r)
		} else if !foreign {
			a.panicLeak(u, k, keys[k], r)
		}
	}
}

// mismatches reports releases whose method does not match the lock held, and deferred
// Lock calls where a deferred release was meant.
func (a *analyzer) mismatches(ops []*op, r *result) {
	for _, o := range ops {
		held, ok := r.heldAt[o]
		if !ok || held == 0 {
			continue
		}
		var h kind
		switch held {
		case 1 << kWrite:
			h = kWrite
		case 1 << kRead:
			h = kRead
		default:
			continue // both kinds reach it: already unprovable
		}
		recv := types.ExprString(o.sel.X)
		var msg, name string
		switch {
		case o.lock && o.deferred:
			name = releaseName(h)
			msg = fmt.Sprintf("deferred %s locks %s again instead of unlocking it", callString(o), recv)
		case !o.lock && h != o.kind:
			name = releaseName(h)
			msg = fmt.Sprintf("%s is held by %s but released with %s", recv, lockName(h), o.sel.Sel.Name)
		default:
			continue
		}
		d := analysis.Diagnostic{Pos: o.call.Pos(), End: o.call.End(), Message: msg}
		if !a.hasMethod(o, name) {
			fixkit.Refuse(a.pass, d, d.Pos, name+" is not the mutex's method here")
			continue
		}
		if strings.HasSuffix(a.pass.Fset.File(o.call.Pos()).Name(), "_test.go") {
			// Tests misuse mutexes on purpose to check the runtime's fatal error (sync's own
			// tests do): the mismatch is reported, not repaired.
			fixkit.Refuse(a.pass, d, d.Pos, "in a test, a mismatched release may be deliberate")
			continue
		}
		fixkit.Report(a.pass, d, fmt.Sprintf("Replace %s with %s", o.sel.Sel.Name, name), func(fx *fixkit.Fix) error {
			fx.Dst(o.sel.Sel).(*dst.Ident).Name = name
			return nil
		})
	}
}

func releaseName(k kind) string {
	if k == kRead {
		return "RUnlock"
	}
	return "Unlock"
}

func lockName(k kind) string {
	if k == kRead {
		return "RLock"
	}
	return "Lock"
}

func callString(o *op) string { return types.ExprString(o.sel) + "()" }

// hasMethod reports whether name, selected on o's receiver, is the sync method on the same
// mutex as o's method (and not another method, or an ambiguous selector).
func (a *analyzer) hasMethod(o *op, name string) bool {
	obj, index, _ := types.LookupFieldOrMethod(o.method.Recv(), true, a.pass.Pkg, name)
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return false
	}
	old := o.method.Index()
	if len(index) != len(old) {
		return false
	}
	for i := range len(old) - 1 {
		if index[i] != old[i] {
			return false
		}
	}
	return fn.Signature().Recv().Type().String() == o.method.Obj().(*types.Func).Signature().Recv().Type().String()
}

// leak decides what to do about a mutex that some exit leaves locked (or that is locked
// again while held): find the return and branch statements that leave it locked, and
// check that unlocking before them balances the function.
func (a *analyzer) leak(u *unit, key string, ops []*op, r *result) {
	var releases, locks []*op
	for _, o := range ops {
		switch {
		case !o.lock:
			releases = append(releases, o)
		case !o.deferred:
			locks = append(locks, o)
		}
	}
	helper := func() {
		if ops[0].class != nil {
			u.leavesHeld[ops[0].class] = true
		}
	}
	live := false
	for _, o := range releases {
		if b := u.blockOf[o.stmt]; b != nil && b.Live {
			live = true
		}
	}
	if !live {
		helper()
		return // no path releases it (dead code aside): a lock helper, or a lock released elsewhere
	}
	// The statements that leave with the mutex held.
	type exit struct {
		node ast.Node
		k    kind
	}
	var exits []exit
	var tail ast.Node // a branch statement after which code runs, with the lock, to a return
	// The returns first: a branch statement is an exit of its own only when the path it
	// takes still leaves the mutex held once those returns release it (a labeled
	// continue that stays in the critical section is none).
	var held []ast.Node
	for n, m := range r.before {
		if _, ok := definitelyHeld(m); ok {
			held = append(held, n)
		}
	}
	sort.Slice(held, func(i, j int) bool { return held[i].Pos() < held[j].Pos() })
	returns := &plan{unlockBefore: make(map[ast.Node]kind)}
	for _, n := range held {
		k, _ := definitelyHeld(r.before[n])
		if ret, ok := n.(*ast.ReturnStmt); ok {
			if ret.Return == u.body.Rbrace || a.parentOf(u, ret) == u.body {
				// The function's main line returns with it held: by design. Control
				// that falls off the end of the body (the graph's implicit return, which
				// is not in the syntax) is the main line too; a branch statement that
				// leads there is an exit of its own.
				continue
			}
			returns.unlockBefore[n] = k
			exits = append(exits, exit{n, k})
		}
	}
	for _, n := range held {
		br, ok := n.(*ast.BranchStmt)
		if !ok || br.Tok == token.FALLTHROUGH {
			continue
		}
		k, _ := definitelyHeld(r.before[n])
		b := u.blockOf[br]
		if b == nil || len(b.Succs) != 1 {
			continue
		}
		after := a.flow(u, key, returns, b.Succs[0], 1<<mkState(k, kNone))
		if !after.problems() {
			continue // released further on (e.g. after the loop it breaks out of)
		}
		if len(after.lockHeld) == 0 && tail == nil && !a.quietTail(u, b.Succs[0]) {
			tail = n // it leads to a return, but through code that may need the lock
		}
		exits = append(exits, exit{n, k})
	}
	if len(exits) == 0 {
		helper()
		return
	}
	sort.Slice(exits, func(i, j int) bool { return exits[i].node.Pos() < exits[j].node.Pos() })
	m2 := &plan{unlockBefore: make(map[ast.Node]kind)}
	for _, e := range exits {
		m2.unlockBefore[e.node] = e.k
	}
	r2 := a.flow(u, key, m2, u.g.Blocks[0], 1<<mkState(kNone, kNone))
	if r2.problems() {
		helper()
		return // also left locked where no exit statement can be fixed: a helper, or unprovable
	}
	// The lock reported: the nearest lock before the first leaking exit.
	first := exits[0].node
	var lk *op
	for _, o := range locks {
		if o.stmt.Pos() < first.Pos() && (lk == nil || o.stmt.Pos() > lk.stmt.Pos()) {
			lk = o
		}
	}
	if lk == nil {
		if len(locks) == 0 {
			return
		}
		lk = locks[0]
	}
	recv := types.ExprString(lk.sel.X)
	d := analysis.Diagnostic{
		Pos:     lk.call.Pos(),
		End:     lk.call.End(),
		Message: fmt.Sprintf("%s is not unlocked on every path: %s leaves it locked", recv, a.describe(first, len(exits))),
	}
	for _, e := range exits {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: e.node.Pos(), Message: fmt.Sprintf("this %s leaves %s locked", stmtWord(e.node), recv)})
	}
	p := pendingLeak{class: lk.class}
	if r2.unprovable != "" || r2.unlockForeign {
		p.report = func() {
			fixkit.Refuse(a.pass, d, d.Pos, "unlocking before it does not balance the function")
		}
	} else if tail != nil {
		p.report = func() {
			fixkit.Refuse(a.pass, d, tail.Pos(), fmt.Sprintf("the code after the %s at line %d runs with the lock held", stmtWord(tail), a.line(tail.Pos())))
		}
	} else if a.deferable(u, key, locks, releases, ops) {
		p.report = func() {
			msg := fmt.Sprintf("Add defer %s.%s() and remove the explicit unlocks", recv, releaseName(locks[0].kind))
			fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error { return a.fixDefer(fx, u, locks[0], releases) })
		}
	} else {
		p.report = func() {
			for _, e := range exits {
				if ret, ok := e.node.(*ast.ReturnStmt); ok {
					for _, x := range ret.Results {
						if !a.m.Unguarded(u.f, x) {
							fixkit.Refuse(a.pass, d, ret.Pos(), fmt.Sprintf("the results of the return at line %d may need the lock", a.line(ret.Pos())))
							return
						}
					}
				}
				if !a.m.InScope(lk.sel.X, e.node.Pos()) {
					fixkit.Refuse(a.pass, d, e.node.Pos(), fmt.Sprintf("%s is not in scope at line %d", recv, a.line(e.node.Pos())))
					return
				}
				if !a.hasMethod(lk, releaseName(e.k)) {
					fixkit.Refuse(a.pass, d, e.node.Pos(), releaseName(e.k)+" is not the mutex's method here")
					return
				}
			}
			msg := fmt.Sprintf("Unlock %s before each exit that leaves it locked", recv)
			fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error {
				for _, e := range exits {
					if err := a.insertUnlock(fx, u, lk, e.node, e.k); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	u.pending = append(u.pending, p)
}

// quietTail reports whether every path from block b reaches a return with nothing on the
// way: no statement, no condition, and results that need no lock, so that releasing the
// mutex before a branch statement that leads to b changes nothing else.
func (a *analyzer) quietTail(u *unit, b *cfg.Block) bool {
	seen := make(map[*cfg.Block]bool)
	var quiet func(b *cfg.Block) bool
	quiet = func(b *cfg.Block) bool {
		if seen[b] {
			return false // a loop
		}
		seen[b] = true
		for _, n := range b.Nodes {
			ret, ok := n.(*ast.ReturnStmt)
			if !ok {
				return false
			}
			for _, x := range ret.Results {
				if !a.m.Unguarded(u.f, x) {
					return false
				}
			}
		}
		for _, s := range b.Succs {
			if !quiet(s) {
				return false
			}
		}
		return true
	}
	return quiet(b)
}

func definitelyHeld(m mask) (kind, bool) {
	var k kind
	ok := m != 0
	m.states(func(s state) {
		if s.held() == kNone || s.def() != kNone || (k != kNone && s.held() != k) {
			ok = false
		}
		k = s.held()
	})
	return k, ok
}

func stmtWord(n ast.Node) string {
	if b, ok := n.(*ast.BranchStmt); ok {
		return b.Tok.String()
	}
	return "return"
}

func (a *analyzer) line(pos token.Pos) int { return a.pass.Fset.Position(pos).Line }

func (a *analyzer) describe(n ast.Node, count int) string {
	s := fmt.Sprintf("the %s at line %d", stmtWord(n), a.line(n.Pos()))
	if count > 1 {
		s += fmt.Sprintf(" (and %d more)", count-1)
	}
	return s
}

// parentOf returns the node whose statement list holds statement s.
func (a *analyzer) parentOf(u *unit, s ast.Stmt) ast.Node {
	c, ok := u.cur.FindNode(s)
	if !ok {
		return nil
	}
	return c.Parent().Node()
}

// deferable reports whether the mutex is held from its one lock, a statement of the
// function body, to every exit: each explicit release is directly followed by a return
// whose results call nothing (or ends the body), so that deferring the release changes
// only the paths that leaked.
func (a *analyzer) deferable(u *unit, key string, locks, releases, ops []*op) bool {
	if len(locks) != 1 || a.parentOf(u, locks[0].stmt) != u.body {
		return false
	}
	for _, o := range ops {
		if o.deferred {
			return false
		}
	}
	// A call deferred after the lock would run before the deferred release, with the
	// mutex held, where it ran after the explicit release before.
	later := false
	ast.Inspect(u.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if n.Pos() > locks[0].stmt.Pos() {
				later = true
			}
		}
		return !later
	})
	if later {
		return false
	}
	for _, o := range releases {
		if a.commented(o.stmt) {
			return false // removing it would lose the comment
		}
		list := a.stmtList(u, o.stmt)
		i := indexOf(list, o.stmt)
		if i < 0 {
			return false
		}
		if i == len(list)-1 {
			if a.parentOf(u, o.stmt) != u.body {
				return false
			}
			continue
		}
		ret, ok := list[i+1].(*ast.ReturnStmt)
		if !ok {
			return false
		}
		for _, e := range ret.Results {
			if !a.simple(e) {
				return false
			}
		}
	}
	removed := make(map[*op]bool)
	for _, o := range releases {
		removed[o] = true
	}
	r := a.flow(u, key, &plan{removed: removed, deferAfter: locks[0]}, u.g.Blocks[0], 1<<mkState(kNone, kNone))
	return r.unprovable == "" && !r.unlockForeign && !r.problems()
}

// commented reports whether a comment is on the lines of statement s or on the line
// before it.
func (a *analyzer) commented(s ast.Stmt) bool {
	tf := a.pass.Fset.File(s.Pos())
	first, last := tf.Line(s.Pos()), tf.Line(s.End())
	for _, f := range a.pass.Files {
		if f.FileStart > s.Pos() || s.Pos() > f.FileEnd {
			continue
		}
		for _, cg := range f.Comments {
			if l := tf.Line(cg.End()); l >= first-1 && tf.Line(cg.Pos()) <= last {
				return true
			}
		}
	}
	return false
}

// report emits the queued leak findings, except those of lock and unlock helpers: a
// mutex field that a caller of the function releases without locking it, or that a
// function it calls releases without locking or leaves locked. Calls are the model's
// static calls of the package's functions; the function a go statement starts is not
// called (it runs on its own).
func (a *analyzer) report() {
	callers := make(map[*model.Func][]*unit)
	callees := make(map[*unit][]*model.Func)
	for _, u := range a.units {
		seen := make(map[*model.Func]bool)
		for _, cs := range a.locks.CallSites(u.f) {
			if cs.Go || seen[cs.Callee] {
				continue
			}
			seen[cs.Callee] = true
			callees[u] = append(callees[u], cs.Callee)
			callers[cs.Callee] = append(callers[cs.Callee], u)
		}
	}
	for _, u := range a.units {
	pending:
		for _, p := range u.pending {
			if p.class != nil {
				for _, c := range callers[u.f] {
					if c.unlocksForeign[p.class] {
						continue pending
					}
				}
				for _, fn := range callees[u] {
					if g := a.byFunc[fn]; g != nil && g != u && (g.unlocksForeign[p.class] || g.leavesHeld[p.class]) {
						continue pending
					}
				}
			}
			p.report()
		}
	}
}
