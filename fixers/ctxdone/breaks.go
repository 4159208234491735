package ctxdone

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Ineffective breaks (issue 14; staticcheck's SA4011 reports the break itself): in
//
//	for {
//		select {
//		case <-ticker.C:
//			...
//		case <-ctx.Done():
//			break
//		}
//	}
//
// the break leaves the select, not the loop. A Done channel stays ready once it is
// closed, so after cancellation every iteration takes that case again: the goroutine
// spins on the closed channel forever (DataDog/datadog-agent#47044, gocraft/health#8,
// syncthing/syncthing#7492, kubernetes/kubernetes#90257). The fix labels the loop (or
// reuses its label) and writes break Label, which leaves the loop as the author meant.

// A breakFinding is the ineffective breaks of one loop: one finding, one fix.
type breakFinding struct {
	fn      *model.Func
	loop    ast.Stmt // *ast.ForStmt or *ast.RangeStmt
	loopCur inspector.Cursor
	breaks  []*ast.BranchStmt
	d       analysis.Diagnostic
	refused string
	refPos  token.Pos
}

// checkBreaks reports the breaks that leave only the select of a case on a channel that
// stays ready, inside a loop that nothing else leaves.
func (c *checker) checkBreaks() {
	byLoop := make(map[ast.Stmt]*breakFinding)
	var found []*breakFinding
	for _, f := range c.m.Funcs {
		var live map[ast.Node]bool
		inspectFunc(f, func(cur inspector.Cursor) bool {
			b, ok := cur.Node().(*ast.BranchStmt)
			if !ok || b.Tok != token.BREAK || b.Label != nil || cur.ParentEdgeKind() != edge.CommClause_Body {
				return true
			}
			if live == nil {
				live = liveNodes(f)
			}
			bf, why := c.ineffectiveBreak(f, cur, live)
			if bf == nil {
				return true
			}
			if prev := byLoop[bf.loop]; prev != nil {
				prev.breaks = append(prev.breaks, b)
				if prev.refused == "" && why != "" {
					prev.refused, prev.refPos = why, b.Pos()
				}
				return true
			}
			if why != "" {
				bf.refused, bf.refPos = why, b.Pos()
			}
			byLoop[bf.loop] = bf
			found = append(found, bf)
			return true
		})
	}
	// New labels are named in source order: the first loop of a function gets "loop".
	slices.SortFunc(found, func(a, b *breakFinding) int { return int(a.loop.Pos() - b.loop.Pos()) })
	labels := make(map[ast.Node]map[string]bool) // label names taken, by top-level function
	for _, bf := range found {
		if bf.refused != "" {
			fixkit.Refuse(c.pass, bf.d, bf.refPos, bf.refused)
			continue
		}
		label, isNew := c.loopLabel(bf, labels)
		fixkit.Report(c.pass, bf.d, "Break out of the loop", func(fx *fixkit.Fix) error {
			return c.breakFix(fx, bf, label, isNew)
		})
	}
}

// ineffectiveBreak returns the finding for the break at cur, an unlabelled break that is
// a statement of a select case's body, or nil when it is not surely a bug. A non-empty
// reason says why the finding has no fix.
func (c *checker) ineffectiveBreak(f *model.Func, cur inspector.Cursor, live map[ast.Node]bool) (*breakFinding, string) {
	b := cur.Node().(*ast.BranchStmt)
	ccCur := cur.Parent()
	cc := ccCur.Node().(*ast.CommClause)
	// The break ends the clause: every path through the clause reaches it (an earlier
	// break, inside an if, skips the rest of the clause on purpose).
	if len(cc.Body) == 0 || cc.Body[len(cc.Body)-1] != b || !live[b] {
		return nil, ""
	}
	recv := commRecv(cc.Comm)
	if recv == nil {
		return nil, "" // a send case, or the default case
	}
	if as, ok := cc.Comm.(*ast.AssignStmt); ok && len(as.Lhs) == 2 {
		return nil, "" // v, ok := <-ch: the case tells a close from a value
	}
	selCur := ccCur.Parent().Parent() // CommClause -> BlockStmt -> SelectStmt
	// The loop the author meant to leave: the innermost loop around the select, in the
	// same function.
	var (
		loopCur inspector.Cursor
		between ast.Node // a switch or select between the select and the loop
	)
	for p := selCur.Parent(); p.Valid() && !loopCur.Valid(); p = p.Parent() {
		switch n := p.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil, ""
		case *ast.ForStmt, *ast.RangeStmt:
			loopCur = p
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if between == nil {
				between = n
			}
		}
	}
	if !loopCur.Valid() {
		return nil, "" // a select outside loops: the break ends it, as written
	}
	loop := loopCur.Node().(ast.Stmt)
	stays, what := c.staysReady(f, recv.X, loop)
	if !stays {
		return nil, ""
	}
	// Nothing leaves the loop for elsewhere (no return, no goto, no break or continue of
	// an outer statement), so that the label bypasses no other exit's path (if
	// ctx.Err() != nil { return } at the top of the body). Breaks of the loop itself go
	// where the label goes: the loop does not spin forever then, but goes on after the
	// close (kubernetes/kubernetes#141243).
	var body *ast.BlockStmt
	forever := false
	switch l := loop.(type) {
	case *ast.ForStmt:
		body = l.Body
		forever = l.Cond == nil
		if l.Cond != nil {
			v, ok := c.m.ConstCond(l.Cond)
			forever = ok && v
		}
	case *ast.RangeStmt:
		body = l.Body
	}
	elsewhere, breaks := loopExits(loopCur, body, live)
	if elsewhere {
		return nil, ""
	}
	if l, ok := loop.(*ast.ForStmt); ok && l.Cond != nil && c.condEnds(l.Cond, cc, recv.X) {
		return nil, ""
	}
	forever = forever && !breaks
	msg := fmt.Sprintf("break in the %s case leaves only the select: the loop spins on the closed channel forever", what)
	if !forever {
		msg = fmt.Sprintf("break in the %s case leaves only the select: the loop goes on with the closed channel ready", what)
	}
	bf := &breakFinding{fn: f, loop: loop, loopCur: loopCur, breaks: []*ast.BranchStmt{b}, d: analysis.Diagnostic{Pos: b.Pos(), Message: msg}}
	if between != nil {
		kind := "switch"
		if _, ok := between.(*ast.SelectStmt); ok {
			kind = "select"
		}
		return bf, "the select is inside a " + kind + " of the loop: the break may be meant to leave it"
	}
	if ch := c.drains(f, loop); ch != nil {
		return bf, "leaving the loop would stop draining " + types.ExprString(ch) + ": its senders could block"
	}
	if r, ok := loop.(*ast.RangeStmt); ok {
		switch t := c.info.TypeOf(r.X); {
		case t == nil:
			return bf, "the range's operand has no type"
		case isFuncType(t):
			return bf, "the loop ranges over an iterator: leaving it stops the iterator early"
		}
	}
	return bf, ""
}

