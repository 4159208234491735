package tickerstop

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

// checkAfter reports time.After(d) received from by a case of a select in a loop whose
// other cases may go round the loop while the timer waits, and fixes it with a timer of
// the iteration that the other cases stop:
//
//	timer := time.NewTimer(d)
//	select {
//	case m := <-in:
//		timer.Stop()
//		handle(m)
//	case <-timer.C:
//		flush()
//	}
//
// time.After(d) is time.NewTimer(d).C, so the select waits exactly as before (the same
// duration, from the same iteration); only the timer that lost the select is freed at
// once instead of when it fires.
func checkAfter(pass *analysis.Pass, m *model.Model, cur inspector.Cursor) {
	f, fnCur, body := enclosing(m, cur)
	if body == nil {
		return
	}
	// <-time.After(d) as the comm of a select case.
	c := cur
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.UnaryExpr_X {
		return
	}
	recv := c.Parent() // the receive
	c = recv
	if c.ParentEdgeKind() == edge.AssignStmt_Rhs {
		c = c.Parent()
	} else if c.ParentEdgeKind() == edge.ExprStmt_X {
		c = c.Parent()
	} else {
		return
	}
	if c.ParentEdgeKind() != edge.CommClause_Comm || !inLoop(c, fnCur) {
		return
	}
	cc := c.Parent()
	if othersEnd(m, cc) {
		return // at most one timer is left pending, when the function returns
	}
	call := cur.Node().(*ast.CallExpr)
	if isTestFile(pass, call) {
		return // the timers of a test's loop live as long as the test: not worth a change
	}
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: "time.After in a loop's select makes a timer per iteration that is not freed until it fires before Go 1.23",
	}
	selCur := cc.Parent().Parent()
	sel := selCur.Node().(*ast.SelectStmt)
	stmtCur := selCur // the statement the timer goes before: the select, or its label
	if stmtCur.ParentEdgeKind() == edge.LabeledStmt_Stmt {
		stmtCur = stmtCur.Parent()
	}
	name, why := afterFixable(pass, f, call, recv.Node(), cc.Node().(*ast.CommClause), sel, stmtCur)
	if why != "" {
		fixkit.Refuse(pass, d, call.Pos(), why)
		return
	}
	listOwner, idx := stmtCur.Parent().Node(), stmtCur.ParentEdgeIndex()
	fixkit.Report(pass, d, fmt.Sprintf("Use a timer that the other cases stop (%s := time.NewTimer)", name), func(fx *fixkit.Fix) error {
		dcall, ok := fx.Dst(call).(*dst.CallExpr)
		if !ok {
			return fmt.Errorf("time.After call not found")
		}
		drecv, ok := fx.Dst(recv.Node()).(*dst.UnaryExpr)
		if !ok {
			return fmt.Errorf("receive not found")
		}
		dsel, ok := fx.Dst(sel).(*dst.SelectStmt)
		if !ok {
			return fmt.Errorf("select not found")
		}
		list := fixkit.StmtList(fx.Dst(listOwner))
		if list == nil || idx >= len(*list) {
			return fmt.Errorf("statement list not found")
		}
		// timer := time.NewTimer(d), before the select.
		newTimer := dst.Clone(dcall).(*dst.CallExpr)
		newTimer.Decs = dst.CallExprDecorations{}
		newTimer.Fun.(*dst.SelectorExpr).Sel = dst.NewIdent("NewTimer")
		decl := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(name)}, Tok: token.DEFINE, Rhs: []dst.Expr{newTimer}}
		decl.Decs.Before = dst.NewLine
		decl.Decs.After = dst.NewLine
		// The comments above the select stay above it and the new statement.
		next := (*list)[idx]
		decl.Decs.Start = next.Decorations().Start
		next.Decorations().Start = nil
		if next.Decorations().Before == dst.EmptyLine {
			decl.Decs.Before = dst.EmptyLine
			next.Decorations().Before = dst.NewLine
		}
		*list = slices.Insert(*list, idx, dst.Stmt(decl))
		// The case receives from the timer's channel.
		drecv.X = &dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("C")}
		// Every other case stops it first.
		for _, st := range dsel.Body.List {
			clause := st.(*dst.CommClause)
			if clause == fx.Dst(cc.Node()) {
				continue
			}
			stop := &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("Stop")}}}
			stop.Decs.Before = dst.NewLine
			stop.Decs.After = dst.NewLine
			clause.Body = slices.Insert(clause.Body, 0, dst.Stmt(stop))
		}
		return nil
	})
}

