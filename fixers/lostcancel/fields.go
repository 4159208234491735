package lostcancel

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
)

// A kept release function: a derivation's cancel stored in an unexported field of a struct
// type of the package (t.cancel = cancel, ctx, t.cancel = context.WithCancel(...),
// &T{cancel: cancel}) for the life of a component.
type kept struct {
	field *types.Var
	owner *types.Named
	ds    []*model.Derivation
}

// endOfLifeMethods are the methods that end a component's life, in the order a fix
// prefers them.
var endOfLifeMethods = []string{"Close", "Stop", "Shutdown"}

// checkFields reports the release functions kept in a field that no code of the package
// ever calls, reads or hands on (projectdiscovery/ratelimit#19: New keeps the limiter's
// cancel in a field and nothing calls it, so the run goroutine and the context outlive the
// limiter). The fix calls it when the owner's Close (Stop, Shutdown) returns.
func (a *analyzer) checkFields() {
	byField := make(map[*types.Var]*kept)
	var order []*kept
	for _, d := range a.m.Contexts().Derivations {
		f, owner := a.storedField(d)
		if f == nil {
			continue
		}
		f = f.Origin() // the field of a generic type, whatever its instance
		k := byField[f]
		if k == nil {
			k = &kept{field: f, owner: owner}
			byField[f] = k
			order = append(order, k)
		}
		k.ds = append(k.ds, d)
	}
	if len(order) == 0 {
		return
	}
	used := a.fieldsUsed(byField)
	for _, k := range order {
		if used[k.field] {
			continue
		}
		a.reportKept(k)
	}
}

// storedField returns the field that d's release function is kept in, and the named type
// it is a field of, when that is all that becomes of it.
func (a *analyzer) storedField(d *model.Derivation) (*types.Var, *types.Named) {
	info := a.pass.TypesInfo
	if as, ok := d.Stmt.(*ast.AssignStmt); ok && len(as.Lhs) == 2 {
		if sel, ok := ast.Unparen(as.Lhs[1]).(*ast.SelectorExpr); ok {
			return a.ownField(info.Selections[sel], info.TypeOf(sel.X))
		}
	}
	if d.Cancel == nil || len(d.Uses) == 0 {
		return nil, nil
	}
	var field *types.Var
	var owner *types.Named
	for _, u := range d.Uses {
		switch u.Kind {
		case model.CancelCompared, model.CancelAssigned:
		case model.CancelStored:
			if u.Field == nil || field != nil && u.Field != field {
				return nil, nil
			}
			field = u.Field
			switch p := u.Cursor.Parent().Node().(type) {
			case *ast.AssignStmt:
				sel, _ := ast.Unparen(p.Lhs[u.Cursor.ParentEdgeIndex()]).(*ast.SelectorExpr)
				if sel == nil {
					return nil, nil
				}
				if _, owner = a.ownField(info.Selections[sel], info.TypeOf(sel.X)); owner == nil {
					return nil, nil
				}
			case *ast.KeyValueExpr:
				lit, ok := u.Cursor.Parent().Parent().Node().(*ast.CompositeLit)
				if !ok {
					return nil, nil
				}
				if owner = a.localStruct(info.TypeOf(lit)); owner == nil {
					return nil, nil
				}
			default:
				return nil, nil
			}
		default:
			return nil, nil // called, deferred, returned, handed on: not only kept
		}
	}
	if field == nil || field.Exported() {
		return nil, nil
	}
	return field, owner
}

// ownField returns the field a selection selects and its struct type, when the field is
// unexported and the type is declared in the package.
func (a *analyzer) ownField(s *types.Selection, x types.Type) (*types.Var, *types.Named) {
	if s == nil || s.Kind() != types.FieldVal || len(s.Index()) != 1 {
		return nil, nil
	}
	f, ok := s.Obj().(*types.Var)
	owner := a.localStruct(x)
	if !ok || f.Exported() || owner == nil {
		return nil, nil
	}
	return f, owner
}

// localStruct returns the named struct type of the package that t is or points to.
func (a *analyzer) localStruct(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != a.pass.Pkg {
		return nil
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return nil
	}
	return n.Origin()
}

