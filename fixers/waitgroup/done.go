package waitgroup

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// doneNotDeferred reports goroutines whose wg.Done is not deferred while an early exit
// skips it, and defers it at the start of the goroutine.
func (c *checker) doneNotDeferred() {
	seen := make(map[*ast.FuncDecl]bool)
	for _, g := range c.m.Gos {
		gr, ok := c.goroutineOf(g)
		if !ok {
			continue
		}
		if gr.decl != nil {
			if seen[gr.decl] {
				continue
			}
			seen[gr.decl] = true
			if _, ok := c.onlyStartedByGo(gr.fn); !ok {
				continue // called directly too: its Done may be the caller's business
			}
		}
		c.checkDone(gr)
	}
}

func (c *checker) checkDone(gr goroutine) {
	dones, key, first := c.ownDones(gr)
	if len(dones) == 0 || !c.doneExclusive(gr, key, dones, c.ownAdd(gr, key)) {
		return
	}
	p := c.donePaths(gr, dones)
	for _, es := range dones {
		if cur, ok := gr.f.Cursor.FindNode(es); ok && model.InLoop(cur) {
			p.events = true
		}
	}
	if p.skip == "" || p.events {
		// With a Done per message, say, a return that skips the rest is the goroutine's
		// way to fail (nats.go's consumer tests): the WaitGroup does not count it.
		return
	}
	name := types.ExprString(first.recv)
	d := analysis.Diagnostic{
		Pos:     first.call.Pos(),
		End:     first.call.End(),
		Message: fmt.Sprintf("%s.Done is not deferred and %s skips it: %s.Wait blocks forever", name, p.skip, name),
	}
	if p.skipPos.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: p.skipPos, Message: "skipped here"})
	}
	why := p.why
	if why == "" {
		why = c.whyNotDeferDone(gr, key, first, dones)
	}
	if pos, ok := c.doneWithAdd[gr.body]; ok && why == "" {
		// One fix for both: this one alone would overlap it.
		why = fmt.Sprintf("the fix of the Add at line %d defers it", c.pass.Fset.Position(pos).Line)
	}
	msg := "Defer " + name + ".Done() at the start of the goroutine"
	fix := func(fx *fixkit.Fix) error { return c.deferDone(fx, gr, first, dones) }
	if why == "" && c.goForm(gr, key, c.addBefore(gr, key), nil, dones) {
		msg, fix = c.asGo(name, fix, gr)
	}
	c.reportFix(d, why, msg, fix)
}

// ownDones returns the Done statements, not deferred, of the goroutine itself (outside
// nested literals, go and defer statements), on the WaitGroup of the first of them.
func (c *checker) ownDones(gr goroutine) (dones []*ast.ExprStmt, key ref, first wgCall) {
	inspectBody(gr.body, false, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return false
		case *ast.ExprStmt:
			if w, ok := c.wgStmt(n); ok && w.method == "Done" && w.key.ok() {
				if len(dones) == 0 {
					key, first = w.key, w
				}
				dones = append(dones, n)
			}
		}
		return true
	})
	return dones, key, first
}

// ownAdd returns the call of the goroutine's one Add statement on key in its own body (the
// Add that addInGoroutine may move), or nil.
func (c *checker) ownAdd(gr goroutine, key ref) *ast.CallExpr {
	var add *ast.CallExpr
	adds, calls := c.ownAdds(gr)
	for i := range adds {
		if calls[i].key.equal(key) {
			if add != nil {
				return nil
			}
			add = calls[i].call
		}
	}
	return add
}

