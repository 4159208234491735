package waitgroup

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
)

// A fix must not expose another bug on the same path (DESIGN.md, precision rules): an Add
// moved out of its goroutine while a return still skips the goroutine's Done turns a
// race (Wait may return early) into a certain deadlock (Wait never returns). So the move
// is made together with the deferred Done, or not at all. And a fix whose result -go
// would rewrite as wg.Go is written as wg.Go at once, so that one run reaches the
// fixpoint.

// withDone completes the move of Add statement es (call w) out of goroutine gr: alone
// when no path of the goroutine skips its Done, together with the deferred Done when one
// does, or refused when the Done cannot be deferred. It returns the fix, why there is
// none, and the fix's message.
func (c *checker) withDone(gr goroutine, es *ast.ExprStmt, w wgCall, move func(*fixkit.Fix) error, msg string) (func(*fixkit.Fix) error, string, string) {
	name := types.ExprString(w.recv)
	all, _, _ := c.ownDones(gr)
	var dones []*ast.ExprStmt
	for _, d := range all {
		if dw, ok := c.wgStmt(d); ok && dw.key.equal(w.key) {
			dones = append(dones, d)
		}
	}
	var p paths
	if len(dones) > 0 {
		p = c.donePaths(gr, dones)
	}
	if p.skip == "" {
		if c.goForm(gr, w.key, w.call, es, nil) {
			msg, move = c.asGo(name, move, gr)
		}
		return move, "", msg
	}
	first, _ := c.wgStmt(dones[0])
	why := p.why
	if why == "" && (len(dones) != len(all) || !c.doneExclusive(gr, w.key, dones, w.call)) {
		why = "the goroutine uses its WaitGroup otherwise"
	}
	if why == "" {
		why = c.whyNotDeferDone(gr, w.key, first, dones)
	}
	if why != "" {
		return nil, fmt.Sprintf("%s skips %s.Done, which cannot be deferred (%s): moving the Add alone would make %s.Wait block forever",
			p.skip, name, why, name), msg
	}
	both := func(fx *fixkit.Fix) error {
		if err := c.deferDone(fx, gr, first, dones); err != nil {
			return err
		}
		return move(fx)
	}
	msg = "Move " + name + ".Add before the go statement and defer " + name + ".Done()"
	c.doneWithAdd[gr.body] = w.call.Pos()
	if c.goForm(gr, w.key, w.call, es, dones) {
		msg, both = c.asGo(name, both, gr)
	}
	return both, "", msg
}

// goForm reports whether -go rewrites what a fix leaves as wg.Go: add (the count, moved
// before the go statement, or there already) is wg.Add(1) in a file at go1.25 or later,
// the goroutine is a function literal without parameters, results or arguments, and once
// the fix has removed moved (the Add) and dones (the Done statements, whose release it
// defers at the start), its only use of the WaitGroup is the deferred Done that starts
// it.
func (c *checker) goForm(gr goroutine, key ref, add *ast.CallExpr, moved *ast.ExprStmt, dones []*ast.ExprStmt) bool {
	if !modernize || gr.lit == nil || add == nil || len(gr.stmt.Call.Args) != 0 ||
		gr.lit.Type.Params.NumFields() != 0 || gr.lit.Type.Results.NumFields() != 0 {
		return false
	}
	if len(add.Args) != 1 || !isOne(c.info.Types[add.Args[0]].Value) || !c.atLeast(add.Pos(), "go1.25") || !c.stable(key) {
		return false
	}
	skip := make(map[ast.Node]bool)
	if moved != nil {
		skip[moved] = true
	}
	for _, d := range dones {
		skip[d] = true
	}
	if len(dones) == 0 {
		// The Done is deferred already: it must be the first statement left.
		var first ast.Stmt
		for _, s := range gr.lit.Body.List {
			if !skip[s] {
				first = s
				break
			}
		}
		def, ok := first.(*ast.DeferStmt)
		if !ok {
			return false
		}
		if w, ok := c.wgMethod(def.Call); !ok || w.method != "Done" || !w.key.equal(key) {
			return false
		}
		skip[def] = true
	}
	return c.onlyUses(gr.lit, key, skip)
}

func isOne(v constant.Value) bool {
	if v == nil || v.Kind() != constant.Int {
		return false
	}
	n, exact := constant.Int64Val(v)
	return exact && n == 1
}

// addBefore returns the call of the Add statement on key directly before the go statement
// of gr, or nil.
func (c *checker) addBefore(gr goroutine, key ref) *ast.CallExpr {
	list, ok := model.StmtList(gr.g.Cursor.Parent().Node())
	if !ok {
		return nil
	}
	i := indexOf(list, gr.stmt)
	if i < 1 {
		return nil
	}
	if w, ok := c.wgStmt(list[i-1]); ok && w.method == "Add" && w.key.equal(key) {
		return w.call
	}
	return nil
}

// asGo returns the message and the fix that make fix, then write the Add directly before
// gr's go statement and the go statement as wg.Go (see goForm).
func (c *checker) asGo(name string, fix func(*fixkit.Fix) error, gr goroutine) (string, func(*fixkit.Fix) error) {
	return "Use " + name + ".Go", func(fx *fixkit.Fix) error {
		if err := fix(fx); err != nil {
			return err
		}
		dl := fixkit.StmtList(fx.Dst(gr.g.Cursor.Parent().Node()))
		i := dstIndex(*dl, fx.Dst(gr.stmt)) - 1
		if i < 0 {
			return fmt.Errorf("no Add before the go statement")
		}
		add, ok := (*dl)[i].(*dst.ExprStmt)
		if !ok {
			return fmt.Errorf("no Add before the go statement")
		}
		call, ok := add.X.(*dst.CallExpr)
		if !ok {
			return fmt.Errorf("no Add before the go statement")
		}
		sel, ok := call.Fun.(*dst.SelectorExpr)
		if !ok {
			return fmt.Errorf("no Add before the go statement")
		}
		recv := dst.Clone(sel.X).(dst.Expr)
		recv.Decorations().Start.Clear()
		recv.Decorations().End.Clear()
		return toGo(fx, dl, i, recv)
	}
}
