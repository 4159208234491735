package lostcancel

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
)

// A kept release function: a derivation's cancel stored in an unexported field of a struct
// type of the package (t.cancel = cancel, ctx, t.cancel = context.WithCancel(...),
// &T{cancel: cancel}) for the life of a component.
type kept struct {
	field *types.Var
	owner *types.Named
	ds    []*model.Derivation
	// calls are the cursors of the calls that release it: of the field (t.cancel(),
	// defer t.cancel()) anywhere in the package, and of the variable a derivation assigned
	// it to before storing it (cancel() on the constructor's error path); stores are
	// the cursors of the field's selectors that assign it.
	calls  []inspector.Cursor
	stores []inspector.Cursor
}

// checkFields reports the release functions kept in a field that no code of the package
// ever reads or hands on, and that nothing calls (projectdiscovery/ratelimit#19: New keeps
// the limiter's cancel in a field and nothing calls it, so the run goroutine and the
// context outlive the limiter) or that only code which does not run when the owner's life
// ends calls (checkOwner, owner.go). The fix calls it when the owner's Close (Stop,
// Shutdown; Wait for a group) returns.
func (a *analyzer) checkFields() {
	byField := make(map[*types.Var]*kept)
	var order []*kept
	for _, d := range a.m.Contexts().Derivations {
		f, owner, calls := a.storedField(d)
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
		k.calls = append(k.calls, calls...)
	}
	if len(order) == 0 {
		return
	}
	handed := a.fieldUses(byField)
	for _, k := range order {
		switch {
		case handed[k.field]:
		case len(k.calls) == 0:
			a.reportKept(k)
		default:
			a.checkOwner(k)
		}
	}
}

