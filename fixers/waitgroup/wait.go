package waitgroup

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// waitInLoop reports wg.Wait as the last statement of the loop that starts the
// goroutines it waits for, and moves it after the loop.
func (c *checker) waitInLoop() {
	for cur := range c.insp.Root().Preorder((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil)) {
		n := cur.Node()
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.ForStmt:
			body = n.Body
		case *ast.RangeStmt:
			body = n.Body
		}
		if len(body.List) < 2 {
			continue
		}
		last := body.List[len(body.List)-1]
		w, ok := c.wgStmt(last)
		if !ok || w.method != "Wait" || !w.key.ok() {
			continue
		}
		if contains(n, posNode(w.key.base.Pos())) {
			continue // a WaitGroup per iteration: waiting in the loop is the point
		}
		if c.inBenchmark(cur) {
			continue // one iteration at a time is what the benchmark measures
		}
		gos, nested := c.loopGoroutines(body, w.key)
		if len(gos) == 0 || nested {
			continue // no goroutine of this loop counted by wg, or batches of an inner loop
		}
		name := types.ExprString(w.recv)
		d := analysis.Diagnostic{
			Pos:     w.call.Pos(),
			End:     w.call.End(),
			Message: fmt.Sprintf("%s.Wait is called inside the loop that starts the goroutines: they run one at a time", name),
		}
		loop := n.(ast.Stmt)
		move, why := c.planWaitMove(cur, loop, body, gos, w)
		c.reportFix(d, why, "Move "+name+".Wait after the loop", move)
	}
}

// inBenchmark reports whether the loop at cur runs in a benchmark: a function with a
// *testing.B or *testing.PB parameter contains it (for i := 0; i < b.N; i++,
// for b.Loop(), for pb.Next(), or a helper given b). Its iterations are what the
// benchmark times, so a Wait in them is the measured unit, not a slip (Workiva's
// go-datastructures futures BenchmarkFuture).
func (c *checker) inBenchmark(cur inspector.Cursor) bool {
	for f := c.m.Enclosing(cur); f != nil; f = f.Outer {
		if f.Sig == nil {
			continue
		}
		for v := range f.Sig.Params().Variables() {
			if p, ok := types.Unalias(v.Type()).(*types.Pointer); ok && model.IsNamed(p.Elem(), "testing", "B", "PB") {
				return true
			}
		}
	}
	return false
}

// loopGoroutines returns the go statements of the loop body (outside nested loops and
// function literals) whose goroutines are counted by key, and whether a nested loop
// starts such goroutines.
func (c *checker) loopGoroutines(body *ast.BlockStmt, key ref) (gos []goroutine, nested bool) {
	var visit func(n ast.Node, inner bool)
	visit = func(root ast.Node, inner bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if n != root {
					visit(n, true)
					return false
				}
			case *ast.GoStmt:
				gr, ok := c.goroutineOf(c.goOf[n])
				if ok && c.countedBy(gr, key) {
					if inner {
						nested = true
					} else {
						gos = append(gos, gr)
					}
				}
				return false
			}
			return true
		})
	}
	visit(body, false)
	return gos, nested
}

// countedBy reports whether the goroutine calls Done on key: a function literal using
// the WaitGroup, or a function given it as an argument.
func (c *checker) countedBy(gr goroutine, key ref) bool {
	if gr.lit != nil {
		found := false
		ast.Inspect(gr.body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if w, ok := c.wgMethod(call); ok && w.method == "Done" && w.key.equal(key) {
					found = true
				}
			}
			return !found
		})
		return found
	}
	for _, a := range gr.stmt.Call.Args {
		if c.refOf(a).equal(key) && c.callsDone(gr.body) {
			return true
		}
	}
	return false
}

