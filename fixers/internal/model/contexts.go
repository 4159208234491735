package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Contexts are the contexts a package derives with a release function: the calls of
// context.WithCancel, WithCancelCause, WithTimeout, WithTimeoutCause, WithDeadline,
// WithDeadlineCause and signal.NotifyContext, with where their cancel (or stop)
// function goes.
type Contexts struct {
	Derivations []*Derivation // in source order
	byCall      map[*ast.CallExpr]*Derivation
}

// A Derivation is a call that returns a context and the function that releases it.
type Derivation struct {
	Call   *ast.CallExpr
	Cursor inspector.Cursor // of Call
	Callee *types.Func
	Func   *Func // the innermost function that contains the call; nil at package level
	Cause  bool  // the cancel function takes an error (the ...Cause variants)

	// When the call is the only value of an assignment or declaration of two variables:
	Stmt     ast.Node   // the *ast.AssignStmt (= or :=) or *ast.ValueSpec; nil otherwise
	Ctx      ast.Expr   // the left-hand side that receives the context
	CancelID *ast.Ident // the left-hand side that receives the release function, when it is an identifier
	Cancel   *types.Var // the variable it names; nil for _

	// Uses are the references to Cancel in its function (Cancel's scope, nested function
	// literals included), in source order.
	Uses []CancelUse
}

// A CancelUseKind says what a reference to a cancel variable does with it.
type CancelUseKind uint8

const (
	CancelCalled   CancelUseKind = iota // cancel()
	CancelDeferred                      // defer cancel()
	CancelSilenced                      // _ = cancel
	CancelAssigned                      // the left-hand side of another assignment: the old value is lost
	CancelCompared                      // cancel == nil, cancel != nil
	CancelStored                        // assigned to a field, an element, another variable, a composite literal
	CancelReturned                      // returned
	CancelPassed                        // an argument of a call
	CancelOther                         // any other reference (a method value, a conversion...)
)

// A CancelUse is one reference to a cancel variable.
type CancelUse struct {
	Ident  *ast.Ident
	Cursor inspector.Cursor // of Ident
	Kind   CancelUseKind
	In     *Func // the innermost function of the reference: the derivation's Func, or a literal nested in it
	// Field is the field the function is stored in, for CancelStored (t.cancel = cancel).
	Field *types.Var
}

var releasingFuncs = map[string]map[string]bool{
	"context": {"WithCancel": false, "WithCancelCause": true, "WithTimeout": false, "WithTimeoutCause": false,
		"WithDeadline": false, "WithDeadlineCause": false},
	"os/signal": {"NotifyContext": false},
}

// Contexts returns the package's derived contexts.
func (m *Model) Contexts() *Contexts {
	m.ctxsOnce.Do(func() { m.ctxs = newContexts(m) })
	return m.ctxs
}

// Of returns the derivation whose call is call, or nil.
func (cs *Contexts) Of(call *ast.CallExpr) *Derivation { return cs.byCall[call] }

// ReleaseFunc reports whether fn returns a context and the function that releases it,
// and whether that function takes an error (WithCancelCause).
func ReleaseFunc(fn *types.Func) (ok, cause bool) {
	if fn == nil || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return false, false
	}
	cause, ok = releasingFuncs[fn.Pkg().Path()][fn.Name()]
	return ok, cause
}

