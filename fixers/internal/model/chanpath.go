package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// A chanPath names a channel by the variable that holds it (root), or by the field of
// the struct a local variable points to or holds (root.field).
type chanPath struct {
	root  *types.Var
	field *types.Var // nil for the variable itself
}

// pathOf returns the path of the channel expression e: a variable v, or x.f where x is
// a local variable and f a field of its struct type (not promoted).
func (cs *Chans) pathOf(e ast.Expr) (chanPath, bool) {
	info := cs.m.Info
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok {
			return chanPath{root: v}, true
		}
	case *ast.SelectorExpr:
		x, ok := ast.Unparen(e.X).(*ast.Ident)
		if !ok {
			break
		}
		root, ok := info.Uses[x].(*types.Var)
		sel := info.Selections[e]
		if !ok || sel == nil || sel.Kind() != types.FieldVal || len(sel.Index()) != 1 || root.IsField() || root.Parent() == cs.m.Pkg.Scope() {
			break
		}
		return chanPath{root: root, field: sel.Obj().(*types.Var)}, true
	}
	return chanPath{}, false
}

// madeFor returns the function F that makes the one channel of class c into path, and
// the cursor of the make, when every use of the class is one the model follows for
// HasRoom:
//
//   - path is a variable v: the make is the value a := or var declaration of F gives v,
//     and the conditions of Fits hold (Chans.followed) but for the count;
//   - path is x.f: the make is the value of f in a composite literal T{...} or &T{...}
//     that a := or var declaration of F gives x; f is unexported and no assignment of the
//     package sets a field f or a whole T (*p = T{}); every member of the class other
//     than f is a receive-only channel (<-chan T: it cannot be sent on); and every
//     reference to f is a channel operation, close, len or cap, a comparison, a key of a
//     composite literal, or a value given to a receive-only result, variable or field.
//
// In both cases the variable (v or x) is never assigned after its declaration.
func (cs *Chans) madeFor(c *Chan, path chanPath) (*Func, inspector.Cursor, bool) {
	m := cs.m
	info := m.Info
	if path.field == nil {
		F, mkCur, _, ok := cs.followed(c)
		if !ok || cs.madeInto(mkCur) != path.root || len(cs.assigned[path.root]) > 0 || Assigns(info, F.Body, path.root) {
			return nil, mkCur, false
		}
		return F, mkCur, true
	}
	f := path.field
	mkCur, ok := m.cursorOf(c.Makes[0].Call)
	if !ok || f.Exported() || len(cs.assigned[f]) > 0 || mkCur.ParentEdgeKind() != edge.KeyValueExpr_Value {
		return nil, mkCur, false
	}
	kv := mkCur.Parent().Node().(*ast.KeyValueExpr)
	if key, ok := kv.Key.(*ast.Ident); !ok || info.Uses[key] != f {
		return nil, mkCur, false
	}
	lit := mkCur.Parent().Parent()
	if _, ok := lit.Node().(*ast.CompositeLit); !ok {
		return nil, mkCur, false
	}
	if u, ok := lit.Parent().Node().(*ast.UnaryExpr); ok && u.Op == token.AND {
		lit = lit.Parent()
	}
	if cs.madeInto(lit) != path.root {
		return nil, mkCur, false
	}
	F := m.Enclosing(mkCur)
	if F == nil || hasGoto(F) || !inside(F.Body, path.root.Pos()) || Assigns(info, F.Body, path.root) {
		return nil, mkCur, false
	}
	T := types.Unalias(path.root.Type())
	if p, ok := T.Underlying().(*types.Pointer); ok {
		T = types.Unalias(p.Elem())
	}
	for _, o := range c.Members {
		if o != f && !recvOnly(o.Type()) {
			return nil, mkCur, false
		}
	}
	for cur := range m.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.Ident)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if t := info.TypeOf(l); t != nil && types.Identical(t, T) {
					return nil, mkCur, false // *p = T{...}
				}
			}
		case *ast.Ident:
			if info.Uses[n] == f && !cs.fieldUseFollowed(cur) {
				return nil, mkCur, false
			}
		}
	}
	return F, mkCur, true
}

// fieldUseFollowed reports whether the reference to a channel field at cur is one
// through which no channel can be sent on that the model does not see (madeFor).
func (cs *Chans) fieldUseFollowed(cur inspector.Cursor) bool {
	info := cs.m.Info
	switch cur.ParentEdgeKind() {
	case edge.KeyValueExpr_Key:
		return true
	case edge.SelectorExpr_Sel:
		cur = cur.Parent()
	default:
		return false
	}
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	switch k, i := cur.ParentEdge(); k {
	case edge.SendStmt_Chan, edge.RangeStmt_X:
		return true
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		op := cur.Parent().Node().(*ast.BinaryExpr).Op
		return op == token.EQL || op == token.NEQ
	case edge.UnaryExpr_X:
		return cur.Parent().Node().(*ast.UnaryExpr).Op == token.ARROW
	case edge.CallExpr_Args:
		call := cur.Parent().Node().(*ast.CallExpr)
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok {
				switch b.Name() {
				case "close", "len", "cap":
					return true
				}
			}
		}
	case edge.ReturnStmt_Results:
		f := cs.m.Enclosing(cur)
		ret := cur.Parent().Node().(*ast.ReturnStmt)
		if f == nil || f.Sig == nil || f.Sig.Results().Len() != len(ret.Results) {
			return false
		}
		return recvOnly(f.Sig.Results().At(i).Type())
	case edge.AssignStmt_Rhs:
		as := cur.Parent().Node().(*ast.AssignStmt)
		return len(as.Lhs) == len(as.Rhs) && recvOnly(info.TypeOf(as.Lhs[i]))
	}
	return false
}

// recvOnly reports whether t is a receive-only channel type (<-chan T).
func recvOnly(t types.Type) bool {
	if t == nil {
		return false
	}
	ch, ok := t.Underlying().(*types.Chan)
	return ok && ch.Dir() == types.RecvOnly
}
