package singlesend

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// copyBack returns the statement that copies the carried values out of the received
// value: a, b = r.a, r.b.
func (cr *carry) copyBack() string {
	var lhs, rhs []string
	for _, v := range cr.vars {
		lhs = append(lhs, v.Name())
		rhs = append(rhs, cr.recvName+"."+v.Name())
	}
	return strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", ")
}

// typeDecl returns the declaration of the result type.
func (cr *carry) typeDecl() string {
	return "type " + cr.typeName + " struct {\n" + strings.Join(cr.fields, "\n") + "\n}"
}

// build makes the edits of the carry: the result type, the make, the goroutine and the
// receives.
func (ck *check) buildCarry(fx *fixkit.Fix, cr *carry, n int) error {
	r := cr.recvName
	// The result type, before the make's statement, which takes its blank line.
	stmtCur := cr.makeCur.Parent()
	if _, ok := stmtCur.Node().(*ast.ValueSpec); ok {
		stmtCur = stmtCur.Parent().Parent()
	}
	list := fixkit.StmtList(fx.Dst(stmtCur.Parent().Node()))
	dmake := fx.Dst(cr.makeStmt).(dst.Stmt)
	decl := parseStmts(cr.typeDecl())[0]
	decl.Decorations().Before = dmake.Decorations().Before
	decl.Decorations().After = dst.NewLine
	dmake.Decorations().Before = dst.NewLine
	if err := insertAt(list, dmake, 0, decl); err != nil {
		return err
	}
	dc := fx.Dst(ck.call).(*dst.CallExpr)
	dc.Args[0] = &dst.ChanType{Dir: dst.SEND | dst.RECV, Value: dst.NewIdent(cr.typeName)}
	if err := setCap(dc, n); err != nil {
		return err
	}
	// The goroutine writes its own result.
	dlit := fx.Dst(cr.s.lit).(*dst.FuncLit)
	v := parseStmts("var " + r + " " + cr.typeName)[0]
	v.Decorations().Before = dst.NewLine
	v.Decorations().After = dst.NewLine
	dlit.Body.List = append([]dst.Stmt{v}, dlit.Body.List...)
	for _, id := range cr.writes {
		did := fx.Dst(id).(*dst.Ident)
		sel := &dst.SelectorExpr{X: dst.NewIdent(r), Sel: dst.NewIdent(id.Name)}
		sel.Decs.NodeDecs = did.Decs.NodeDecs
		if !replaceExpr(fx.Dst(cursorParent(ck, id)), did, sel) {
			return fmt.Errorf("cannot rewrite the assignment of %s", id.Name)
		}
	}
	for _, c := range cr.sends {
		dsend := fx.Dst(c.Node()).(*dst.SendStmt)
		if cr.valField != "" {
			set := &dst.AssignStmt{
				Lhs: []dst.Expr{&dst.SelectorExpr{X: dst.NewIdent(r), Sel: dst.NewIdent(cr.valField)}},
				Tok: token.ASSIGN,
				Rhs: []dst.Expr{dsend.Value},
			}
			set.Decs.Before, set.Decs.Start = dsend.Decs.Before, dsend.Decs.Start
			set.Decs.After = dst.NewLine
			dsend.Decs.Before, dsend.Decs.Start = dst.NewLine, nil
			if err := insertAt(fixkit.StmtList(fx.Dst(c.Parent().Node())), dsend, 0, set); err != nil {
				return err
			}
		}
		dsend.Value = dst.NewIdent(r)
	}
	// The receives copy the values out.
	for _, site := range cr.recvs {
		var after []string
		if site.lhs != nil && site.lhs.(*ast.Ident).Name != "_" {
			tok := " = "
			if site.def {
				tok = " := "
			}
			after = append(after, site.lhs.(*ast.Ident).Name+tok+r+"."+cr.valField)
		}
		after = append(after, cr.copyBack())
		var recv dst.Expr
		switch s := fx.Dst(site.stmt).(type) {
		case *dst.ExprStmt:
			recv = s.X
		case *dst.AssignStmt:
			recv = s.Rhs[0]
		}
		dstmt := fx.Dst(site.stmt).(dst.Stmt)
		as := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(r)}, Tok: token.DEFINE, Rhs: []dst.Expr{recv}}
		as.Decs.NodeDecs = *dstmt.Decorations()
		stmts := parseStmts(strings.Join(after, "\n"))
		if site.comm {
			cc := fx.Dst(site.cur.Parent().Node()).(*dst.CommClause)
			as.Decs.NodeDecs = dst.NodeDecs{}
			cc.Comm = as
			stmts[0].Decorations().Before = dst.NewLine
			cc.Body = append(stmts, cc.Body...)
			continue
		}
		list := fixkit.StmtList(fx.Dst(site.cur.Parent().Node()))
		as.Decs.After = dst.NewLine
		stmts[len(stmts)-1].Decorations().After = dstmt.Decorations().After
		if err := replaceStmt(list, dstmt, append([]dst.Stmt{as}, stmts...)); err != nil {
			return err
		}
	}
	return nil
}

// cursorParent returns the parent node of n, a node of the function that makes the channel.
func cursorParent(ck *check, n ast.Node) ast.Node {
	c, _ := ck.fn.Cursor.FindNode(n)
	return c.Parent().Node()
}

// replaceExpr replaces old by new among the left-hand sides of the assignment p.
func replaceExpr(p dst.Node, old, new dst.Expr) bool {
	as, ok := p.(*dst.AssignStmt)
	if !ok {
		return false
	}
	for i, l := range as.Lhs {
		if l == old {
			as.Lhs[i] = new
			return true
		}
	}
	return false
}

// insertAt inserts stmts before (offset 0) or after (offset 1) at in list.
func insertAt(list *[]dst.Stmt, at dst.Stmt, offset int, stmts ...dst.Stmt) error {
	if list == nil {
		return fmt.Errorf("no statement list")
	}
	for i, s := range *list {
		if s == at {
			i += offset
			*list = append((*list)[:i], append(stmts, (*list)[i:]...)...)
			return nil
		}
	}
	return fmt.Errorf("statement not found in its list")
}

// replaceStmt replaces old by stmts in list.
func replaceStmt(list *[]dst.Stmt, old dst.Stmt, stmts []dst.Stmt) error {
	if list == nil {
		return fmt.Errorf("no statement list")
	}
	for i, s := range *list {
		if s == old {
			*list = append((*list)[:i], append(stmts, (*list)[i+1:]...)...)
			return nil
		}
	}
	return fmt.Errorf("statement not found in its list")
}

// parseStmts parses statements into dst. It panics on a syntax error; fixkit.Build
// turns the panic into a finding without a fix.
func parseStmts(src string) []dst.Stmt {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+src+"\n}\n", parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("parsing %q: %v", src, err))
	}
	df, err := decorator.NewDecorator(fset).DecorateFile(f)
	if err != nil {
		panic(fmt.Sprintf("decorating %q: %v", src, err))
	}
	stmts := df.Decls[0].(*dst.FuncDecl).Body.List
	for _, s := range stmts {
		s.Decorations().Before, s.Decorations().After = dst.NewLine, dst.NewLine
	}
	return stmts
}