// planWaitMove decides whether the Wait can move after the loop: the goroutines must
// not share mutable state with each other or with the rest of the loop, and nothing may
// leave the loop in a way that skipped the Wait.
func (c *checker) planWaitMove(cur inspector.Cursor, loop ast.Stmt, body *ast.BlockStmt, gos []goroutine, w wgCall) (func(fx *fixkit.Fix) error, string) {
	// Where the Wait goes.
	var outer ast.Stmt = loop
	parent := cur.Parent().Node()
	var label *ast.Ident
	if l, ok := parent.(*ast.LabeledStmt); ok {
		outer, label = l, l.Label
		parent = cur.Parent().Parent().Node()
	}
	list, ok := model.StmtList(parent)
	if !ok {
		return nil, "the loop is not in a statement list"
	}
	idx := indexOf(list, outer)
	if !c.resolvesAt(w.recv, outer.End()) {
		return nil, "the WaitGroup is not in scope after the loop"
	}

	// The loop must end, and only by its condition or a break.
	if f, ok := loop.(*ast.ForStmt); ok && f.Cond == nil && !breaks(body, label) {
		return nil, "the loop does not end"
	}
	if why := leavesLoop(body, label); why != "" {
		return nil, why
	}

	// Each goroutine must be a function literal that writes no shared state.
	perIter := c.perIteration(loop, body)
	shared := make(map[*types.Var]bool)
	for _, gr := range gos {
		if gr.lit == nil {
			return nil, "cannot check what " + gr.fn.Name() + " shares with the loop"
		}
		if c.recovers(gr.body) || c.exits(gr.body) {
			return nil, "the goroutines isolate a panic or runtime.Goexit"
		}
		slots := make(map[*ast.Ident]bool)
		if why := c.sharedWrites(gr.lit, body, perIter, slots); why != "" {
			return nil, why
		}
		for v := range c.captured(gr.lit) {
			if v == w.key.base || perIter[v] {
				continue
			}
			shared[v] = true
			// What goroutines of different iterations share must be safe to use at once:
			// plain values never assigned, contexts, channels, sync and sync/atomic
			// values, or a slice they only write at indices of their own.
			if c.immutable(v) || isChan(v.Type()) || concurrentSafe(v.Type()) {
				continue
			}
			onlySlots := true
			ast.Inspect(gr.body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && c.info.Uses[id] == types.Object(v) && !slots[id] {
					onlySlots = false
				}
				return onlySlots
			})
			if !onlySlots {
				return nil, "the goroutines share " + v.Name()
			}
		}
	}
	// Before go1.22 the loop variables are shared by all iterations.
	for v := range c.headerVars(loop) {
		if shared[v] {
			return nil, "the goroutines share the loop variable " + v.Name() + " (before go1.22)"
		}
	}
	// The rest of the loop (and its header) must not use what the goroutines share,
	// unless it is an immutable value.
	var header []ast.Node
	switch l := loop.(type) {
	case *ast.ForStmt:
		header = []ast.Node{l.Cond, l.Post}
	case *ast.RangeStmt:
		header = []ast.Node{l.X}
	}
	rest := header
	for _, s := range body.List[:len(body.List)-1] {
		skip := false
		for _, gr := range gos {
			if s == gr.stmt {
				skip = true
			}
		}
		if a, ok := c.wgStmt(s); ok && a.key.equal(w.key) && a.method == "Add" {
			skip = true
		}
		if !skip {
			rest = append(rest, s)
		}
	}
	for _, n := range rest {
		if n == nil {
			continue
		}
		why := ""
		ast.Inspect(n, func(m ast.Node) bool {
			if id, ok := m.(*ast.Ident); ok {
				if v, ok := c.info.Uses[id].(*types.Var); ok && shared[v] && !c.immutable(v) {
					why = "the goroutines share " + v.Name() + " with the loop"
				}
			}
			if g, ok := m.(*ast.GoStmt); ok {
				for _, gr := range gos {
					if g == gr.stmt {
						return false
					}
				}
			}
			return why == ""
		})
		if why != "" {
			return nil, why
		}
	}

	alreadyAfter := false
	if idx+1 < len(list) {
		if a, ok := c.wgStmt(list[idx+1]); ok && a.method == "Wait" && a.key.equal(w.key) {
			alreadyAfter = true
		}
	}
	return func(fx *fixkit.Fix) error {
		outerList := fixkit.StmtList(fx.Dst(parent))
		bodyList := fixkit.StmtList(fx.Dst(body))
		st := removeStmt(bodyList, len(body.List)-1, !alreadyAfter)
		if alreadyAfter {
			return nil
		}
		insertAfter(outerList, idx, st)
		return nil
	}, ""
}

// breaks reports whether body has a break that leaves the loop it is the body of.
func breaks(body *ast.BlockStmt, label *ast.Ident) bool {
	found := false
	model.WalkBranches(body, func(b *ast.BranchStmt, depth int) {
		if b.Tok == token.BREAK && (b.Label == nil && depth == 0 || b.Label != nil && label != nil && b.Label.Name == label.Name) {
			found = true
		}
	})
	return found
}

// leavesLoop returns why a statement of body leaves the loop other than by break or
// continue of the loop itself: return, goto, a labelled branch to an outer statement.
func leavesLoop(body *ast.BlockStmt, label *ast.Ident) string {
	why := ""
	inner := make(map[string]bool)
	ast.Inspect(body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			inner[l.Label.Name] = true
		}
		_, lit := n.(*ast.FuncLit)
		return !lit
	})
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			why = "a return leaves the loop without waiting"
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				why = "a goto leaves the loop"
			} else if n.Label != nil && !inner[n.Label.Name] && (label == nil || n.Label.Name != label.Name) {
				why = "a branch leaves the loop"
			}
		}
		return why == ""
	})
	return why
}

