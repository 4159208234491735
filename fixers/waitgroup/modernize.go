package waitgroup

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// useGo rewrites wg.Add(1) followed by go func() { defer wg.Done(); ... }() as
// wg.Go(func() { ... }), in files at go1.25 or later (-go only: a modernization, not a
// bug fix).
func (c *checker) useGo() {
	for n := range c.insp.PreorderSeq((*ast.BlockStmt)(nil), (*ast.CaseClause)(nil), (*ast.CommClause)(nil)) {
		list, _ := model.StmtList(n)
		for i := 0; i+1 < len(list); i++ {
			add, ok := c.wgStmt(list[i])
			if !ok || add.method != "Add" || !add.key.ok() || len(add.call.Args) != 1 {
				continue
			}
			if tv := c.info.Types[add.call.Args[0]]; tv.Value == nil || tv.Value.Kind() != constant.Int {
				continue
			}
			if v, exact := constant.Int64Val(c.info.Types[add.call.Args[0]].Value); !exact || v != 1 {
				continue
			}
			g, ok := list[i+1].(*ast.GoStmt)
			if !ok || len(g.Call.Args) != 0 {
				continue
			}
			lit, ok := g.Call.Fun.(*ast.FuncLit)
			if !ok || lit.Type.Params.NumFields() != 0 || lit.Type.Results.NumFields() != 0 || len(lit.Body.List) == 0 {
				continue
			}
			def, ok := lit.Body.List[0].(*ast.DeferStmt)
			if !ok {
				continue
			}
			done, ok := c.wgMethod(def.Call)
			if !ok || done.method != "Done" || !done.key.equal(add.key) || !c.onlyDeferredDone(lit, add.key, def) {
				continue
			}
			if !c.atLeast(list[i].Pos(), "go1.25") || !c.stable(add.key) {
				continue
			}
			name := types.ExprString(add.recv)
			d := analysis.Diagnostic{
				Pos:     add.call.Pos(),
				End:     g.End(),
				Message: fmt.Sprintf("%s.Add(1) and go func() { defer %s.Done() ... }() can be %s.Go(func() { ... })", name, name, name),
			}
			parent, i := n, i
			c.reportFix(d, "", "Use "+name+".Go", func(fx *fixkit.Fix) error {
				return toGo(fx, fixkit.StmtList(fx.Dst(parent)), i, dst.Clone(fx.Dst(add.recv)).(dst.Expr))
			})
		}
	}
}

// toGo rewrites (*dl)[i], an Add statement, and (*dl)[i+1], a go statement of a function
// literal whose first statement defers Done, as recv.Go(func() { ... }), keeping the
// comments of both.
func toGo(fx *fixkit.Fix, dl *[]dst.Stmt, i int, recv dst.Expr) error {
	if i < 0 || i+1 >= len(*dl) {
		return fmt.Errorf("statement not found")
	}
	dadd := (*dl)[i]
	dgo, ok := (*dl)[i+1].(*dst.GoStmt)
	if !ok {
		return fmt.Errorf("no go statement after the Add")
	}
	dlit, ok := dgo.Call.Fun.(*dst.FuncLit)
	if !ok || len(dlit.Body.List) == 0 {
		return fmt.Errorf("no function literal")
	}
	if _, ok := dlit.Body.List[0].(*dst.DeferStmt); !ok {
		return fmt.Errorf("the goroutine does not start with a deferred Done")
	}
	removeStmt(&dlit.Body.List, 0, false)
	st := &dst.ExprStmt{X: &dst.CallExpr{
		Fun:  &dst.SelectorExpr{X: recv, Sel: dst.NewIdent("Go")},
		Args: []dst.Expr{dlit},
	}}
	ad, gd := dadd.Decorations(), dgo.Decorations()
	st.Decs.Before, st.Decs.After = ad.Before, gd.After
	st.Decs.Start.Append(ad.Start.All()...)
	st.Decs.Start.Append(ad.End.All()...)
	st.Decs.Start.Append(gd.Start.All()...)
	st.Decs.End.Append(gd.End.All()...)
	(*dl)[i] = st
	*dl = append((*dl)[:i+1], (*dl)[i+2:]...)
	return nil
}

// onlyDeferredDone reports whether the only use of the WaitGroup key in lit is the
// deferred Done def (no other Add, Done, Wait, nor the WaitGroup passed on).
func (c *checker) onlyDeferredDone(lit *ast.FuncLit, key ref, def *ast.DeferStmt) bool {
	return c.onlyUses(lit, key, map[ast.Node]bool{def: true})
}

// onlyUses reports whether lit uses the WaitGroup key, or the variable its path starts
// from, or any value of WaitGroup type, only in the nodes of skip.
func (c *checker) onlyUses(lit *ast.FuncLit, key ref, skip map[ast.Node]bool) bool {
	ok := true
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if skip[n] {
			return false
		}
		if e, isExpr := n.(ast.Expr); isExpr {
			if tv, found := c.info.Types[e]; found && !tv.IsType() && isWGish(tv.Type) {
				ok = false
			}
		}
		if id, isID := n.(*ast.Ident); isID && c.info.Uses[id] == types.Object(key.base) {
			ok = false
		}
		return ok
	})
	return ok
}
