package ctxdone

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
)

// wrapItem returns the edit that wraps op in a select, or why it cannot.
func (c *checker) wrapItem(op *model.ChanOp) (*item, string) {
	it := &item{op: op}
	switch n := op.Node.(type) {
	case *ast.SendStmt:
		if why := c.dropsResource(n); why != "" {
			return nil, why
		}
		it.stmt, it.cur = n, op.Cursor
	case *ast.UnaryExpr:
		pc := op.Cursor.Parent()
		switch p := pc.Node().(type) {
		case *ast.ExprStmt:
			it.stmt, it.cur = p, pc
		case *ast.AssignStmt:
			if len(p.Rhs) != 1 || p.Rhs[0] != n || (p.Tok != token.ASSIGN && p.Tok != token.DEFINE) {
				return nil, "the receive is part of an expression"
			}
			for _, l := range p.Lhs {
				if p.Tok == token.DEFINE {
					id := l.(*ast.Ident)
					if v, ok := c.info.Defs[id].(*types.Var); ok {
						t, ok := fixkit.TypeString(c.pass.Pkg, v.Type(), p.Pos(), c.m.File(p.Pos()))
						if !ok {
							return nil, fmt.Sprintf("cannot write the type of %s", id.Name)
						}
						it.decls = append(it.decls, declVar{id.Name, t})
					}
				} else if !c.simpleLHS(l) {
					return nil, "the receive is assigned to an expression evaluated before it"
				}
			}
			it.stmt, it.cur = p, pc
		case *ast.ValueSpec:
			dc := pc.Parent().Parent()
			ds, ok := dc.Node().(*ast.DeclStmt)
			if !ok || len(p.Values) != 1 || p.Values[0] != n || len(ds.Decl.(*ast.GenDecl).Specs) != 1 {
				return nil, "the receive is part of a declaration"
			}
			for _, id := range p.Names {
				if id.Name == "_" {
					continue
				}
				v, _ := c.info.Defs[id].(*types.Var)
				if v == nil {
					return nil, "the receive is part of a declaration"
				}
				t, ok := fixkit.TypeString(c.pass.Pkg, v.Type(), p.Pos(), c.m.File(p.Pos()))
				if !ok {
					return nil, fmt.Sprintf("cannot write the type of %s", id.Name)
				}
				it.decls = append(it.decls, declVar{id.Name, t})
			}
			it.stmt, it.cur = ds, dc
		default:
			return nil, "the receive is part of an expression"
		}
	default:
		return nil, "unsupported operation"
	}
	switch p := it.cur.Parent().Node().(type) {
	case *ast.BlockStmt:
	case *ast.CaseClause:
	case *ast.CommClause:
		if p.Comm == it.stmt {
			return nil, "the operation is a select case"
		}
	case *ast.LabeledStmt:
		if len(it.decls) > 0 {
			return nil, "the labeled receive declares variables"
		}
	default:
		return nil, "the operation is in a statement header"
	}
	return it, ""
}

// simpleLHS reports whether e, the target of an assignment, can be evaluated after
// the receive instead of before it: _, a variable, or a field of one.
func (c *checker) simpleLHS(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if e.Name == "_" {
			return true
		}
		_, ok := c.info.Uses[e].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		sel, ok := c.info.Selections[e]
		if !ok {
			_, ok := c.info.Uses[e.Sel].(*types.Var) // package variable
			return ok
		}
		return sel.Kind() == types.FieldVal && c.simpleLHS(e.X)
	}
	return false
}