// deferDone defers first's Done as the goroutine's first statement and removes the Done
// statements dones.
func (c *checker) deferDone(fx *fixkit.Fix, gr goroutine, first wgCall, dones []*ast.ExprStmt) error {
	recv := dst.Clone(fx.Dst(first.recv)).(dst.Expr)
	body := fx.Dst(gr.body).(*dst.BlockStmt)
	for _, es := range dones {
		cur, ok := gr.f.Cursor.FindNode(es)
		if !ok {
			return fmt.Errorf("statement not found")
		}
		list := fixkit.StmtList(fx.Dst(cur.Parent().Node()))
		i := dstIndex(*list, fx.Dst(es))
		if i < 0 {
			return fmt.Errorf("statement not found")
		}
		removeStmt(list, i, false)
	}
	def := &dst.DeferStmt{Call: &dst.CallExpr{Fun: &dst.SelectorExpr{X: recv, Sel: dst.NewIdent("Done")}}}
	insertStmt(&body.List, 0, def, false)
	return nil
}

// doneExclusive reports whether the goroutine's only use of its WaitGroup is the Done
// statements dones, and nothing it calls may call Done for it: no other WaitGroup use,
// no deferred or nested Done, no WaitGroup passed on, no call of a function of this
// package that calls Done, no value holding a WaitGroup passed to a call.
//
// ignore, when not nil, is the goroutine's own Add on key: it does not count as a use
// (addInGoroutine moves it, or leaves it where it is; the deferred Done is right either
// way).
func (c *checker) doneExclusive(gr goroutine, key ref, dones []*ast.ExprStmt, ignore *ast.CallExpr) bool {
	receivers := make(map[ast.Expr]bool)
	ok := true
	inspectBody(gr.body, true, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if n != gr.stmt && c.mentions(n, key) {
				ok = false
			}
		case *ast.CallExpr:
			if w, isWG := c.wgMethod(n); isWG {
				receivers[w.recv] = true
				if n == ignore {
					break
				}
				if !w.key.equal(key) || w.method != "Done" {
					ok = false
				} else if !slices.ContainsFunc(dones, func(es *ast.ExprStmt) bool { return es.X == n }) {
					ok = false // deferred, or in a nested function
				}
				break
			}
			if c.mayCallDone(n) {
				ok = false
			}
		}
		return ok
	})
	if !ok {
		return false
	}
	// Any other expression holding the WaitGroup (passed, stored, copied).
	inspectBody(gr.body, true, func(n ast.Node) bool {
		e, isExpr := n.(ast.Expr)
		if !isExpr || !ok {
			return ok
		}
		if receivers[e] {
			return false
		}
		if tv, found := c.info.Types[e]; found && !tv.IsType() && isWGish(tv.Type) {
			ok = false
		}
		return ok
	})
	return ok
}

// mayCallDone reports whether call may call Done on a WaitGroup it can reach: a function
// of this package whose body may, through the functions of the package it calls
// (mayDone), or a function whose body this package does not have, given a value that
// holds a WaitGroup (or, for an interface method, one of the package's implementations
// that may).
func (c *checker) mayCallDone(call *ast.CallExpr) bool {
	if f := c.declOf(typeutil.StaticCallee(c.info, call)); f != nil {
		return c.mayDone(f)
	}
	if fn, ok := typeutil.Callee(c.info, call).(*types.Func); ok && typeutil.StaticCallee(c.info, call) == nil {
		for _, g := range c.implementations(fn) {
			if c.mayDone(g) {
				return true
			}
		}
	}
	exprs := slices.Clone(call.Args)
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := c.info.Selections[sel]; ok && s.Kind() == types.MethodVal {
			exprs = append(exprs, sel.X)
		}
	}
	for _, a := range exprs {
		if t := c.info.TypeOf(a); t != nil && holdsWG(t, 0) {
			return true
		}
	}
	return false
}

// funcCallsDone reports whether the declared function f may call Done on a WaitGroup
// (mayDone).
func (c *checker) funcCallsDone(f *model.Func) bool { return c.mayDone(f) }

func (c *checker) callsDone(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if w, ok := c.wgMethod(call); ok && w.method == "Done" {
				found = true
			}
		}
		return !found
	})
	return found
}

// holdsWG reports whether a value of type t holds a WaitGroup or a pointer to one, in
// its fields (to a small depth).
func holdsWG(t types.Type, depth int) bool {
	if depth > 3 {
		return false
	}
	if isWGish(t) {
		return true
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		if holdsWG(st.Field(i).Type(), depth+1) {
			return true
		}
	}
	return false
}

