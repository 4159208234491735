package model

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// MaxFlags is how many flags a function's Flags follow; further ones are not followed.
const MaxFlags = 4

// Flags are the local boolean variables of a function that only constants assign, so
// that a path through its graph knows their values: the shape
//
//	done := false
//	for !done {
//		select {
//		case <-ch:
//			done = true
//		default:
//		}
//	}
//
// leaves the loop only after the receive. A flag is declared in the function's body, its
// address is not taken, no function literal refers to it, and every assignment gives it
// a constant (its declaration without a value gives false).
type Flags struct {
	info *types.Info
	vars []*types.Var
	// conds are the conditions of f's if and for statements and of the cases of its
	// switch statements without a tag: a case expression of a switch with a tag also
	// ends a block with two edges, but what it tests is tag == expression.
	conds map[ast.Expr]bool
}

// FlagValues are the values a path knows: -1 unknown, 0 false, 1 true, indexed as the
// Flags' variables.
type FlagValues [MaxFlags]int8

// Unknown returns values that know nothing.
func Unknown() FlagValues {
	var v FlagValues
	for i := range v {
		v[i] = -1
	}
	return v
}

// Flags returns f's flags (computed on each call).
func (f *Func) Flags() *Flags {
	info := f.m.Info
	fl := &Flags{info: info, conds: make(map[ast.Expr]bool)}
	candidates := make(map[*types.Var]bool)
	var order []*types.Var
	bad := make(map[*types.Var]bool)
	consider := func(id *ast.Ident, value ast.Expr, def bool) {
		v, ok := info.ObjectOf(id).(*types.Var)
		if !ok {
			return
		}
		if def {
			if b, isB := v.Type().Underlying().(*types.Basic); !isB || b.Kind() != types.Bool || f.declares(v) {
				return
			}
			if !candidates[v] {
				candidates[v] = true
				order = append(order, v)
			}
		}
		if value != nil {
			if tv, ok := info.Types[value]; !ok || tv.Value == nil || tv.Value.Kind() != constant.Bool {
				bad[v] = true
			}
		}
	}
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			fl.conds[n.Cond] = true
		case *ast.ForStmt:
			if n.Cond != nil {
				fl.conds[n.Cond] = true
			}
		case *ast.SwitchStmt:
			if n.Tag == nil {
				for _, cc := range n.Body.List {
					for _, e := range cc.(*ast.CaseClause).List {
						fl.conds[e] = true
					}
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				for _, l := range n.Lhs {
					if id, ok := ast.Unparen(l).(*ast.Ident); ok {
						if v, ok := info.ObjectOf(id).(*types.Var); ok {
							bad[v] = true
						}
					}
				}
				return true
			}
			for i, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok {
					consider(id, n.Rhs[i], n.Tok == token.DEFINE && info.Defs[id] != nil)
					if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
						if v, ok := info.ObjectOf(id).(*types.Var); ok {
							bad[v] = true // op-assignment (|=, ...): not a constant
						}
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				var value ast.Expr
				if len(n.Values) == len(n.Names) {
					value = n.Values[i]
				} else if len(n.Values) > 0 {
					consider(id, nil, true)
					if v, ok := info.ObjectOf(id).(*types.Var); ok {
						bad[v] = true
					}
					continue
				}
				consider(id, value, true)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						bad[v] = true
					}
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					if v, ok := info.ObjectOf(id).(*types.Var); ok {
						bad[v] = true
					}
				}
			}
		}
		return true
	})
	for _, v := range order {
		if bad[v] || f.captures(v) {
			continue
		}
		fl.vars = append(fl.vars, v)
		if len(fl.vars) == MaxFlags {
			break
		}
	}
	return fl
}

// Len returns how many flags are followed.
func (fl *Flags) Len() int { return len(fl.vars) }

// Var returns the i-th flag.
func (fl *Flags) Var(i int) *types.Var { return fl.vars[i] }

func (fl *Flags) index(id *ast.Ident) int {
	if v, ok := fl.info.ObjectOf(id).(*types.Var); ok {
		for i, w := range fl.vars {
			if w == v {
				return i
			}
		}
	}
	return -1
}

// Apply updates vals with the assignments that node n of the graph makes.
func (fl *Flags) Apply(n ast.Node, vals *FlagValues) {
	if len(fl.vars) == 0 {
		return
	}
	set := func(id *ast.Ident, value ast.Expr) {
		i := fl.index(id)
		if i < 0 {
			return
		}
		vals[i] = 0
		if value != nil && constant.BoolVal(fl.info.Types[value].Value) {
			vals[i] = 1
		}
	}
	setSpec := func(vs *ast.ValueSpec) {
		for i, id := range vs.Names {
			if len(vs.Values) == len(vs.Names) {
				set(id, vs.Values[i])
			} else if len(vs.Values) == 0 {
				set(id, nil)
			}
		}
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if len(n.Lhs) == len(n.Rhs) {
			for i, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok {
					set(id, n.Rhs[i])
				}
			}
		}
	case *ast.ValueSpec:
		setSpec(n) // the graph holds each spec of a var declaration as a node
	case *ast.DeclStmt:
		gd, ok := n.Decl.(*ast.GenDecl)
		if !ok {
			return
		}
		for _, s := range gd.Specs {
			if vs, ok := s.(*ast.ValueSpec); ok {
				setSpec(vs)
			}
		}
	}
}

// Infeasible returns the successor of b that vals rule out, or -1: b ends with the
// condition v or !v (of an if or for statement, or a case of a switch without a tag)
// of a flag whose value vals know.
func (fl *Flags) Infeasible(b *cfg.Block, vals FlagValues) int {
	if len(fl.vars) == 0 || len(b.Nodes) == 0 || len(b.Succs) != 2 {
		return -1
	}
	cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok || !fl.conds[cond] {
		return -1
	}
	negated := false
	if u, ok := ast.Unparen(cond).(*ast.UnaryExpr); ok && u.Op == token.NOT {
		cond, negated = u.X, true
	}
	id, ok := ast.Unparen(cond).(*ast.Ident)
	if !ok {
		return -1
	}
	i := fl.index(id)
	if i < 0 || vals[i] < 0 {
		return -1
	}
	holds := (vals[i] == 1) != negated
	if holds {
		return 1 // the condition is true: the false edge cannot be taken
	}
	return 0
}
