package recvclosed

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"slices"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// rangeable reports whether the loop can become a range over the channel: the receive is
// its first statement, it has no init or post statement, the channel is a variable the
// function never assigns, leaving the loop ends the function, and the received variable
// is not captured before Go 1.22 (where the range variable was one for all iterations).
func (c *checker) rangeable(f *finding) bool {
	loop := f.loop.Node().(*ast.ForStmt)
	if loop.Init != nil || loop.Post != nil || len(loop.Body.List) == 0 || loop.Body.List[0] != f.stmt {
		return false
	}
	if f.form == nestedForm {
		return false
	}
	if as, ok := f.stmt.(*ast.AssignStmt); ok && len(as.Lhs) == 2 && f.form == assignForm {
		return false
	}
	id, ok := ast.Unparen(f.op.Ch).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.m.Info.Uses[id].(*types.Var)
	if !ok || v.Parent() == c.m.Pkg.Scope() || c.assigned(v) {
		return false
	}
	if !c.endsFunction(f.loop) {
		return false
	}
	if f.form == defineForm {
		file := c.m.File(loop.Pos())
		if fv := c.m.Info.FileVersions[file]; fv != "" && version.Compare(fv, "go1.22") < 0 {
			recv := c.m.Info.Defs[f.stmt.(*ast.AssignStmt).Lhs[0].(*ast.Ident)]
			if recv == nil || c.captured(loop.Body, recv) {
				return false
			}
		}
	}
	return true
}

// assigned reports whether v is assigned (other than by its declaration) or has its
// address taken anywhere in the package.
func (c *checker) assigned(v *types.Var) bool {
	for id, obj := range c.m.Info.Uses {
		if obj != v {
			continue
		}
		cur, ok := c.m.Inspector.Root().FindNode(id)
		if !ok {
			return true
		}
		switch cur.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.RangeStmt_Key, edge.RangeStmt_Value:
			return true
		case edge.UnaryExpr_X:
			if cur.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
				return true
			}
		}
	}
	return false
}

// captured reports whether obj is used inside a function literal of body, or has its
// address taken there.
func (c *checker) captured(body *ast.BlockStmt, obj types.Object) bool {
	found := false
	var lits int
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			lits++
			ast.Inspect(n.Body, walk)
			lits--
			return false
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND && c.m.Info.Uses[id] == obj {
				found = true
			}
		case *ast.Ident:
			if lits > 0 && c.m.Info.Uses[n] == obj {
				found = true
			}
		}
		return !found
	}
	ast.Inspect(body, walk)
	return found
}

// endsFunction reports whether leaving the statement at c ends its function: it is the
// last statement of its list, and so is each statement that holds it, up to the body,
// none of them a loop.
func (c *checker) endsFunction(cur inspector.Cursor) bool {
	if cur.ParentEdgeKind() == edge.LabeledStmt_Stmt {
		cur = cur.Parent()
	}
	for {
		if _, ok := cur.NextSibling(); ok {
			return false
		}
		p := cur.Parent()
		switch p.Node().(type) {
		case *ast.BlockStmt:
			switch p.ParentEdgeKind() {
			case edge.FuncDecl_Body, edge.FuncLit_Body:
				return true
			case edge.ForStmt_Body, edge.RangeStmt_Body:
				return false
			case edge.IfStmt_Body, edge.IfStmt_Else:
				cur = p.Parent()
				for cur.ParentEdgeKind() == edge.IfStmt_Else {
					cur = cur.Parent() // else if: the outermost if
				}
			case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body, edge.LabeledStmt_Stmt:
				cur = p
			default:
				return false
			}
		case *ast.CaseClause, *ast.CommClause:
			cur = p.Parent().Parent() // the switch or select
		default:
			return false
		}
		if cur.ParentEdgeKind() == edge.LabeledStmt_Stmt {
			cur = cur.Parent()
		}
	}
}

// okable says why the receive cannot take an ok and return when it is false ("" when
// it can).
func (c *checker) okable(f *finding) string {
	switch f.form {
	case nestedForm, assignForm:
		if why := c.hoistable(f); why != "" {
			return why
		}
		return c.okFree(f)
	case defineForm:
		return c.okFree(f)
	}
	return ""
}