// paths is what the control-flow graph says about the Done statements of a goroutine.
type paths struct {
	skip    string    // what skips Done ("a return"...); empty: no finding
	skipPos token.Pos // where
	why     string    // why the fix cannot be made
	events  bool      // a Done is in a loop: the WaitGroup counts events, not the goroutine
}

// donePaths walks the paths of the goroutine counting its Done statements.
func (c *checker) donePaths(gr goroutine, dones []*ast.ExprStmt) paths {
	var p paths
	g := gr.f.CFG()
	explicit := make(map[ast.Node]bool)
	inspectBody(gr.body, false, func(n ast.Node) bool {
		if r, ok := n.(*ast.ReturnStmt); ok {
			explicit[r] = true
		}
		return true
	})
	isDone := func(n ast.Node) bool {
		es, ok := n.(*ast.ExprStmt)
		return ok && slices.Contains(dones, es)
	}

	type state struct {
		b *cfg.Block
		n int
	}
	seen := make(map[state]bool)
	queue := []state{{g.Blocks[0], 0}}
	multi, structural, reached := false, false, false
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		n := s.n
		for _, node := range s.b.Nodes {
			if isDone(node) {
				n++
				reached = true
			} else if n == 0 && p.skip == "" {
				if call := c.mayGoexit(node); call != nil {
					p.skip, p.skipPos = types.ExprString(call.Fun)+"'s FailNow", call.Pos()
				}
			}
		}
		if n > 1 {
			multi = true
			continue
		}
		if len(s.b.Succs) > 0 {
			for _, succ := range s.b.Succs {
				queue = append(queue, state{succ, n})
			}
			continue
		}
		if n == 1 || len(s.b.Nodes) == 0 {
			continue
		}
		last := s.b.Nodes[len(s.b.Nodes)-1]
		switch {
		case explicit[last]:
			if p.skip == "" {
				p.skip, p.skipPos = "a return", last.Pos()
			}
		case c.terminal(s.b) == exitGoexit:
			p.skip, p.skipPos = "runtime.Goexit", last.Pos()
		case c.terminal(s.b) == exitPanic, c.terminal(s.b) == exitProcess:
			// A panic skips Done, but crashes the program unless recovered (below).
		default:
			if _, ok := last.(*ast.ReturnStmt); ok {
				structural = true // falls off the end without Done
			}
		}
	}
	if p.skip == "" && c.recovers(gr.body) && reached {
		p.skip = "a recovered panic"
	}
	switch {
	case !reached:
		p.skip = ""
	case multi:
		p.why = "a path of the goroutine calls Done more than once"
	case structural:
		p.why = "a path of the goroutine ends without Done and without returning early"
	}
	if p.why == "" {
		for _, b := range g.Blocks {
			if !b.Live {
				continue // dead code (a constant condition): its Done never runs
			}
			for i, node := range b.Nodes {
				if isDone(node) && !c.onlyReturnAfter(b, i) {
					p.why = "the goroutine does more work after Done"
				}
			}
		}
	}
	return p
}

// onlyReturnAfter reports whether, after node i of b, every path leads straight to a
// return whose results make no calls.
func (c *checker) onlyReturnAfter(b *cfg.Block, i int) bool {
	seen := make(map[*cfg.Block]bool)
	var ok func(b *cfg.Block, from int) bool
	ok = func(b *cfg.Block, from int) bool {
		if seen[b] {
			return false // a loop
		}
		seen[b] = true
		for _, n := range b.Nodes[from:] {
			if br, ok := n.(*ast.BranchStmt); ok && br.Tok != token.GOTO {
				continue // break, continue: no work (goto may lead anywhere: the next block says)
			}
			r, isRet := n.(*ast.ReturnStmt)
			if !isRet || c.hasCall(r) {
				return false
			}
		}
		for _, s := range b.Succs {
			if !ok(s, 0) {
				return false
			}
		}
		return true
	}
	return ok(b, i+1)
}