// fieldsUsed returns the fields of byField that some code calls (t.cancel(), defer
// t.cancel()) or uses otherwise than by storing into it or comparing it with nil (it
// reads it into a variable, returns it, hands it on): someone else may call it.
func (a *analyzer) fieldsUsed(byField map[*types.Var]*kept) map[*types.Var]bool {
	info := a.pass.TypesInfo
	used := make(map[*types.Var]bool)
	for cur := range a.m.Inspector.Root().Preorder((*ast.SelectorExpr)(nil)) {
		sel := cur.Node().(*ast.SelectorExpr)
		s := info.Selections[sel]
		if s == nil || s.Kind() != types.FieldVal {
			continue
		}
		f, _ := s.Obj().(*types.Var)
		if f == nil {
			continue
		}
		f = f.Origin()
		if byField[f] == nil || used[f] {
			continue
		}
		switch p := cur.Parent().Node().(type) {
		case *ast.AssignStmt:
			if cur.ParentEdgeKind() == edge.AssignStmt_Lhs {
				continue // a store
			}
		case *ast.BinaryExpr:
			if (p.Op == token.EQL || p.Op == token.NEQ) && (isNil(info, p.X) || isNil(info, p.Y)) {
				continue
			}
		}
		used[f] = true
	}
	return used
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// reportKept reports the first derivation of k, with a fix in the owner's end-of-life
// method when it has one.
func (a *analyzer) reportKept(k *kept) {
	d0 := k.ds[0]
	what := d0.Callee.Pkg().Name() + "." + d0.Callee.Name()
	kind := "cancel"
	if d0.Callee.Pkg().Path() == "os/signal" {
		kind = "stop"
	}
	name := k.owner.Obj().Name() + "." + k.field.Name()
	d := analysis.Diagnostic{
		Pos:     d0.Call.Pos(),
		End:     d0.Call.End(),
		Message: fmt.Sprintf("%s function returned by %s is kept in %s, which nothing calls: the context is never released", kind, what, name),
	}
	for _, other := range k.ds[1:] {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: other.Call.Pos(), Message: "kept there too"})
	}
	if kind == "stop" {
		fixkit.Refuse(a.pass, d, d0.Call.Pos(), "stopping the notification restores the signals' default behaviour")
		return
	}
	decl, recv := a.endOfLife(k.owner)
	if decl == nil {
		fixkit.Refuse(a.pass, d, d0.Call.Pos(), fmt.Sprintf("%s has no Close, Stop or Shutdown method to release it in", k.owner.Obj().Name()))
		return
	}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: decl.Name.Pos(), Message: "released when this method returns"})
	var args []dst.Expr
	for _, d := range k.ds {
		if d.Cause {
			args = []dst.Expr{dst.NewIdent("nil")}
		}
	}
	msg := fmt.Sprintf("Call %s.%s when %s.%s returns", recv, k.field.Name(), k.owner.Obj().Name(), decl.Name.Name)
	fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error {
		body := fx.Dst(decl.Body).(*dst.BlockStmt)
		sel := func() dst.Expr { return &dst.SelectorExpr{X: dst.NewIdent(recv), Sel: dst.NewIdent(k.field.Name())} }
		guard := &dst.IfStmt{
			Cond: &dst.BinaryExpr{X: sel(), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{&dst.DeferStmt{Call: &dst.CallExpr{Fun: sel(), Args: args}}}},
		}
		guard.Decs.Before = dst.NewLine
		guard.Decs.After = dst.NewLine
		body.List = append([]dst.Stmt{guard}, body.List...)
		return nil
	})
}

// endOfLife returns the declaration of owner's first end-of-life method declared in the
// package with a named receiver of owner itself, and the receiver's name.
func (a *analyzer) endOfLife(owner *types.Named) (*ast.FuncDecl, string) {
	for _, name := range endOfLifeMethods {
		for i := range owner.NumMethods() {
			m := owner.Method(i)
			if m.Name() != name {
				continue
			}
			f := a.m.Decl(m)
			if f == nil {
				return nil, ""
			}
			decl, ok := f.Node.(*ast.FuncDecl)
			if !ok || decl.Body == nil || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 {
				return nil, ""
			}
			recv := decl.Recv.List[0].Names[0].Name
			if recv == "_" || fixkit.Lookup(a.pass.Pkg, recv, decl.Body.Lbrace+1) != a.pass.TypesInfo.Defs[decl.Recv.List[0].Names[0]] {
				return nil, ""
			}
			return decl, recv
		}
	}
	return nil, ""
}
