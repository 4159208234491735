package unlock

import (
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
)

// A storedLit is a function literal that the package stores in a field of func type
// (l.onLimitReached = func(...) { ... l.GetMessage() ... }), with the variable whose
// field it is stored in: the value the literal works on when that field is called.
type storedLit struct {
	f     *model.Func
	owner *types.Var
}

// fieldLiterals returns, for each field of func type, the literals the package stores in
// it through a variable (v.f = func...), found once.
func (a *analyzer) fieldLiterals() map[*types.Var][]storedLit {
	if a.stored != nil {
		return a.stored
	}
	a.stored = make(map[*types.Var][]storedLit)
	for cur := range a.m.Inspector.Root().Preorder((*ast.AssignStmt)(nil)) {
		as := cur.Node().(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for i, rhs := range as.Rhs {
			if _, ok := ast.Unparen(rhs).(*ast.FuncLit); !ok {
				continue
			}
			field, owner := a.funcField(as.Lhs[i])
			if field == nil {
				continue
			}
			lit := a.m.Enclosing(cur.ChildAt(edge.AssignStmt_Rhs, i))
			if lit == nil || lit.Node != ast.Unparen(rhs) {
				continue
			}
			a.stored[field] = append(a.stored[field], storedLit{lit, owner})
		}
	}
	return a.stored
}

// funcField returns the field of func type that e selects on a variable (v.f), and the
// variable.
func (a *analyzer) funcField(e ast.Expr) (*types.Var, *types.Var) {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return nil, nil
	}
	s := a.info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal {
		return nil, nil
	}
	field, ok := s.Obj().(*types.Var)
	if !ok {
		return nil, nil
	}
	if _, isFunc := field.Type().Underlying().(*types.Signature); !isFunc {
		return nil, nil
	}
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil, nil
	}
	owner, ok := a.info.Uses[id].(*types.Var)
	if !ok {
		return nil, nil
	}
	return field.Origin(), owner
}

// calledField returns the field of func type that call calls on base (base.f(...)), or
// through a local variable of f whose every assignment reads it (fn := base.f; fn(...):
// tollbooth's ExecOnLimitReached).
func (a *analyzer) calledField(f *model.Func, call *ast.CallExpr, base *types.Var) *types.Var {
	if field, owner := a.funcField(call.Fun); field != nil {
		if owner != base {
			return nil
		}
		return field
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := a.info.Uses[id].(*types.Var)
	if !ok || v.Pos() < f.Body.Pos() || v.Pos() >= f.Body.End() {
		return nil
	}
	var field *types.Var
	ok = true
	ast.Inspect(f.Body, func(n ast.Node) bool {
		as, isAssign := n.(*ast.AssignStmt)
		if !isAssign || !ok {
			return ok
		}
		for i, lhs := range as.Lhs {
			lid, isID := ast.Unparen(lhs).(*ast.Ident)
			if !isID || a.info.ObjectOf(lid) != v {
				continue
			}
			if len(as.Lhs) != len(as.Rhs) {
				ok = false
				return false
			}
			fl, owner := a.funcField(as.Rhs[i])
			if fl == nil || owner != base || field != nil && fl != field {
				ok = false
				return false
			}
			field = fl
		}
		return true
	})
	if !ok {
		return nil
	}
	return field
}

// relockThroughField returns the chain from the call of a func-typed field of the
// mutex's variable to a re-lock in one of the literals the package stores in that field:
// the literal works on the variable it was stored through, so the mutex is the same
// fields of that variable (didip/tollbooth#107: the default OnLimitReached callback,
// called under the limiter's read lock, reads the message through GetMessage, which
// read-locks again).
func (a *analyzer) relockThroughField(f *model.Func, call *ast.CallExpr, t target, global bool) (model.Chain, bool) {
	field := a.calledField(f, call, t.base)
	if field == nil {
		return model.Chain{}, false
	}
	for _, sl := range a.fieldLiterals()[field] {
		next := target{sl.owner, t.fields}
		if global {
			next = t
		}
		if ch, ok := a.relockChain(sl.f, next, global, make(map[*model.Func]bool), []*model.Func{f}); ok {
			return ch, true
		}
	}
	return model.Chain{}, false
}