func newContexts(m *Model) *Contexts {
	cs := &Contexts{byCall: make(map[*ast.CallExpr]*Derivation)}
	imports := false
	for _, p := range m.Pkg.Imports() {
		if p.Path() == "context" || p.Path() == "os/signal" {
			imports = true
		}
	}
	if !imports {
		return cs
	}
	byVar := make(map[*types.Var][]*Derivation)
	for _, cur := range m.Calls {
		call := cur.Node().(*ast.CallExpr)
		fn, _ := typeutil.Callee(m.Info, call).(*types.Func)
		ok, cause := ReleaseFunc(fn)
		if !ok {
			continue
		}
		d := &Derivation{Call: call, Cursor: cur, Callee: fn, Func: m.Enclosing(cur), Cause: cause}
		switch p := cur.Parent().Node().(type) {
		case *ast.AssignStmt:
			if len(p.Lhs) == 2 && len(p.Rhs) == 1 && (p.Tok == token.DEFINE || p.Tok == token.ASSIGN) {
				d.Stmt, d.Ctx = p, p.Lhs[0]
				d.CancelID, _ = p.Lhs[1].(*ast.Ident)
			}
		case *ast.ValueSpec:
			if len(p.Names) == 2 && len(p.Values) == 1 {
				d.Stmt, d.Ctx, d.CancelID = p, p.Names[0], p.Names[1]
			}
		}
		if d.CancelID != nil && d.CancelID.Name != "_" {
			v, _ := m.Info.Defs[d.CancelID].(*types.Var)
			if v == nil {
				v, _ = m.Info.Uses[d.CancelID].(*types.Var)
			}
			d.Cancel = v
			if v != nil {
				byVar[v] = append(byVar[v], d)
			}
		}
		cs.Derivations = append(cs.Derivations, d)
		cs.byCall[call] = d
	}
	if len(byVar) == 0 {
		return cs
	}
	for cur := range m.Inspector.Root().Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		v, _ := m.Info.Uses[id].(*types.Var)
		if v == nil {
			continue
		}
		ds := byVar[v]
		if len(ds) == 0 {
			continue
		}
		u := CancelUse{Ident: id, Cursor: cur, In: m.Enclosing(cur)}
		u.Kind, u.Field = m.cancelUse(cur)
		for _, d := range ds {
			d.Uses = append(d.Uses, u)
		}
	}
	return cs
}

// cancelUse classifies the reference to a cancel variable at c.
func (m *Model) cancelUse(c inspector.Cursor) (CancelUseKind, *types.Var) {
	id := c.Node().(*ast.Ident)
	p := c.Parent()
	switch pn := p.Node().(type) {
	case *ast.CallExpr:
		if c.ParentEdgeKind() == edge.CallExpr_Fun {
			if p.ParentEdgeKind() == edge.DeferStmt_Call {
				return CancelDeferred, nil
			}
			return CancelCalled, nil
		}
		return CancelPassed, nil
	case *ast.ParenExpr:
		return CancelOther, nil
	case *ast.AssignStmt:
		if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
			return CancelAssigned, nil
		}
		if len(pn.Lhs) == len(pn.Rhs) && c.ParentEdgeKind() == edge.AssignStmt_Rhs {
			lhs := pn.Lhs[c.ParentEdgeIndex()] // t.ctx, t.cancel = ctx, cancel
			if l, ok := lhs.(*ast.Ident); ok && l.Name == "_" && len(pn.Lhs) == 1 {
				return CancelSilenced, nil
			}
			if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok {
				if s := m.Info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
					return CancelStored, s.Obj().(*types.Var)
				}
			}
		}
		return CancelStored, nil
	case *ast.ValueSpec:
		for _, n := range pn.Names {
			if n == id {
				return CancelAssigned, nil
			}
		}
		return CancelStored, nil
	case *ast.RangeStmt:
		if c.ParentEdgeKind() == edge.RangeStmt_Key || c.ParentEdgeKind() == edge.RangeStmt_Value {
			return CancelAssigned, nil
		}
	case *ast.BinaryExpr:
		if pn.Op == token.EQL || pn.Op == token.NEQ {
			return CancelCompared, nil
		}
	case *ast.ReturnStmt:
		return CancelReturned, nil
	case *ast.KeyValueExpr:
		if c.ParentEdgeKind() == edge.KeyValueExpr_Value {
			if key, ok := pn.Key.(*ast.Ident); ok {
				if f, ok := m.Info.Uses[key].(*types.Var); ok && f.IsField() {
					return CancelStored, f
				}
			}
		}
		return CancelStored, nil
	case *ast.CompositeLit, *ast.SendStmt:
		return CancelStored, nil
	}
	return CancelOther, nil
}
