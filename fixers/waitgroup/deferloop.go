package waitgroup

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// deferInLoop reports a deferred Done inside a loop of the goroutine that one Add(1)
// counts (minus5/go-uof-sdk#8): every iteration defers one more Done, all run when the
// goroutine returns, and the second one makes the counter negative (a panic).
//
// It is reported when the goroutine is a function literal counted by wg.Add(1) directly
// before its go statement, the loop can run the defer again (a cycle of the goroutine's
// control-flow graph goes through it), the goroutine uses the WaitGroup only in that
// deferred Done (no other Add or Done, the WaitGroup passed to nothing), the WaitGroup is
// a local variable or a field (not a package variable that other code can reach), and
// every Add on it in the package is such a goroutine's Add(1) (no Add that the extra
// Dones could balance). Other packages must not see the WaitGroup: an exported field
// outside package main is left alone.
//
// The fix moves the defer before the loop when the loop is `for { ... }` (no condition:
// its body runs whenever the loop is reached), the defer is its first statement, and
// the loop is in no other loop of the goroutine: the first iteration's Done is then the
// only one, deferred at the same point. Otherwise it is reported only.
func (c *checker) deferInLoop() {
	for _, g := range c.m.Gos {
		gr, ok := c.goroutineOf(g)
		if !ok || gr.lit == nil {
			continue
		}
		for cur := range gr.f.Cursor.Preorder((*ast.DeferStmt)(nil)) {
			if c.m.Enclosing(cur) != gr.f || !model.InLoop(cur) {
				continue
			}
			d := cur.Node().(*ast.DeferStmt)
			w, ok := c.wgMethod(d.Call)
			if !ok || w.method != "Done" || !w.key.ok() {
				continue
			}
			c.checkDeferInLoop(gr, cur, d, w)
		}
	}
}

func (c *checker) checkDeferInLoop(gr goroutine, cur inspector.Cursor, d *ast.DeferStmt, w wgCall) {
	if !c.repeats(gr.f.CFG(), d) || !c.onlyThisDone(gr, w) || !c.ownAddsOnly(w.key) {
		return
	}
	add := c.addBefore(gr, w.key)
	if add == nil || len(add.Args) != 1 || !isOne(c.info.Types[add.Args[0]].Value) {
		return
	}
	name := types.ExprString(w.recv)
	diag := analysis.Diagnostic{
		Pos: d.Pos(),
		End: d.Call.End(),
		Message: fmt.Sprintf("%s.Done is deferred inside a loop: each iteration defers one more Done for the one %s.Add(1), and the second makes the counter negative",
			name, name),
	}
	loop, why := c.deferHoist(gr, cur, w)
	msg := "Defer " + name + ".Done() before the loop"
	fix := func(fx *fixkit.Fix) error { return c.hoistDefer(fx, gr, cur, loop) }
	if why == "" && c.hoistGoForm(gr, w, add, d, loop) {
		msg, fix = c.asGo(name, fix, gr)
	}
	c.reportFix(diag, why, msg, fix)
}

// repeats reports whether a path of g leads from the defer back to it.
func (c *checker) repeats(g *cfg.CFG, d *ast.DeferStmt) bool {
	for _, b := range g.Blocks {
		if !b.Live {
			continue
		}
		for _, n := range b.Nodes {
			if n == d {
				return reaches(b.Succs, b)
			}
		}
	}
	return false
}

// onlyThisDone reports whether the goroutine's only use of a WaitGroup is w, and it
// hands no value that holds one to anything it calls (which might Add or Done for it).
func (c *checker) onlyThisDone(gr goroutine, w wgCall) bool {
	if w.key.base.Parent() == c.pass.Pkg.Scope() {
		return false // a package variable: other functions may Add
	}
	ok := true
	inspectBody(gr.body, true, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if n == w.call {
				return false
			}
			if _, isWG := c.wgMethod(n); isWG {
				ok = false
			} else if c.givenWG(n) || c.mayCallDone(n) {
				ok = false
			}
		case *ast.GoStmt:
			if c.mentions(n, w.key) {
				ok = false
			}
		case ast.Expr:
			if tv, found := c.info.Types[n]; found && !tv.IsType() && isWGish(tv.Type) {
				ok = false // the WaitGroup itself, outside the Done: passed, stored, copied
			}
		}
		return ok
	})
	return ok
}

// givenWG reports whether call is given (as an argument or a receiver) a value that holds
// a WaitGroup.
func (c *checker) givenWG(call *ast.CallExpr) bool {
	exprs := call.Args
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if _, ok := c.info.Selections[sel]; ok {
			exprs = append(exprs[:len(exprs):len(exprs)], sel.X)
		}
	}
	for _, a := range exprs {
		if t := c.info.TypeOf(a); t != nil && holdsWG(t, 0) {
			return true
		}
	}
	return false
}

