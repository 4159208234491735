package racewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/inspector"
)

// buildLocal turns the first assignment of each goroutine into a declaration.
func (c *checker) buildLocal(fx *fixkit.Fix, f *finding) error {
	for _, st := range f.local.stmts {
		fx.Dst(st).(*dst.AssignStmt).Tok = token.DEFINE
	}
	if d := f.local.decl; d != nil {
		return removeStmt(fx, c.listOf(d), fx.Dst(d).(dst.Stmt))
	}
	return nil
}

// buildLocks declares the group's mutex (unless it takes an existing one) and holds it
// around the statements of its plans.
func (c *checker) buildLocks(fx *fixkit.Fix, g *lockGroup) error {
	var stmts []inspector.Cursor
	for _, p := range g.plans {
		for _, st := range p.stmts {
			if !slices.Contains(stmts, st) {
				stmts = append(stmts, st)
			}
		}
	}
	stmts = outermost(stmts)
	var lockExpr func() dst.Expr
	if g.guard != nil {
		x := fx.Dst(g.guard.Sel.X).(dst.Expr)
		lockExpr = func() dst.Expr {
			e := dst.Clone(x).(dst.Expr)
			e.Decorations().Start.Clear()
			e.Decorations().End.Clear()
			return e
		}
	} else {
		at := g.decl.Body
		if g.after.Valid() {
			at = nil
		}
		var anchor ast.Node = g.decl.Body
		if at == nil {
			anchor = g.after.Node()
		}
		pkg, err := fx.AddImport(anchor, "sync", "sync")
		if err != nil {
			return err
		}
		if err := c.declareMutex(fx, g, pkg); err != nil {
			return err
		}
		lockExpr = func() dst.Expr { return dst.NewIdent(g.name) }
	}
	// Runs of consecutive statements of one list share a section.
	type run struct {
		parent      ast.Node
		first, last ast.Stmt
	}
	var runs []run
	for _, st := range stmts {
		s := st.Node().(ast.Stmt)
		parent := st.Parent().Node()
		if n := len(runs); n > 0 && runs[n-1].parent == parent {
			if prev, ok := st.PrevSibling(); ok && prev.Node() == runs[n-1].last {
				runs[n-1].last = s
				continue
			}
		}
		runs = append(runs, run{parent, s, s})
	}
	call := func(method string) *dst.ExprStmt {
		return &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: lockExpr(), Sel: dst.NewIdent(method)}}}
	}
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		list := fixkit.StmtList(fx.Dst(r.parent))
		first, last := fx.Dst(r.first).(dst.Stmt), fx.Dst(r.last).(dst.Stmt)
		fi, li := slices.Index(*list, first), slices.Index(*list, last)
		if fi < 0 || li < 0 {
			return fmt.Errorf("statement not found in its list")
		}
		if g.guard != nil && c.adjoinGuard(fx, g, r.parent, list, fi, li) {
			continue
		}
		lock, unlock := call("Lock"), call("Unlock")
		// The lock takes the first statement's leading blank line and comments; the
		// unlock, the last statement's trailing line break.
		lock.Decs.Before, lock.Decs.Start = first.Decorations().Before, first.Decorations().Start
		first.Decorations().Before, first.Decorations().Start = dst.NewLine, nil
		unlock.Decs.After = last.Decorations().After
		unlock.Decs.Before = dst.NewLine
		last.Decorations().After = dst.NewLine
		lock.Decs.After = dst.NewLine
		*list = slices.Insert(*list, li+1, dst.Stmt(unlock))
		*list = slices.Insert(*list, fi, dst.Stmt(lock))
	}
	return nil
}

