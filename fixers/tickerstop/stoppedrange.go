package tickerstop

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
)

// checkStoppedRanges reports a range over a ticker's channel that another function of the
// package stops: Stop does not close t.C (in every Go version), so the loop never ends
// once the ticker is stopped, and the goroutine that runs it is leaked
// (InVisionApp/go-health#35: the checker's Stop stopped every ticker, and each checker
// goroutine's for range ticker.C waited forever). The ticker is followed to where it is
// kept: its variable, or the field it is stored in (directly, as a map or slice element,
// or in a composite literal), and a Stop counts when it is called on that variable in
// another function, or on a value read from that field (x.f, x.f[k], or a range value
// over x.f) anywhere but in the loop's own function. There is no fix: ending the loop
// needs a stop channel or a context, a design choice. A ticker that the package also
// Resets through its container may be restarted, and is not reported.
func checkStoppedRanges(pass *analysis.Pass, m *model.Model) {
	info := pass.TypesInfo
	var loops []rangeLoop
	for cur := range m.Inspector.Root().Preorder((*ast.RangeStmt)(nil)) {
		rs := cur.Node().(*ast.RangeStmt)
		sel, ok := ast.Unparen(rs.X).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "C" || !isTickerOrTimer(info.TypeOf(sel.X)) {
			continue
		}
		f := m.Enclosing(cur)
		if f == nil {
			continue
		}
		l := rangeLoop{rs: rs, f: f}
		switch x := ast.Unparen(sel.X).(type) {
		case *ast.Ident:
			l.v, _ = info.Uses[x].(*types.Var)
			if l.v == nil || l.v.IsField() {
				continue
			}
			l.kept = keptIn(info, m, l.v)
		case *ast.SelectorExpr:
			if s := info.Selections[x]; s != nil && s.Kind() == types.FieldVal {
				l.kept = s.Obj()
			}
		}
		if l.v == nil && l.kept == nil {
			continue
		}
		loops = append(loops, l)
	}
	if len(loops) == 0 {
		return
	}
	// The local variables that hold a value read from a field: a range value over it, or
	// assigned from it where declared.
	from := make(map[*types.Var]ast.Expr)
	for cur := range m.Inspector.Root().Preorder((*ast.RangeStmt)(nil), (*ast.AssignStmt)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.RangeStmt:
			if id, ok := n.Value.(*ast.Ident); ok && n.Tok == token.DEFINE {
				if v, ok := info.Defs[id].(*types.Var); ok {
					from[v] = n.X
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Rhs) == 1 {
				if id, ok := n.Lhs[0].(*ast.Ident); ok {
					if v, ok := info.Defs[id].(*types.Var); ok {
						from[v] = n.Rhs[0]
					}
				}
			}
		}
	}
	// The Stop and Reset calls of tickers and timers, with the function each is in.
	type stopCall struct {
		sel *ast.SelectorExpr
		f   *model.Func
	}
	var calls []stopCall
	for cur := range m.Inspector.Root().Preorder((*ast.CallExpr)(nil)) {
		sel, ok := ast.Unparen(cur.Node().(*ast.CallExpr).Fun).(*ast.SelectorExpr)
		if ok && (sel.Sel.Name == "Stop" || sel.Sel.Name == "Reset") && isTickerOrTimer(info.TypeOf(sel.X)) {
			calls = append(calls, stopCall{sel, m.Enclosing(cur)})
		}
	}
	for _, l := range loops {
		var stopper *model.Func
		reset := false
		for _, sc := range calls {
			if !l.holds(info, from, sc.sel.X) {
				continue
			}
			if sc.sel.Sel.Name == "Reset" {
				reset = true
				break
			}
			if sc.f != nil && sc.f != l.f && stopper == nil {
				stopper = sc.f
			}
		}
		if reset || stopper == nil {
			continue
		}
		where := "a function literal"
		if stopper.Obj != nil {
			where = stopper.Obj.Name()
		}
		pass.Report(analysis.Diagnostic{
			Pos:     l.rs.Pos(),
			End:     l.rs.X.End(),
			Message: fmt.Sprintf("range over %s never ends: Stop (in %s) does not close the channel, so the loop waits forever once the ticker is stopped", types.ExprString(l.rs.X), where),
		})
	}
}

// A rangeLoop is a range over a ticker's channel.
type rangeLoop struct {
	rs   *ast.RangeStmt
	f    *model.Func  // the function it is in
	v    *types.Var   // the ticker's variable, if local
	kept types.Object // the field the ticker is kept in, if any
}

// holds reports whether e, a ticker expression, is the loop's ticker variable or is read
// from the field the loop's ticker is kept in (from gives the locals read from a field).
func (l rangeLoop) holds(info *types.Info, from map[*types.Var]ast.Expr, e ast.Expr) bool {
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok {
		v, _ := info.Uses[id].(*types.Var)
		if v == nil {
			return false
		}
		if v == l.v {
			return true
		}
		if x, ok := from[v]; ok {
			return l.kept != nil && fieldOf(info, x) == l.kept
		}
		return false
	}
	return l.kept != nil && fieldOf(info, e) == l.kept
}

// keptIn returns the field that the local ticker variable v is stored in (x.f = v,
// x.f[k] = v, T{f: v}), or nil.
func keptIn(info *types.Info, m *model.Model, v *types.Var) types.Object {
	var kept types.Object
	for cur := range m.Inspector.Root().Preorder((*ast.Ident)(nil)) {
		if info.Uses[cur.Node().(*ast.Ident)] != v {
			continue
		}
		switch cur.ParentEdgeKind() {
		case edge.AssignStmt_Rhs:
			as := cur.Parent().Node().(*ast.AssignStmt)
			if as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
				continue
			}
			if o := fieldOf(info, as.Lhs[cur.ParentEdgeIndex()]); o != nil {
				kept = o
			}
		case edge.KeyValueExpr_Value:
			if key, ok := cur.Parent().Node().(*ast.KeyValueExpr).Key.(*ast.Ident); ok {
				if o, ok := info.Uses[key].(*types.Var); ok && o.IsField() {
					kept = o
				}
			}
		}
	}
	return kept
}

// fieldOf returns the field that e selects, directly or through an index: x.f, x.f[k].
func fieldOf(info *types.Info, e ast.Expr) types.Object {
	e = ast.Unparen(e)
	if ix, ok := e.(*ast.IndexExpr); ok {
		e = ast.Unparen(ix.X)
	}
	if sel, ok := e.(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
			return s.Obj()
		}
	}
	return nil
}

// isTimeType reports whether t is a pointer to one of the named types of package time.
func isTimeType(t types.Type, names ...string) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time" && slices.Contains(names, n.Obj().Name())
}

// isTickerOrTimer reports whether t is *time.Ticker or *time.Timer.
func isTickerOrTimer(t types.Type) bool { return isTimeType(t, "Ticker", "Timer") }