// perIteration returns the variables that are fresh in each iteration of the loop:
// those declared in its body, and (from go1.22) those its header declares.
func (c *checker) perIteration(loop ast.Stmt, body *ast.BlockStmt) map[*types.Var]bool {
	vars := make(map[*types.Var]bool)
	ast.Inspect(body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := c.info.Defs[id].(*types.Var); ok {
				vars[v] = true
			}
		}
		return true
	})
	if !c.atLeast(loop.Pos(), "go1.22") {
		return vars
	}
	var decl []ast.Node
	switch l := loop.(type) {
	case *ast.ForStmt:
		if l.Init != nil {
			decl = append(decl, l.Init)
		}
	case *ast.RangeStmt:
		if l.Tok == token.DEFINE {
			if l.Key != nil {
				decl = append(decl, l.Key)
			}
			if l.Value != nil {
				decl = append(decl, l.Value)
			}
		}
	}
	for _, d := range decl {
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := c.info.Defs[id].(*types.Var); ok {
					vars[v] = true
				}
			}
			return true
		})
	}
	return vars
}

// captured returns the variables that lit uses and does not declare (package-level
// variables included).
func (c *checker) captured(lit *ast.FuncLit) map[*types.Var]bool {
	vars := make(map[*types.Var]bool)
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := c.info.Uses[id].(*types.Var); ok && !v.IsField() && !contains(lit, posNode(v.Pos())) {
				vars[v] = true
			}
		}
		return true
	})
	return vars
}

// immutable reports whether v is never assigned after its declaration and holds a plain
// value (numbers, strings, structs and arrays of them, context.Context): then reading it
// in the loop and in the goroutines at once is safe.
func (c *checker) immutable(v *types.Var) bool {
	if c.assigned[v] {
		return false
	}
	if v.Parent() == v.Pkg().Scope() && (v.Exported() || v.Pkg() != c.pass.Pkg) {
		return false
	}
	return plainValue(v.Type(), 0)
}

func plainValue(t types.Type, depth int) bool {
	if depth > 4 {
		return false
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil &&
		n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context" {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() != types.UnsafePointer
	case *types.Array:
		return plainValue(u.Elem(), depth+1)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !plainValue(u.Field(i).Type(), depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// sharedWrites returns why lit may write state that another goroutine of the loop, or
// the loop itself, uses: it may only write its own variables, send on channels, and
// write the element of a slice at an index of its own (s[i] = v with i per iteration).
func (c *checker) sharedWrites(lit *ast.FuncLit, body *ast.BlockStmt, perIter map[*types.Var]bool, slots map[*ast.Ident]bool) string {
	why := ""
	own := func(v *types.Var) bool { return contains(lit, posNode(v.Pos())) }
	param := func(v *types.Var) bool {
		return v.Pos() >= lit.Type.Pos() && v.Pos() < lit.Type.End()
	}
	checkLHS := func(e ast.Expr) {
		if why != "" {
			return
		}
		if base := c.slot(lit, body, e, perIter); base != nil {
			slots[base] = true
			return
		}
		root, indirect := c.rootOf(e)
		if root == nil {
			why = "the goroutines write " + types.ExprString(e)
			return
		}
		if own(root) && !(param(root) && indirect) {
			return // its own variable (or what a local variable of its own points to)
		}
		why = "the goroutines write " + types.ExprString(e) + ", which they may share"
	}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && (id.Name == "_" || n.Tok == token.DEFINE && c.info.Defs[id] != nil) {
					continue
				}
				checkLHS(l)
			}
		case *ast.IncDecStmt:
			checkLHS(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						checkLHS(e)
					}
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if root, _ := c.rootOf(n.X); root == nil || !own(root) {
					why = "the goroutines take the address of " + types.ExprString(n.X)
				}
			}
		case *ast.SelectorExpr:
			// x.M() with a pointer receiver on an addressable variable: &x is implicit.
			if s, ok := c.info.Selections[n]; ok && s.Kind() == types.MethodVal {
				if _, ptrRecv := s.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer); ptrRecv && !concurrentSafe(c.info.TypeOf(n.X)) {
					if _, isPtr := c.info.TypeOf(n.X).Underlying().(*types.Pointer); !isPtr {
						if root, _ := c.rootOf(n.X); root != nil && !own(root) {
							why = "the goroutines call " + types.ExprString(n) + " on a shared variable"
						}
					}
				}
			}
		}
		return why == ""
	})
	return why
}