// condEnds reports whether the loop's condition may end the loop once the case ran: it
// reads a variable or field that the case sets (for !complete { ... complete = true;
// break }), or the context or channel of the case (for ctx.Err() == nil). The break is
// then redundant, not a bug.
func (c *checker) condEnds(cond ast.Expr, cc *ast.CommClause, ch ast.Expr) bool {
	read := make(map[types.Object]bool)
	ast.Inspect(cond, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok {
			if o := c.refObj(e); o != nil {
				read[o] = true
			}
		}
		return true
	})
	base := ch
	if call, ok := ast.Unparen(ch).(*ast.CallExpr); ok {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			base = sel.X
		}
	}
	if o := c.refObj(base); o != nil && read[o] {
		return true
	}
	sets := false
	for _, st := range cc.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if o := c.refObj(l); o != nil && read[o] {
						sets = true
					}
				}
			case *ast.IncDecStmt:
				if o := c.refObj(n.X); o != nil && read[o] {
					sets = true
				}
			}
			return !sets
		})
	}
	return sets
}

// loopExits reports whether a live statement of the loop's body leaves it for elsewhere
// than the statement after it (a return, a goto, a break or continue of an outer
// statement), and whether one breaks the loop itself. Function literals are not
// followed, and breaks inside inner loops, switches and selects belong to them.
func loopExits(loopCur inspector.Cursor, body *ast.BlockStmt, live map[ast.Node]bool) (elsewhere, breaks bool) {
	var own string
	if ls, ok := loopCur.Parent().Node().(*ast.LabeledStmt); ok {
		own = ls.Label.Name
	}
	inner := make(map[string]bool)
	ast.Inspect(body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok {
			inner[ls.Label.Name] = true
		}
		_, lit := n.(*ast.FuncLit)
		return !lit
	})
	var walk func(n ast.Node, depth int)
	walk = func(root ast.Node, depth int) {
		ast.Inspect(root, func(n ast.Node) bool {
			if elsewhere || n == nil {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				elsewhere = live[n]
			case *ast.BranchStmt:
				if !live[n] {
					return true
				}
				switch {
				case n.Tok == token.GOTO:
					elsewhere = true
				case n.Label == nil:
					if n.Tok == token.BREAK && depth == 0 {
						breaks = true
					}
				case inner[n.Label.Name]:
				case n.Label.Name == own:
					if n.Tok == token.BREAK {
						breaks = true
					}
				default:
					elsewhere = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != root {
					walk(model.StmtBody(n), depth+1)
					return false
				}
			}
			return true
		})
	}
	walk(body, 0)
	return elsewhere, breaks
}