func (c *checker) hasCall(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if call, ok := m.(*ast.CallExpr); ok {
			if tv, ok := c.info.Types[call.Fun]; !ok || !tv.IsType() {
				found = true
			}
		}
		if u, ok := m.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			found = true
		}
		return !found
	})
	return found
}

// recovers reports whether the goroutine defers a call that may recover a panic.
func (c *checker) recovers(body *ast.BlockStmt) bool {
	found := false
	inspectBody(body, false, func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return !found
		}
		if f := c.declOf(typeutil.StaticCallee(c.info, d.Call)); f != nil {
			if c.recovering == nil {
				c.recovering = make(map[*model.Func]bool)
			}
			r, ok := c.recovering[f]
			if !ok {
				r = c.callsRecover(f.Body)
				c.recovering[f] = r
			}
			found = found || r
		} else {
			found = found || c.callsRecover(d.Call)
		}
		return false
	})
	return found
}

// callsRecover reports whether n calls the builtin recover.
func (c *checker) callsRecover(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if call, ok := m.(*ast.CallExpr); ok {
			if b, ok := c.info.Uses[identOf(call.Fun)].(*types.Builtin); ok && b.Name() == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}

// whyNotDeferDone returns why `defer wg.Done()` cannot be the goroutine's first
// statement, or "".
func (c *checker) whyNotDeferDone(gr goroutine, key ref, first wgCall, dones []*ast.ExprStmt) string {
	if !c.stable(key) {
		return "the WaitGroup variable may change"
	}
	if !c.resolvesAt(first.recv, gr.body.Lbrace+1) {
		return "the WaitGroup is not in scope at the start of the goroutine"
	}
	for _, es := range dones {
		cur, _ := gr.f.Cursor.FindNode(es)
		if _, ok := model.StmtList(cur.Parent().Node()); !ok {
			return "a Done is not in a statement list"
		}
	}
	why := ""
	inspectBody(gr.body, false, func(n ast.Node) bool {
		if d, ok := n.(*ast.DeferStmt); ok && c.mayBlock(d.Call) {
			why = "a deferred call, which would now run before Done, may block"
		}
		return why == ""
	})
	return why
}

// mayBlock reports whether a deferred call may wait for another goroutine: a channel
// operation, a select, a blocking method of sync, time.Sleep, in the call, the function
// literal it calls, or the body of the function of this package it calls.
func (c *checker) mayBlock(call *ast.CallExpr) bool {
	if f := c.declOf(typeutil.StaticCallee(c.info, call)); f != nil {
		if c.blocking == nil {
			c.blocking = make(map[*model.Func]bool)
		}
		b, ok := c.blocking[f]
		if !ok {
			b = c.blocks(f.Body)
			c.blocking[f] = b
		}
		return b
	}
	return c.blocks(call)
}

// blocks reports whether n has a channel operation, a select, a blocking method of sync
// or time.Sleep.
func (c *checker) blocks(target ast.Node) bool {
	found := false
	ast.Inspect(target, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt, *ast.SelectStmt:
			found = true
		case *ast.UnaryExpr:
			found = n.Op == token.ARROW
		case *ast.RangeStmt:
			if t := c.info.TypeOf(n.X); t != nil {
				_, found = t.Underlying().(*types.Chan)
			}
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(c.info, n).(*types.Func); ok {
				switch fn.FullName() {
				case "(*sync.WaitGroup).Wait", "(*sync.Mutex).Lock", "(*sync.RWMutex).Lock",
					"(*sync.RWMutex).RLock", "(*sync.Cond).Wait", "time.Sleep":
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// mayGoexit returns a call in node (outside function literals) that ends the goroutine
// with runtime.Goexit when its check fails (model.MayGoexit: testify's require), or nil.
func (c *checker) mayGoexit(node ast.Node) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if found == nil && c.m.MayGoexit(n) {
				found = n
			}
		}
		return found == nil
	})
	return found
}
