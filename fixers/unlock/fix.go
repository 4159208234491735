package unlock

import (
	"fmt"
	"go/ast"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
)

func (a *analyzer) stmtList(u *unit, s ast.Stmt) []ast.Stmt {
	list, _ := model.StmtList(a.parentOf(u, s))
	return list
}

func indexOf(list []ast.Stmt, s ast.Stmt) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// release builds the statement `recv.name()` from lock op lk's receiver.
func release(fx *fixkit.Fix, lk *op, name string) *dst.ExprStmt {
	x := dst.Clone(fx.Dst(lk.sel.X)).(dst.Expr)
	x.Decorations().Start.Clear()
	x.Decorations().End.Clear()
	return &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: x, Sel: dst.NewIdent(name)}}}
}

// insertUnlock inserts the release of lk's mutex before exit statement n.
func (a *analyzer) insertUnlock(fx *fixkit.Fix, u *unit, lk *op, n ast.Node, k kind) error {
	s := n.(ast.Stmt)
	parent := a.parentOf(u, s)
	switch parent.(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return fmt.Errorf("cannot insert before a %T's statement", parent)
	}
	return fx.InsertBefore(parent, s, release(fx, lk, releaseName(k)))
}

// fixDefer adds `defer mu.Unlock()` after lock lk and removes the explicit releases.
func (a *analyzer) fixDefer(fx *fixkit.Fix, u *unit, lk *op, releases []*op) error {
	for _, o := range releases {
		parent := a.parentOf(u, o.stmt)
		list := fixkit.StmtList(fx.Dst(parent))
		ds := fx.Dst(o.stmt).(dst.Stmt)
		decs := ds.Decorations()
		if len(decs.Start) > 0 || len(decs.End) > 0 || hasComments(ds) {
			return fmt.Errorf("a removed unlock carries a comment")
		}
		i := -1
		for j, x := range *list {
			if x == ds {
				i = j
			}
		}
		if i < 0 {
			return fmt.Errorf("statement not found in its list")
		}
		if i+1 < len(*list) {
			next := (*list)[i+1].Decorations()
			if decs.Before == dst.EmptyLine || (next.Before != dst.EmptyLine && decs.After == dst.EmptyLine && i > 0) {
				next.Before = decs.Before
			}
			if i == 0 {
				next.Before = dst.None
				if decs.Before == dst.EmptyLine {
					next.Before = dst.EmptyLine
				}
			}
		} else if i > 0 {
			(*list)[i-1].Decorations().After = decs.After
		}
		*list = append((*list)[:i], (*list)[i+1:]...)
	}
	list := fixkit.StmtList(fx.Dst(u.body))
	dl := fx.Dst(lk.stmt).(dst.Stmt)
	i := -1
	for j, x := range *list {
		if x == dl {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("lock statement not found in the body")
	}
	call := release(fx, lk, releaseName(lk.kind)).X.(*dst.CallExpr)
	st := &dst.DeferStmt{Call: call}
	st.Decs.Before = dst.NewLine
	st.Decs.After = dl.Decorations().After
	dl.Decorations().After = dst.NewLine
	*list = append((*list)[:i+1], append([]dst.Stmt{st}, (*list)[i+1:]...)...)
	return nil
}

// hasComments reports whether any node under n carries a comment.
func hasComments(n dst.Node) bool {
	found := false
	dst.Inspect(n, func(m dst.Node) bool {
		if m == nil || found {
			return false
		}
		for _, s := range m.Decorations().Start {
			if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") {
				found = true
			}
		}
		for _, s := range m.Decorations().End {
			if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") {
				found = true
			}
		}
		return !found
	})
	return found
}