// declareMutex declares `var mu sync.Mutex // guards v` after the group's last
// declaration, or first in the function's body.
func (c *checker) declareMutex(fx *fixkit.Fix, g *lockGroup, pkg string) error {
	var names []string
	for _, p := range g.plans {
		names = append(names, p.v.Var.Name())
	}
	guards := names[0]
	if len(names) > 1 {
		guards = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	decl := &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{&dst.ValueSpec{
		Names: []*dst.Ident{dst.NewIdent(g.name)},
		Type:  &dst.SelectorExpr{X: dst.NewIdent(pkg), Sel: dst.NewIdent("Mutex")},
	}}}}
	decl.Decs.End = dst.Decorations{"// guards " + guards}
	decl.Decs.Before = dst.NewLine
	if !g.after.Valid() {
		list := fixkit.StmtList(fx.Dst(g.decl.Body))
		decl.Decs.After = dst.NewLine
		if len(*list) > 0 {
			decl.Decs.Before = (*list)[0].Decorations().Before
			(*list)[0].Decorations().Before = dst.NewLine
		}
		*list = slices.Insert(*list, 0, dst.Stmt(decl))
		return nil
	}
	list := fixkit.StmtList(fx.Dst(g.after.Parent().Node()))
	if list == nil {
		return fmt.Errorf("the declaration is not in a statement list")
	}
	after := fx.Dst(g.after.Node()).(dst.Stmt)
	i := slices.Index(*list, after)
	if i < 0 {
		return fmt.Errorf("declaration not found in its list")
	}
	decl.Decs.After = after.Decorations().After
	after.Decorations().After = dst.NewLine
	*list = slices.Insert(*list, i+1, dst.Stmt(decl))
	return nil
}

// removeStmt removes s from the statement list of parent, keeping the blank lines
// around it as they were.
func removeStmt(fx *fixkit.Fix, parent ast.Node, s dst.Stmt) error {
	if parent == nil {
		return fmt.Errorf("statement not in a list")
	}
	list := fixkit.StmtList(fx.Dst(parent))
	i := slices.Index(*list, s)
	if i < 0 {
		return fmt.Errorf("statement not found in its list")
	}
	if len(s.Decorations().Start) > 0 || len(s.Decorations().End) > 0 {
		return fixkit.Refusal("the declaration to remove carries a comment")
	}
	if i+1 < len(*list) {
		next := (*list)[i+1].Decorations()
		if s.Decorations().Before == dst.EmptyLine || i == 0 {
			next.Before = s.Decorations().Before
		}
	} else if i > 0 {
		(*list)[i-1].Decorations().After = s.Decorations().After
	}
	*list = slices.Delete(*list, i, i+1)
	return nil
}

// adjoinGuard extends a critical section of the existing mutex instead of adding one next
// to it: when the statement after the section (list[li+1]) takes the guard, the
// acquire moves before the section; when the statement before it (list[fi-1])
// releases the guard, the release moves after it. It reports whether it did.
func (c *checker) adjoinGuard(fx *fixkit.Fix, g *lockGroup, parent ast.Node, list *[]dst.Stmt, fi, li int) bool {
	stmts, _ := model.StmtList(parent)
	if stmts == nil || len(stmts) != len(*list) {
		return false
	}
	isOp := func(i int, acquire bool) bool {
		if i < 0 || i >= len(stmts) {
			return false
		}
		op := c.m.Locks().Op(stmts[i])
		if op == nil || op.Deferred || op.Key != g.guard.Key || op.Stmt != stmts[i] {
			return false
		}
		if acquire {
			return op.Method == model.Lock
		}
		return op.Method == model.Unlock
	}
	move := func(from, to int) {
		st := (*list)[from]
		*list = slices.Delete(*list, from, from+1)
		if to > from {
			to--
		}
		*list = slices.Insert(*list, to, st)
	}
	switch {
	case isOp(li+1, true):
		first := (*list)[fi]
		lock := (*list)[li+1]
		lock.Decorations().Before, first.Decorations().Before = first.Decorations().Before, dst.NewLine
		lock.Decorations().Start, first.Decorations().Start = first.Decorations().Start, nil
		lock.Decorations().After = dst.NewLine
		move(li+1, fi)
		return true
	case isOp(fi-1, false):
		last := (*list)[li]
		unlock := (*list)[fi-1]
		unlock.Decorations().After, last.Decorations().After = last.Decorations().After, dst.NewLine
		unlock.Decorations().Before = dst.NewLine
		move(fi-1, li+1)
		return true
	}
	return false
}