// okFree says why the loop's body cannot declare ok ("" when it can).
func (c *checker) okFree(f *finding) string {
	body := f.loop.Node().(*ast.ForStmt).Body
	{
		if s := c.m.Info.Scopes[body]; s != nil && s.Lookup("ok") != nil {
			return "ok is declared in the loop's body already"
		}
		shadows := false
		ast.Inspect(body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "ok" {
				if obj := c.m.Info.Uses[id]; obj != nil && !(body.Pos() <= obj.Pos() && obj.Pos() < body.End()) {
					shadows = true
				}
			}
			return !shadows
		})
		if shadows {
			return "the loop's body uses an ok declared outside it"
		}
	}
	return ""
}

// hoistable says why the receive cannot move out of its statement into a variable of
// its own ("" when it can): something the statement evaluates before the receive (a
// call or another receive, lexically before it) would then run after it, or no name is
// free for the value.
func (c *checker) hoistable(f *finding) string {
	ch := types.ExprString(f.op.Ch)
	before := false
	ast.Inspect(f.stmt, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			before = before || n.End() <= f.op.Node.Pos()
		case *ast.UnaryExpr:
			before = before || (n.Op == token.ARROW && n.End() <= f.op.Node.Pos())
		}
		return !before
	})
	if before {
		return fmt.Sprintf("the statement that receives from %s evaluates a call before the receive", ch)
	}
	if c.valueName(f) == "" {
		return fmt.Sprintf("no name is free for the value received from %s", ch)
	}
	return ""
}

// valueName returns a name free in the loop's body for the received value, or "".
func (c *checker) valueName(f *finding) string {
	body := f.loop.Node().(*ast.ForStmt).Body
	for _, name := range []string{"v", "recv"} {
		free := true
		ast.Inspect(body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name && c.m.Info.ObjectOf(id) != nil {
				if v, ok := c.m.Info.ObjectOf(id).(*types.Var); !ok || !v.IsField() {
					free = false
				}
			}
			return free
		})
		if free {
			return name
		}
	}
	return ""
}

func okIdent() *dst.Ident { return dst.NewIdent("ok") }

func notOKReturn() *dst.IfStmt {
	return &dst.IfStmt{
		Cond: &dst.UnaryExpr{Op: token.NOT, X: okIdent()},
		Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ReturnStmt{}}},
	}
}

// buildOK makes the receive take ok and return when the channel is closed.
func (c *checker) buildOK(fx *fixkit.Fix, f *finding) error {
	body := f.loop.Node().(*ast.ForStmt).Body
	list := fixkit.StmtList(fx.Dst(body))
	old := fx.Dst(f.stmt).(dst.Stmt)
	i := slices.Index(*list, old)
	if i < 0 {
		return fmt.Errorf("receive not found in the loop's body")
	}
	switch f.form {
	case defineForm:
		as := old.(*dst.AssignStmt)
		if len(as.Lhs) == 2 {
			as.Lhs[1] = okIdent()
		} else {
			as.Lhs = append(as.Lhs, okIdent())
		}
		check := notOKReturn()
		check.Decs.Before = dst.NewLine
		check.Decs.After = as.Decs.After
		as.Decs.After = dst.NewLine
		*list = slices.Insert(*list, i+1, dst.Stmt(check))
	case nestedForm, assignForm:
		name := c.valueName(f)
		recv := fx.Dst(f.op.Node).(dst.Expr)
		decl := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(name), okIdent()}, Tok: token.DEFINE, Rhs: []dst.Expr{dst.Clone(recv).(dst.Expr)}}
		decl.Rhs[0].Decorations().Start.Clear()
		decl.Rhs[0].Decorations().End.Clear()
		if err := replaceIn(old, recv, dst.NewIdent(name)); err != nil {
			return err
		}
		check := notOKReturn()
		decl.Decs.Before = old.Decorations().Before
		decl.Decs.Start = old.Decorations().Start
		old.Decorations().Before, old.Decorations().Start = dst.NewLine, nil
		decl.Decs.After, check.Decs.Before, check.Decs.After = dst.NewLine, dst.NewLine, dst.NewLine
		*list = slices.Insert(*list, i, dst.Stmt(decl), dst.Stmt(check))
	case exprForm:
		es := old.(*dst.ExprStmt)
		check := notOKReturn()
		check.Init = &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent("_"), okIdent()}, Tok: token.DEFINE, Rhs: []dst.Expr{es.X}}
		check.Decs.NodeDecs = es.Decs.NodeDecs
		// A trailing comment of the receive stays on its line, after the if's brace.
		check.Decs.End = nil
		check.Body.Decs.Lbrace = es.Decs.End
		(*list)[i] = check
	default:
		return fmt.Errorf("no ok for this receive")
	}
	return nil
}