// ownAddsOnly reports whether every Add in the package on the WaitGroup that key ends in
// (its variable, or its last field) is wg.Add(1) directly before a go statement, and no
// other package can reach it.
func (c *checker) ownAddsOnly(key ref) bool {
	var obj *types.Var = key.base
	if len(key.fields) > 0 {
		obj = key.fields[len(key.fields)-1]
		if obj.Exported() && !c.isMain() {
			return false
		}
		if c.namedInIgnoredFile(obj.Name()) {
			return false
		}
	}
	ok := true
	for _, cur := range c.m.Calls {
		call := cur.Node().(*ast.CallExpr)
		w, isWG := c.wgMethod(call)
		if !isWG || w.method != "Add" {
			continue
		}
		var wobj *types.Var
		switch {
		case !w.key.ok():
			return false // an Add on a WaitGroup the check cannot name
		case len(w.key.fields) > 0:
			wobj = w.key.fields[len(w.key.fields)-1]
		default:
			wobj = w.key.base
		}
		if wobj != obj {
			continue
		}
		if len(call.Args) != 1 || !isOne(c.info.Types[call.Args[0]].Value) || !c.beforeGo(cur) {
			ok = false
		}
	}
	return ok
}

// beforeGo reports whether the call at cur is an expression statement directly followed
// by a go statement.
func (c *checker) beforeGo(cur inspector.Cursor) bool {
	if cur.ParentEdgeKind() != edge.ExprStmt_X {
		return false
	}
	es := cur.Parent()
	list, ok := model.StmtList(es.Parent().Node())
	if !ok {
		return false
	}
	i := indexOf(list, es.Node().(ast.Stmt))
	if i < 0 || i+1 >= len(list) {
		return false
	}
	_, isGo := list[i+1].(*ast.GoStmt)
	return isGo
}

// deferHoist returns the statement (the loop, or its label) before which the defer at cur
// can move, or why it cannot.
func (c *checker) deferHoist(gr goroutine, cur inspector.Cursor, w wgCall) (ast.Stmt, string) {
	if cur.ParentEdgeKind() == edge.BlockStmt_List && cur.Parent().ParentEdgeKind() == edge.RangeStmt_Body {
		return nil, "the loop is a range loop: its body may not run"
	}
	if cur.ParentEdgeKind() != edge.BlockStmt_List || cur.Parent().ParentEdgeKind() != edge.ForStmt_Body {
		return nil, "the defer is not a statement of the loop's body"
	}
	body := cur.Parent().Node().(*ast.BlockStmt)
	if len(body.List) == 0 || body.List[0] != cur.Node() {
		return nil, "the defer is not the first statement of the loop's body"
	}
	fc := cur.Parent().Parent()
	loop := fc.Node().(*ast.ForStmt)
	if loop.Init != nil || loop.Cond != nil || loop.Post != nil {
		return nil, "the loop has a condition: its body may not run"
	}
	if model.InLoop(fc) {
		return nil, "the loop is inside another loop"
	}
	anchor, at := ast.Stmt(loop), fc
	for at.ParentEdgeKind() == edge.LabeledStmt_Stmt {
		at = at.Parent()
		anchor = at.Node().(ast.Stmt)
	}
	if _, ok := model.StmtList(at.Parent().Node()); !ok {
		return nil, "the loop is not in a statement list"
	}
	if !c.stable(w.key) {
		return nil, "the WaitGroup variable may change"
	}
	return anchor, ""
}

// hoistDefer moves the defer at cur before the statement anchor.
func (c *checker) hoistDefer(fx *fixkit.Fix, gr goroutine, cur inspector.Cursor, anchor ast.Stmt) error {
	body := fixkit.StmtList(fx.Dst(cur.Parent().Node()))
	dd := fx.Dst(cur.Node())
	i := dstIndex(*body, dd)
	if i < 0 {
		return fmt.Errorf("statement not found")
	}
	ac, ok := gr.f.Cursor.FindNode(anchor)
	if !ok {
		return fmt.Errorf("statement not found")
	}
	list := fixkit.StmtList(fx.Dst(ac.Parent().Node()))
	j := dstIndex(*list, fx.Dst(anchor))
	if j < 0 {
		return fmt.Errorf("statement not found")
	}
	s := removeStmt(body, i, true)
	insertStmt(list, j, s, false)
	return nil
}

// hoistGoForm reports whether -go would rewrite what the fix leaves (the defer moved
// before the loop) as wg.Go: the loop is the literal's first statement, and goForm's
// other conditions hold.
func (c *checker) hoistGoForm(gr goroutine, w wgCall, add *ast.CallExpr, d *ast.DeferStmt, anchor ast.Stmt) bool {
	if !modernize || len(gr.lit.Body.List) == 0 || gr.lit.Body.List[0] != anchor || len(gr.stmt.Call.Args) != 0 ||
		gr.lit.Type.Params.NumFields() != 0 || gr.lit.Type.Results.NumFields() != 0 {
		return false
	}
	if !c.atLeast(add.Pos(), "go1.25") || !c.stable(w.key) {
		return false
	}
	return c.onlyUses(gr.lit, w.key, map[ast.Node]bool{d: true})
}