// drains returns the channel that the loop receives from outside select statements
// (for v := range ch, v, ok := <-ch; if !ok { break }), or nil: a loop that drains a
// channel after the close keeps its senders going, and leaving it could block them.
// Receives in a select with the closed case are not draining: that select already
// chooses to stop at the close.
func (c *checker) drains(f *model.Func, loop ast.Stmt) ast.Expr {
	for _, op := range c.cs.Ops {
		if (op.Kind == model.Recv || op.Kind == model.Range) && op.Func == f && op.Select == nil && inside(loop, op.Node) {
			return op.Ch
		}
	}
	return nil
}

func isFuncType(t types.Type) bool {
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

// staysReady reports whether a receive from ch, once it succeeded, succeeds at once every
// time again while the loop runs: a context's Done channel, or a channel of the package
// that is closed and never sent on, whose variable the loop does not set (s.stop = nil
// disables the case; ctx = fresh resets it). It also returns how the case is named in
// the finding.
func (c *checker) staysReady(f *model.Func, ch ast.Expr, loop ast.Stmt) (bool, string) {
	what := types.ExprString(ch)
	if call, ok := ast.Unparen(ch).(*ast.CallExpr); ok && c.isContextDone(call) {
		sel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		return !c.setIn(loop, sel.X), what
	}
	cl := c.cs.Of(ch)
	if cl == nil || c.setIn(loop, ch) || c.replaced(f, ch, loop) {
		return false, ""
	}
	for _, op := range cl.Ops {
		if op.Kind == model.Send {
			return false, "" // a value, not a close, may make the case ready
		}
	}
	if cl.Done {
		return true, what
	}
	if cl.Escapes != "" && !isEmptyStructChan(c.info.TypeOf(ch)) {
		return false, "" // code of other packages may send on it
	}
	// Closed while the loop runs: by another function (a goroutine literal of f's too),
	// or in the loop itself; a close by f after the loop (defer close(done)) says that f
	// is finished.
	for _, op := range cl.Ops {
		if op.Kind == model.Close && (op.Func != f || inside(loop, op.Node)) {
			return true, what
		}
	}
	return false, ""
}

// replaced reports whether the variable or field that ch denotes may be given a new
// channel while the loop runs: an assignment to it (=) that is neither in f before the
// loop nor, in a function that starts f, before its go statement. The loop reads the
// new, open channel on its next round (a reconnect that makes a fresh closed channel),
// so the break may be meant.
func (c *checker) replaced(f *model.Func, ch ast.Expr, loop ast.Stmt) bool {
	o := c.refObj(ch)
	if o == nil {
		return false
	}
	for _, pos := range c.cs.Assigned(o) {
		if f.Body.Pos() <= pos && pos < loop.Pos() && c.funcAt(pos) == f {
			continue
		}
		if !slices.ContainsFunc(f.Started, func(g *model.Go) bool {
			return g.In.Body.Pos() <= pos && pos < g.Stmt.Pos() && c.funcAt(pos) == g.In
		}) {
			return true
		}
	}
	return false
}

// funcAt returns the innermost function of the package that holds pos, or nil.
func (c *checker) funcAt(pos token.Pos) *model.Func {
	cur, ok := c.m.Inspector.Root().FindByPos(pos, pos)
	if !ok {
		return nil
	}
	return c.m.Enclosing(cur)
}

func inside(outer, n ast.Node) bool { return outer.Pos() <= n.Pos() && n.End() <= outer.End() }

// isContextDone reports whether call is x.Done() where x's type implements
// context.Context: its channel is closed when the context is done, and stays closed.
func (c *checker) isContextDone(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || fn.Name() != "Done" || fn.Signature().Recv() == nil || len(call.Args) != 0 {
		return false
	}
	if model.IsContextMethod(fn, "Done") {
		return true
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	iface := contextIface(c.pass.Pkg, make(map[*types.Package]bool))
	t := c.info.TypeOf(sel.X)
	return iface != nil && t != nil && types.Implements(t, iface)
}

// contextIface returns context.Context's interface, found among the packages pkg imports
// (directly or not), or nil.
func contextIface(pkg *types.Package, seen map[*types.Package]bool) *types.Interface {
	if seen[pkg] {
		return nil
	}
	seen[pkg] = true
	if pkg.Path() == "context" {
		if tn, ok := pkg.Scope().Lookup("Context").(*types.TypeName); ok {
			iface, _ := tn.Type().Underlying().(*types.Interface)
			return iface
		}
		return nil
	}
	for _, imp := range pkg.Imports() {
		if iface := contextIface(imp, seen); iface != nil {
			return iface
		}
	}
	return nil
}

// setIn reports whether the variable or field that e denotes (e itself, or the base of
// a selector or call: ctx in ctx.Done(), s.stop) is assigned, or has its address taken,
// in n, function literals included.
func (c *checker) setIn(n ast.Node, e ast.Expr) bool {
	obj := c.refObj(e)
	if obj == nil {
		return false
	}
	set := false
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.AssignStmt:
			if m.Tok == token.DEFINE {
				return true
			}
			for _, l := range m.Lhs {
				if c.refObj(l) == obj {
					set = true
				}
			}
		case *ast.UnaryExpr:
			if m.Op == token.AND && c.refObj(m.X) == obj {
				set = true
			}
		}
		return !set
	})
	return set
}