// buildRange turns the loop into a range over the channel.
func (c *checker) buildRange(fx *fixkit.Fix, f *finding) error {
	loop := f.loop.Node().(*ast.ForStmt)
	dfor := fx.Dst(loop).(*dst.ForStmt)
	first := dfor.Body.List[0]
	trailing := first.Decorations().End
	first.Decorations().End = nil
	if d := first.Decorations(); len(d.Start) > 0 || hasComments(first) {
		return fixkit.Refusal("the receive carries a comment")
	}
	if len(dfor.Decs.For) > 0 || len(dfor.Decs.Init) > 0 || len(dfor.Decs.Cond) > 0 || len(dfor.Decs.Post) > 0 {
		return fixkit.Refusal("the loop's header carries a comment")
	}
	rs := &dst.RangeStmt{Tok: token.ILLEGAL, Body: dfor.Body}
	switch s := first.(type) {
	case *dst.ExprStmt:
		rs.X = s.X.(*dst.UnaryExpr).X
	case *dst.AssignStmt:
		rs.Key, rs.Tok = s.Lhs[0], s.Tok
		rs.X = s.Rhs[0].(*dst.UnaryExpr).X
	}
	if p, ok := rs.X.(*dst.ParenExpr); ok {
		rs.X = p.X
	}
	rs.Body.List = rs.Body.List[1:]
	if len(rs.Body.List) > 0 {
		rs.Body.List[0].Decorations().Before = dst.NewLine
	}
	rs.Decs.NodeDecs = dfor.Decs.NodeDecs
	// A trailing comment of the receive stays on its line, now the loop's header.
	if len(trailing) > 0 {
		if len(rs.Body.Decs.Lbrace) > 0 {
			return fixkit.Refusal("the loop's brace and the receive both carry a comment")
		}
		rs.Body.Decs.Lbrace = trailing
	}
	parent := f.loop.Parent().Node()
	if l, ok := parent.(*ast.LabeledStmt); ok {
		fx.Dst(l).(*dst.LabeledStmt).Stmt = rs
		return nil
	}
	list := fixkit.StmtList(fx.Dst(parent))
	if list == nil {
		return fmt.Errorf("loop not in a statement list")
	}
	i := slices.Index(*list, dst.Stmt(dfor))
	if i < 0 {
		return fmt.Errorf("loop not found in its list")
	}
	(*list)[i] = rs
	return nil
}

// hasComments reports whether any node under n carries a comment.
func hasComments(n dst.Node) bool {
	found := false
	dst.Inspect(n, func(m dst.Node) bool {
		if m == nil || found {
			return false
		}
		d := m.Decorations()
		found = len(d.Start) > 0 || len(d.End) > 0
		return !found
	})
	return found
}

// replaceIn replaces target, a node under root, with repl.
func replaceIn(root dst.Node, target, repl dst.Expr) error {
	done := false
	dstutil.Apply(root, func(c *dstutil.Cursor) bool {
		if c.Node() == target {
			c.Replace(repl)
			done = true
			return false
		}
		return !done
	}, nil)
	if !done {
		return fmt.Errorf("receive not found in its statement")
	}
	return nil
}
