package ctxdone

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/analysis"
)

func (c *checker) report(u *unit) {
	d := analysis.Diagnostic{Pos: u.pos, Message: u.msg}
	if u.refused != "" {
		if u.quiet {
			return
		}
		fixkit.Refuse(c.pass, d, u.refPos, u.refused)
		return
	}
	msg := "Return when " + u.exit.expr + " is done"
	if !u.exit.ctx {
		msg = "Return when " + u.exit.expr + " is closed"
	}
	if u.fixMsg != "" {
		msg = u.fixMsg
	}
	fixkit.Report(c.pass, d, msg, func(fx *fixkit.Fix) error {
		if u.prelude != nil {
			if err := u.prelude(fx); err != nil {
				return err
			}
		}
		for _, it := range u.items {
			if it.sel != nil {
				dsel := fx.Dst(it.sel).(*dst.SelectStmt)
				dsel.Body.List = append(dsel.Body.List, c.doneClause(u))
				continue
			}
			if err := c.wrap(fx, u, it); err != nil {
				return err
			}
		}
		return nil
	})
}

// doneClause returns case <-done: return ....
func (c *checker) doneClause(u *unit) *dst.CommClause {
	ret := &dst.ReturnStmt{}
	for _, r := range u.ret {
		ret.Results = append(ret.Results, parseExpr(r))
	}
	cc := &dst.CommClause{
		Comm: &dst.ExprStmt{X: parseExpr("<-" + u.exit.done())},
		Body: []dst.Stmt{ret},
	}
	cc.Decs.Before = dst.NewLine
	return cc
}

// wrap replaces the statement of it by select { case <stmt>: case <-done: return ... },
// preceded by the declarations of the variables the statement defined.
func (c *checker) wrap(fx *fixkit.Fix, u *unit, it *item) error {
	parent := it.cur.Parent().Node()
	dparent := fx.Dst(parent)
	dstmt := fx.Dst(it.stmt).(dst.Stmt)

	var comm dst.Stmt
	switch s := dstmt.(type) {
	case *dst.DeclStmt:
		spec := s.Decl.(*dst.GenDecl).Specs[0].(*dst.ValueSpec)
		as := &dst.AssignStmt{Tok: token.ASSIGN, Rhs: []dst.Expr{dst.Clone(spec.Values[0]).(dst.Expr)}}
		for _, n := range spec.Names {
			as.Lhs = append(as.Lhs, dst.NewIdent(n.Name))
		}
		comm = as
	default:
		comm = dst.Clone(dstmt).(dst.Stmt)
		if as, ok := comm.(*dst.AssignStmt); ok {
			as.Tok = token.ASSIGN
		}
	}
	*comm.Decorations() = dst.NodeDecs{}
	first := &dst.CommClause{Comm: comm}
	first.Decs.Before = dst.NewLine
	sel := &dst.SelectStmt{Body: &dst.BlockStmt{List: []dst.Stmt{first, c.doneClause(u)}}}

	var stmts []dst.Stmt
	for _, d := range it.decls {
		decl := &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{
			&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(d.name)}, Type: parseExpr(d.typ)},
		}}}
		decl.Decs.Before = dst.NewLine
		decl.Decs.After = dst.NewLine
		stmts = append(stmts, decl)
	}
	stmts = append(stmts, sel)
	orig := *dstmt.Decorations()
	stmts[0].Decorations().Before = orig.Before
	stmts[0].Decorations().Start = orig.Start
	if len(stmts) > 1 {
		sel.Decs.Before = dst.NewLine
	}
	sel.Decs.After = orig.After
	first.Decs.Colon = orig.End // a trailing comment stays on the operation's line

	replace := func(list []dst.Stmt) ([]dst.Stmt, error) {
		for i, s := range list {
			if s == dstmt {
				out := append([]dst.Stmt{}, list[:i]...)
				out = append(out, stmts...)
				return append(out, list[i+1:]...), nil
			}
		}
		return nil, fmt.Errorf("statement not found in its parent")
	}
	var err error
	switch p := dparent.(type) {
	case *dst.BlockStmt:
		p.List, err = replace(p.List)
	case *dst.CaseClause:
		p.Body, err = replace(p.Body)
	case *dst.CommClause:
		p.Body, err = replace(p.Body)
	case *dst.LabeledStmt:
		if len(stmts) != 1 {
			return fmt.Errorf("labeled statement declares variables")
		}
		sel.Decs = dst.SelectStmtDecorations{}
		p.Stmt = sel
	default:
		return fmt.Errorf("unexpected parent %T", dparent)
	}
	return err
}

// parseExpr parses s (an expression or a type) into a dst expression. It panics on a
// syntax error; fixkit.Build turns the panic into a finding without a fix.
func parseExpr(s string) dst.Expr {
	fset := token.NewFileSet()
	e, err := parser.ParseExprFrom(fset, "", s, 0)
	if err != nil {
		panic(fmt.Sprintf("parsing %q: %v", s, err))
	}
	n, err := decorator.NewDecorator(fset).DecorateNode(e)
	if err != nil {
		panic(fmt.Sprintf("decorating %q: %v", s, err))
	}
	return n.(dst.Expr)
}

// zero returns the zero value of t written at pos.
func (c *checker) zero(t types.Type, pos token.Pos, file *ast.File) (string, bool) {
	s, ok := c.zeroText(t, pos, file)
	for _, name := range []string{"nil", "false", "new"} {
		if strings.Contains(s, name) && c.lookup(name, pos) != types.Universe.Lookup(name) {
			return "", false
		}
	}
	return s, ok
}

func (c *checker) zeroText(t types.Type, pos token.Pos, file *ast.File) (string, bool) {
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		s, ok := fixkit.TypeString(c.pass.Pkg, t, pos, file)
		return "*new(" + s + ")", ok
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false", true
		case u.Info()&types.IsString != 0:
			return `""`, true
		case u.Info()&types.IsNumeric != 0:
			return "0", true
		case u.Kind() == types.UnsafePointer:
			return "nil", true
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return "nil", true
	case *types.Struct, *types.Array:
		s, ok := fixkit.TypeString(c.pass.Pkg, t, pos, file)
		return s + "{}", ok
	}
	return "", false
}