// refObj returns the variable or field that e denotes, or nil.
func (c *checker) refObj(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := c.info.ObjectOf(e).(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok {
			if sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			return nil
		}
		if v, ok := c.info.Uses[e.Sel].(*types.Var); ok {
			return v
		}
	}
	return nil
}

// loopLabel returns the label of bf's loop, and whether it is new: a name that no label
// of the top-level function that holds the loop has, nor one that an earlier finding
// there took.
func (c *checker) loopLabel(bf *breakFinding, labels map[ast.Node]map[string]bool) (string, bool) {
	if ls, ok := bf.loopCur.Parent().Node().(*ast.LabeledStmt); ok && ls.Stmt == bf.loop {
		return ls.Label.Name, false
	}
	top := bf.fn
	for top.Outer != nil {
		top = top.Outer
	}
	taken := labels[top.Node]
	if taken == nil {
		taken = make(map[string]bool)
		ast.Inspect(top.Node, func(n ast.Node) bool {
			if ls, ok := n.(*ast.LabeledStmt); ok {
				taken[ls.Label.Name] = true
			}
			return true
		})
		labels[top.Node] = taken
	}
	name := fixkit.Numbered("loop", func(n string) bool { return taken[n] })
	taken[name] = true
	return name, true
}

// breakFix writes break label for bf's breaks and, when the label is new, labels the loop.
func (c *checker) breakFix(fx *fixkit.Fix, bf *breakFinding, label string, isNew bool) error {
	for _, b := range bf.breaks {
		fx.Dst(b).(*dst.BranchStmt).Label = dst.NewIdent(label)
	}
	if !isNew {
		return nil
	}
	list := fixkit.StmtList(fx.Dst(bf.loopCur.Parent().Node()))
	if list == nil {
		return fixkit.Refusalf("the loop is not in a statement list")
	}
	dl := fx.Dst(bf.loop).(dst.Stmt)
	i := slices.Index(*list, dl)
	if i < 0 {
		return fmt.Errorf("loop not found in its statement list")
	}
	ls := &dst.LabeledStmt{Label: dst.NewIdent(label), Stmt: dl}
	decs := dl.Decorations()
	ls.Decs.Before, ls.Decs.Start, ls.Decs.After = decs.Before, decs.Start, decs.After
	decs.Before, decs.Start, decs.After = dst.NewLine, nil, dst.None
	(*list)[i] = ls
	return nil
}