// matchExisting makes the fix of u leave the way its function already leaves when the
// exit fires: when the function has select cases on the same Done or stop channel, each
// must be a single return statement, and the fix returns the same results if they mean
// the same at pos. A case that does more (cleanup, logging) is a path the fix would skip.
func (c *checker) matchExisting(u *unit, pos token.Pos) (token.Pos, string) {
	var rets []*ast.ReturnStmt
	var bad token.Pos
	ast.Inspect(u.fn.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		cc, ok := n.(*ast.CommClause)
		if !ok || cc.Comm == nil || bad.IsValid() {
			return true
		}
		x := commRecv(cc.Comm)
		if x == nil || !c.sameExit(x.X, u.exit, pos) {
			return true
		}
		if len(cc.Body) != 1 {
			bad = cc.Pos()
			return true
		}
		r, ok := cc.Body[0].(*ast.ReturnStmt)
		if !ok {
			bad = cc.Pos()
			return true
		}
		rets = append(rets, r)
		return true
	})
	what := u.exit.done()
	if bad.IsValid() {
		return bad, fmt.Sprintf("the function already handles %s with more than a return", what)
	}
	if len(rets) == 0 {
		return token.NoPos, ""
	}
	var text []string
	for i, r := range rets {
		var t []string
		for _, e := range r.Results {
			if !c.sameMeaning(e, pos) {
				return r.Pos(), fmt.Sprintf("the function already returns differently when %s fires", what)
			}
			var b strings.Builder
			if err := format.Node(&b, token.NewFileSet(), e); err != nil {
				return r.Pos(), "cannot print the existing return statement"
			}
			t = append(t, b.String())
		}
		if len(r.Results) == 0 && len(u.ret) > 0 {
			return r.Pos(), fmt.Sprintf("the function already returns differently when %s fires", what)
		}
		if i > 0 && !slices.Equal(t, text) {
			return r.Pos(), fmt.Sprintf("the function returns in several ways when %s fires", what)
		}
		text = t
	}
	if len(text) > 0 {
		u.ret = text
	}
	return token.NoPos, ""
}

// sameExit reports whether receiving from e is receiving from the exit ex at pos.
func (c *checker) sameExit(e ast.Expr, ex exit, pos token.Pos) bool {
	if ex.ctx {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			return c.doneVar(id, ex, pos)
		}
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Done" || !model.IsContext(c.info.TypeOf(sel.X)) {
			return false
		}
		if ex.field() {
			base, ok := ast.Unparen(sel.X).(*ast.SelectorExpr)
			if !ok || types.ExprString(base) != ex.expr || !c.isField(base, ex.obj) {
				return false
			}
			id, ok := ast.Unparen(base.X).(*ast.Ident)
			return ok && c.info.Uses[id] != nil && c.info.Uses[id] == c.lookup(id.Name, pos)
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		return ok && c.info.Uses[id] != nil && c.info.Uses[id] == c.lookup(ex.expr, pos)
	}
	return types.ExprString(e) == ex.expr && c.isDoneChan(e)
}

// doneVar reports whether id is a local variable that holds the Done channel of the
// context exit ex (`ctxCh := fm.ctx.Done()`, and nil to disable its case: franz-go's
// fetch manager reacts to its context by draining, not returning), so that receiving
// from it is receiving from ex.
func (c *checker) doneVar(id *ast.Ident, ex exit, pos token.Pos) bool {
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Parent() == c.pass.Pkg.Scope() {
		return false
	}
	values, ok := c.m.ValuesOf(v)
	if !ok {
		return false
	}
	done := false
	for _, val := range values {
		if c.info.Types[val].IsNil() {
			continue
		}
		if _, isCall := ast.Unparen(val).(*ast.CallExpr); !isCall || !c.sameExit(val, ex, pos) {
			return false
		}
		done = true
	}
	return done
}

// sameMeaning reports whether every identifier of e (except field and method names)
// denotes at pos what it denotes where e is.
func (c *checker) sameMeaning(e ast.Expr, pos token.Pos) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.CompositeLit:
			ok = false // may declare names or depend on context: keep it simple
		case *ast.SelectorExpr:
			if _, isPkg := c.info.Uses[identOf(n.X)].(*types.PkgName); isPkg {
				ok = c.identSame(identOf(n.X), pos)
				return false
			}
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, isID := m.(*ast.Ident); isID && !c.identSame(id, pos) {
					ok = false
				}
				return ok
			})
			return false
		case *ast.Ident:
			if !c.identSame(n, pos) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

func (c *checker) identSame(id *ast.Ident, pos token.Pos) bool {
	o := c.info.Uses[id]
	return o != nil && c.lookup(id.Name, pos) == o
}