// storedField returns the field that d's release function is kept in, and the named type
// it is a field of, when that is all that becomes of it besides calls of the variable it
// was first assigned to, whose call expressions' cursors it returns too.
func (a *analyzer) storedField(d *model.Derivation) (*types.Var, *types.Named, []inspector.Cursor) {
	info := a.pass.TypesInfo
	if as, ok := d.Stmt.(*ast.AssignStmt); ok && len(as.Lhs) == 2 {
		if sel, ok := ast.Unparen(as.Lhs[1]).(*ast.SelectorExpr); ok {
			f, owner := a.ownField(info.Selections[sel], info.TypeOf(sel.X))
			return f, owner, nil
		}
	}
	if d.Cancel == nil || len(d.Uses) == 0 {
		return nil, nil, nil
	}
	var field *types.Var
	var owner *types.Named
	var calls []inspector.Cursor
	for _, u := range d.Uses {
		switch u.Kind {
		case model.CancelCompared, model.CancelAssigned:
		case model.CancelCalled, model.CancelDeferred:
			calls = append(calls, u.Cursor.Parent())
		case model.CancelStored:
			if u.Field == nil || field != nil && u.Field != field {
				return nil, nil, nil
			}
			field = u.Field
			switch p := u.Cursor.Parent().Node().(type) {
			case *ast.AssignStmt:
				sel, _ := ast.Unparen(p.Lhs[u.Cursor.ParentEdgeIndex()]).(*ast.SelectorExpr)
				if sel == nil {
					return nil, nil, nil
				}
				if _, owner = a.ownField(info.Selections[sel], info.TypeOf(sel.X)); owner == nil {
					return nil, nil, nil
				}
			case *ast.KeyValueExpr:
				lit, ok := u.Cursor.Parent().Parent().Node().(*ast.CompositeLit)
				if !ok {
					return nil, nil, nil
				}
				if owner = a.localStruct(info.TypeOf(lit)); owner == nil {
					return nil, nil, nil
				}
			default:
				return nil, nil, nil
			}
		default:
			return nil, nil, nil // returned, handed on: not only kept
		}
	}
	if field == nil || field.Exported() {
		return nil, nil, nil
	}
	return field, owner, calls
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

// fieldUses returns the fields of byField that some code uses otherwise than by calling
// it (t.cancel(), defer t.cancel(), go t.cancel()), storing into it or comparing it with
// nil (it reads it into a variable, returns it, hands it on): someone else may call it.
// It adds the calls and the stores of each field to its kept.
func (a *analyzer) fieldUses(byField map[*types.Var]*kept) map[*types.Var]bool {
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
		k := byField[f]
		if k == nil || used[f] {
			continue
		}
		switch p := cur.Parent().Node().(type) {
		case *ast.AssignStmt:
			if cur.ParentEdgeKind() == edge.AssignStmt_Lhs {
				k.stores = append(k.stores, cur)
				continue
			}
		case *ast.CallExpr:
			if cur.ParentEdgeKind() == edge.CallExpr_Fun {
				k.calls = append(k.calls, cur.Parent())
				continue
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

// reportKept reports the first derivation of k, which nothing calls, with a fix in the
// owner's end-of-life method when it has one.
func (a *analyzer) reportKept(k *kept) {
	d0 := k.ds[0]
	kind := "cancel"
	if d0.Callee.Pkg().Path() == "os/signal" {
		kind = "stop"
	}
	d := analysis.Diagnostic{
		Pos:     d0.Call.Pos(),
		End:     d0.Call.End(),
		Message: fmt.Sprintf("%s function returned by %s is kept in %s, which nothing calls: the context is never released", kind, k.what(), k.name()),
	}
	for _, other := range k.ds[1:] {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: other.Call.Pos(), Message: "kept there too"})
	}
	if kind == "stop" {
		fixkit.Refuse(a.pass, d, d0.Call.Pos(), "stopping the notification restores the signals' default behaviour")
		return
	}
	end := a.lifeEnd(k)
	switch {
	case end.name == "":
		fixkit.Refuse(a.pass, d, d0.Call.Pos(), fmt.Sprintf("%s has no Close, Stop or Shutdown method to release it in", k.owner.Obj().Name()))
		return
	case end.decl == nil:
		fixkit.Refuse(a.pass, d, d0.Call.Pos(), fmt.Sprintf("%s's %s is not declared on it in this package with a named receiver", k.owner.Obj().Name(), end.name))
		return
	}
	a.release(k, d, end)
}

// what names the derivation of k's first call, name its field, for messages.
func (k *kept) what() string {
	return k.ds[0].Callee.Pkg().Name() + "." + k.ds[0].Callee.Name()
}

func (k *kept) name() string { return k.owner.Obj().Name() + "." + k.field.Name() }

// release reports d with the fix that calls k's field when end's method returns: `if
// t.cancel != nil { defer t.cancel() }` at its start, or `if t.cancel != nil {
// t.cancel() }` right before its first wait for goroutines, or, for a group's Wait, `if
// g.cancel != nil { g.cancel() }` after its g.wg.Wait() (x/sync's errgroup). It refuses when
// another goroutine or a lock's holder may write the field as the method reads it.
func (a *analyzer) release(k *kept, d analysis.Diagnostic, end lifeEnd) {
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: end.decl.Name.Pos(), Message: "released when this method returns"})
	why := a.racyField(k)
	if why == "" && end.name != "Wait" {
		why = a.restarted(k, end)
	}
	if why == "" && end.after == nil {
		why = a.cutShort(k, end)
	}
	if why == "" && end.before != nil {
		why = a.usedAfter(k, end)
	}
	if why != "" {
		fixkit.Refuse(a.pass, d, k.ds[0].Call.Pos(), why)
		return
	}
	var args []dst.Expr
	for _, d := range k.ds {
		if d.Cause {
			args = []dst.Expr{dst.NewIdent("nil")}
		}
	}
	recv := end.recv
	msg := fmt.Sprintf("Call %s.%s when %s.%s returns", recv, k.field.Name(), k.owner.Obj().Name(), end.decl.Name.Name)
	if end.after != nil {
		msg = fmt.Sprintf("Call %s.%s in %s.%s after its goroutines are done", recv, k.field.Name(), k.owner.Obj().Name(), end.decl.Name.Name)
	}
	if end.before != nil {
		msg = fmt.Sprintf("Call %s.%s in %s.%s before it waits for its goroutines", recv, k.field.Name(), k.owner.Obj().Name(), end.decl.Name.Name)
	}
	fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error {
		body := fx.Dst(end.decl.Body).(*dst.BlockStmt)
		sel := func() dst.Expr { return &dst.SelectorExpr{X: dst.NewIdent(recv), Sel: dst.NewIdent(k.field.Name())} }
		var call dst.Stmt = &dst.DeferStmt{Call: &dst.CallExpr{Fun: sel(), Args: args}}
		if end.after != nil || end.before != nil {
			call = &dst.ExprStmt{X: &dst.CallExpr{Fun: sel(), Args: args}}
		}
		guard := &dst.IfStmt{
			Cond: &dst.BinaryExpr{X: sel(), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{call}},
		}
		guard.Decs.Before = dst.NewLine
		guard.Decs.After = dst.NewLine
		at := 0
		if end.before != nil {
			at = slices.Index(body.List, fx.Dst(end.before).(dst.Stmt))
			if at < 0 {
				return fmt.Errorf("%s's wait is not in its body", end.decl.Name.Name)
			}
		}
		if end.after != nil {
			after := fx.Dst(end.after).(dst.Stmt)
			at = slices.Index(body.List, after) + 1
			if at == 0 {
				return fmt.Errorf("%s's Wait call is not in its body", end.decl.Name.Name)
			}
		}
		body.List = slices.Insert(body.List, at, dst.Stmt(guard))
		return nil
	})
}

// usedAfter returns why the release cannot go before end's first wait: the method refers
// to the field that holds k's context at or after that wait, and would then read a
// cancelled context.
func (a *analyzer) usedAfter(k *kept, end lifeEnd) string {
	info := a.pass.TypesInfo
	ctxFields := make(map[*types.Var]bool)
	for _, d := range k.ds {
		if sel, ok := ast.Unparen(d.Ctx).(*ast.SelectorExpr); ok {
			if f, ok := info.Uses[sel.Sel].(*types.Var); ok && f.IsField() {
				ctxFields[f] = true
			}
		}
	}
	found := ""
	for _, st := range end.decl.Body.List {
		if st.Pos() < end.before.Pos() {
			continue
		}
		ast.Inspect(st, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && found == "" {
				if f, ok := info.Uses[sel.Sel].(*types.Var); ok && ctxFields[f] {
					found = fmt.Sprintf("%s.%s uses %s after it waits: releasing it before the wait would cancel that use",
						k.owner.Obj().Name(), end.decl.Name.Name, f.Name())
				}
			}
			return found == ""
		})
	}
	return found
}