// rootOf returns the variable at the root of an lvalue (x, x.f, x[i], *x...) and whether
// the path from it goes through a pointer, slice or map (so that it writes storage the
// variable only refers to).
func (c *checker) rootOf(e ast.Expr) (*types.Var, bool) {
	indirect := false
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, _ := c.info.Uses[x].(*types.Var)
			if v == nil {
				v, _ = c.info.Defs[x].(*types.Var)
			}
			return v, indirect
		case *ast.SelectorExpr:
			if s, ok := c.info.Selections[x]; ok {
				if s.Indirect() {
					indirect = true
				}
				e = x.X
				continue
			}
			v, _ := c.info.Uses[x.Sel].(*types.Var) // pkg.V
			return v, indirect
		case *ast.IndexExpr:
			if t := c.info.TypeOf(x.X); t != nil {
				if _, isArray := t.Underlying().(*types.Array); !isArray {
					indirect = true
				}
			}
			e = x.X
		case *ast.StarExpr:
			indirect = true
			e = x.X
		default:
			return nil, indirect
		}
	}
}

// slot returns the s of e when e is s[i] (or a field of it) with s a slice the goroutine does not
// declare and i a per-iteration variable or a parameter of lit that it never assigns.
func (c *checker) slot(lit *ast.FuncLit, body *ast.BlockStmt, e ast.Expr, perIter map[*types.Var]bool) *ast.Ident {
	e = ast.Unparen(e)
	for {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			break
		}
		if s, ok := c.info.Selections[sel]; !ok || s.Indirect() {
			return nil
		}
		e = ast.Unparen(sel.X)
	}
	ix, ok := e.(*ast.IndexExpr)
	if !ok {
		return nil
	}
	if t := c.info.TypeOf(ix.X); t == nil {
		return nil
	} else if _, isSlice := t.Underlying().(*types.Slice); !isSlice {
		return nil
	}
	s, ok := ast.Unparen(ix.X).(*ast.Ident)
	if !ok {
		return nil
	}
	if v, ok := c.info.Uses[s].(*types.Var); !ok || contains(lit, posNode(v.Pos())) {
		return nil
	}
	i, ok := ast.Unparen(ix.Index).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.info.Uses[i].(*types.Var)
	if !ok {
		return nil
	}
	isParam := v.Pos() >= lit.Type.Pos() && v.Pos() < lit.Type.End()
	if !isParam && !perIter[v] {
		return nil
	}
	// i is not assigned in the loop body (the goroutine included): each goroutine has
	// an index of its own.
	if c.assignedIn(body, v) {
		return nil
	}
	return s
}

// assignedIn reports whether n assigns v or takes its address.
func (c *checker) assignedIn(n ast.Node, v *types.Var) bool {
	found := false
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && c.info.Uses[id] == types.Object(v)
	}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.AssignStmt:
			for _, l := range m.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = found || is(m.X)
		case *ast.RangeStmt:
			found = found || m.Tok == token.ASSIGN && (m.Key != nil && is(m.Key) || m.Value != nil && is(m.Value))
		case *ast.UnaryExpr:
			found = found || m.Op == token.AND && is(m.X)
		}
		return !found
	})
	return found
}

// headerVars returns the variables the loop header declares or assigns.
func (c *checker) headerVars(loop ast.Stmt) map[*types.Var]bool {
	vars := make(map[*types.Var]bool)
	var nodes []ast.Node
	switch l := loop.(type) {
	case *ast.ForStmt:
		nodes = []ast.Node{l.Init, l.Post}
	case *ast.RangeStmt:
		nodes = []ast.Node{l.Key, l.Value}
	}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		ast.Inspect(n, func(m ast.Node) bool {
			if id, ok := m.(*ast.Ident); ok {
				if v, ok := c.info.ObjectOf(id).(*types.Var); ok {
					vars[v] = true
				}
			}
			return true
		})
	}
	return vars
}

func isChan(t types.Type) bool {
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// exits reports whether body calls runtime.Goexit (or a testing method that does).
func (c *checker) exits(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && c.exitOf(call) == exitGoexit {
			found = true
		}
		return !found
	})
	return found
}

// concurrentSafe reports whether t is (a pointer to) a type of sync or sync/atomic,
// made to be used by several goroutines at once.
func concurrentSafe(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	switch n.Obj().Pkg().Path() {
	case "sync", "sync/atomic":
		return true
	}
	return false
}