// afterFixable returns the name of the timer variable for the fix of the time.After call
// received from by the comm clause cc of sel, whose statement (sel or its label) is at
// stmtCur, or why there is no fix.
func afterFixable(pass *analysis.Pass, f *model.Func, call *ast.CallExpr, recv ast.Node, cc *ast.CommClause, sel *ast.SelectStmt, stmtCur inspector.Cursor) (string, string) {
	info := pass.TypesInfo
	if _, ok := call.Fun.(*ast.SelectorExpr); !ok {
		return "", "time.After is not called through the package name"
	}
	if u, ok := recv.(*ast.UnaryExpr); !ok || u.X != ast.Node(call) {
		return "", "the time.After call is in parentheses"
	}
	if model.HasGoto(f.Body) {
		return "", "the function has a goto, which could jump over the new variable"
	}
	list, ok := model.StmtList(stmtCur.Parent().Node())
	if !ok {
		return "", "the select is not a statement of a block"
	}
	afters := 0
	for n := range ast.Preorder(sel) {
		if c, ok := n.(*ast.CallExpr); ok && isTimeFunc(info, c, "After") {
			afters++
		}
	}
	if afters > 1 {
		return "", "the select makes more than one time.After timer"
	}
	// time.After(d) is evaluated with the other cases' channels and values, in source
	// order; the fix evaluates d before them. That is the same only when d or the cases
	// before it call nothing.
	if calls(info, call.Args[0]) {
		for _, st := range sel.Body.List {
			other := st.(*ast.CommClause)
			if other == cc {
				break
			}
			if other.Comm != nil && calls(info, other.Comm) {
				return "", "the duration and an earlier case both call functions, whose order the fix would change"
			}
		}
	}
	rest := list[stmtCur.ParentEdgeIndex():]
	for _, name := range []string{"timer", "timeout", "afterTimer"} {
		if fixkit.FreeName(pass.Pkg, name, rest) {
			return name, ""
		}
	}
	return "", "no free name for the timer"
}

// isTimeFunc reports whether call calls the function name of package time.
func isTimeFunc(info *types.Info, call *ast.CallExpr, name string) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "time" && fn.Name() == name && fn.Signature().Recv() == nil
}

// calls reports whether evaluating n may call a function: a call that is not a
// conversion or one of the builtins len, cap, min and max.
func calls(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return true
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok && slices.Contains([]string{"len", "cap", "min", "max"}, b.Name()) {
				return true
			}
		}
		found = true
		return false
	})
	return found
}

// othersEnd reports whether every other case of the select of the comm clause cc ends
// the function (its last statement is a return or a call that does not return): the
// loop goes round only when the timer has fired, so timers cannot pile up (amqp091-go's
// reconnection backoff, yamux's keepalive; the case of issue 14 is a select whose other
// cases keep the loop going while the timer waits).
func othersEnd(m *model.Model, cc inspector.Cursor) bool {
	sel, ok := cc.Parent().Parent().Node().(*ast.SelectStmt)
	if !ok {
		return false
	}
	for _, st := range sel.Body.List {
		other := st.(*ast.CommClause)
		if other == cc.Node() {
			continue
		}
		if len(other.Body) == 0 {
			return false
		}
		switch last := other.Body[len(other.Body)-1].(type) {
		case *ast.ReturnStmt:
		case *ast.ExprStmt:
			call, ok := ast.Unparen(last.X).(*ast.CallExpr)
			if !ok || m.MayReturn(call) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
