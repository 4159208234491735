package model

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// TripCount returns the constant number of iterations of `for range k` (k a constant
// integer) or `for i := a; i < b; i++` (also <= and i += 1; a and b constants), when i
// is not assigned, incremented or has its address taken in the loop's body.
func TripCount(info *types.Info, loop ast.Node) (int64, bool) {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		if n, ok := intConst(info, l.X); ok && IsInteger(info.TypeOf(l.X)) {
			return max(n, 0), true
		}
	case *ast.ForStmt:
		v, from, cond, ok := countingLoop(info, l)
		if !ok {
			return 0, false
		}
		to, ok := intConst(info, cond.Y)
		if !ok {
			return 0, false
		}
		switch cond.Op {
		case token.LSS:
		case token.LEQ:
			to++
		default:
			return 0, false
		}
		if !isIncrement(info, l.Post, v) {
			return 0, false
		}
		return max(to-from, 0), true
	}
	return 0, false
}

// countingLoop returns the variable i, the constant from and the condition of
// `for i := from; i OP bound; ...` when i is one identifier, the condition compares it
// (i on the left) and l's body does not assign it. The callers check OP, bound and the
// post statement.
func countingLoop(info *types.Info, l *ast.ForStmt) (i types.Object, from int64, cond *ast.BinaryExpr, ok bool) {
	init, ok := l.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return nil, 0, nil, false
	}
	id, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return nil, 0, nil, false
	}
	i = info.Defs[id]
	from, ok = intConst(info, init.Rhs[0])
	if i == nil || !ok {
		return nil, 0, nil, false
	}
	cond, ok = l.Cond.(*ast.BinaryExpr)
	if !ok || !isVar(info, cond.X, i) || Assigns(info, l.Body, i) {
		return nil, 0, nil, false
	}
	return i, from, cond, true
}

// TripKey describes how many times loop runs, when that is a function of values f does
// not change (Func.Stable): "n" for `for i := 0; i < n; i++`, `for i := 1; i <= n; i++`
// and `for range n`, "len(x)" for a range over a slice, array or map x and for
// `for i := 0; i < len(x); i++`. It returns "" for any other loop. overMap says the loop
// ranges over a map, whose length the loop's body may change.
func (f *Func) TripKey(loop ast.Node) (key string, overMap bool) {
	info := f.m.Info
	var bound ast.Expr
	switch l := loop.(type) {
	case *ast.ForStmt:
		iv, from, cond, ok := countingLoop(info, l)
		if !ok || !(from == 0 && cond.Op == token.LSS || from == 1 && cond.Op == token.LEQ) {
			return "", false
		}
		if post, ok := l.Post.(*ast.IncDecStmt); !ok || post.Tok != token.INC || !isVar(info, post.X, iv) {
			return "", false
		}
		bound = cond.Y
	case *ast.RangeStmt:
		t := info.TypeOf(l.X)
		if t == nil {
			return "", false
		}
		switch t.Underlying().(type) {
		case *types.Basic:
			bound = l.X
		case *types.Slice, *types.Array, *types.Map:
			if !f.Stable(l.X) {
				return "", false
			}
			_, overMap = t.Underlying().(*types.Map)
			return "len(" + types.ExprString(l.X) + ")", overMap
		default:
			return "", false
		}
	default:
		return "", false
	}
	if !f.Stable(bound) {
		return "", false
	}
	return types.ExprString(bound), false
}

// Stable reports whether e is built from constants, variables and fields that f never
// assigns (apart from their declaration), and len calls: it has the same value wherever
// it is evaluated in f (but for other goroutines and calls that change a field).
func (f *Func) Stable(e ast.Expr) bool {
	info := f.m.Info
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil:
		case *ast.Ident:
			switch o := info.Uses[n].(type) {
			case *types.Var:
				if Assigns(info, f.Body, o) {
					ok = false
				}
			case *types.Const, *types.Builtin, *types.TypeName, *types.PkgName, nil:
			default:
				ok = false
			}
		case *ast.CallExpr:
			if id, isID := ast.Unparen(n.Fun).(*ast.Ident); !isID || id.Name != "len" {
				ok = false
			} else if _, isB := info.Uses[id].(*types.Builtin); !isB {
				ok = false
			}
		case *ast.BinaryExpr, *ast.SelectorExpr, *ast.ParenExpr, *ast.BasicLit:
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// Assigns reports whether v is assigned, incremented, ranged into or has its address
// taken in n (function literals included).
func Assigns(info *types.Info, n ast.Node, v types.Object) bool {
	found := false
	is := func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.Uses[e] == v
		case *ast.SelectorExpr:
			return info.Uses[e.Sel] == v
		}
		return false
	}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.AssignStmt:
			for _, l := range m.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = found || is(m.X)
		case *ast.UnaryExpr:
			found = found || (m.Op == token.AND && is(m.X))
		case *ast.RangeStmt:
			found = found || (m.Key != nil && is(m.Key)) || (m.Value != nil && is(m.Value))
		}
		return !found
	})
	return found
}

// isIncrement reports whether s is v++ or v += 1.
func isIncrement(info *types.Info, s ast.Stmt, v types.Object) bool {
	switch p := s.(type) {
	case *ast.IncDecStmt:
		return p.Tok == token.INC && isVar(info, p.X, v)
	case *ast.AssignStmt:
		if p.Tok != token.ADD_ASSIGN || len(p.Lhs) != 1 || !isVar(info, p.Lhs[0], v) {
			return false
		}
		one, ok := intConst(info, p.Rhs[0])
		return ok && one == 1
	}
	return false
}

func isVar(info *types.Info, e ast.Expr, v types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && v != nil && info.Uses[id] == v
}

func intConst(info *types.Info, e ast.Expr) (int64, bool) {
	if e == nil {
		return 0, false
	}
	tv := info.Types[e]
	if tv.Value == nil || tv.Value.Kind() != constant.Int && tv.Value.Kind() != constant.Float {
		return 0, false
	}
	return constant.Int64Val(constant.ToInt(tv.Value))
}

// IsInteger reports whether t is an integer type.
func IsInteger(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}
