package racewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/edge"
)

// A slotPlan gives each goroutine of a range loop its own slot of a preallocated slice:
// results = append(results, r) becomes results[i] = r, and the empty slice a
// make([]T, len(xs)).
type slotPlan struct {
	decl     ast.Stmt        // the declaration of the slice
	typ      ast.Expr        // the slice type, as written there
	rng      *ast.RangeStmt  // the loop that starts one goroutine per element
	index    string          // the name of its index
	newIndex bool            // the loop has no index yet (for _, x := range xs): it gets one
	append   *ast.AssignStmt // the goroutine's append
}

// slotPlan returns the plan, or nil: one goroutine started per iteration of a range loop
// over a slice, an array or an integer (its go statement a statement of the loop's body,
// nothing before it leaving the iteration), whose only use of the slice is one append of
// one value, a statement of its body that runs exactly once (nothing before it
// returns); the slice declared empty before the loop and not used before it; the
// loop's index per iteration (Go 1.22) and what it ranges over a variable that is never
// assigned.
func (c *checker) slotPlan(f *finding) *slotPlan {
	v := f.v
	as := goAccesses(v)
	if len(as) != 2 || as[0].Spawn != as[1].Spawn {
		return nil
	}
	s := as[0].Spawn
	if as[0].Kind != model.Write || as[0].Cursor.ParentEdgeKind() != edge.AssignStmt_Lhs {
		return nil
	}
	st := as[0].Cursor.Parent().Node().(*ast.AssignStmt)
	if st.Tok != token.ASSIGN || len(st.Lhs) != 1 || len(st.Rhs) != 1 {
		return nil
	}
	call, ok := ast.Unparen(st.Rhs[0]).(*ast.CallExpr)
	if !ok || len(call.Args) != 2 || call.Ellipsis.IsValid() || ast.Unparen(call.Args[0]) != as[1].Node || c.mentions(call.Args[1], v.Var) {
		return nil
	}
	if b, ok := c.m.Info.Uses[ast.Unparen(call.Fun).(*ast.Ident)].(*types.Builtin); !ok || b.Name() != "append" {
		return nil
	}
	// Exactly once in the goroutine.
	stc := as[0].Cursor.Parent()
	if stc.ParentEdgeKind() != edge.BlockStmt_List || stc.Parent().Node() != s.Lit.Body || c.leavesBefore(s.Lit.Body.List, st) {
		return nil
	}
	// One goroutine per iteration of a range loop.
	gc := s.Cursor
	if s.Kind != model.GoStmt {
		gc = gc.Parent()
	}
	if gc.ParentEdgeKind() != edge.BlockStmt_List || gc.Parent().ParentEdgeKind() != edge.RangeStmt_Body {
		return nil
	}
	rc := gc.Parent().Parent()
	rng := rc.Node().(*ast.RangeStmt)
	if c.leavesBefore(rng.Body.List, gc.Node().(ast.Stmt)) || (rng.Key != nil && rng.Tok != token.DEFINE) {
		return nil
	}
	p := &slotPlan{rng: rng, append: st, index: "i"}
	key, _ := rng.Key.(*ast.Ident)
	switch {
	case key != nil && key.Name != "_":
		p.index = key.Name
		if scope := c.m.Pkg.Scope().Innermost(st.Pos()); scope == nil {
			return nil
		} else if _, obj := scope.LookupParent(key.Name, st.Pos()); obj != c.m.Info.Defs[key] {
			return nil
		}
	case rng.Key != nil && key == nil:
		return nil
	default:
		// The loop gets an index: for i, x := range xs, for i := range n.
		p.newIndex = true
		fn := c.m.Enclosing(rc)
		for fn.Outer != nil {
			fn = fn.Outer
		}
		if !c.nameFree(fn, "i") {
			return nil
		}
	}
	file := c.fileOf(rng)
	if fv := c.m.Info.FileVersions[file]; fv != "" && version.Compare(fv, "go1.22") < 0 {
		return nil
	}
	switch c.m.Info.TypeOf(rng.X).Underlying().(type) {
	case *types.Slice, *types.Array:
	case *types.Basic:
	default:
		return nil
	}
	if !c.stable(rng.X, v) {
		return nil
	}
	// The empty slice, declared before the loop and untouched until it.
	if p.decl, p.typ = c.emptySlice(v); p.decl == nil || p.decl.Pos() > rng.Pos() {
		return nil
	}
	for _, a := range v.Accesses {
		if a.Spawn == nil && a.Node.Pos() < rng.End() {
			return nil
		}
	}
	return p
}

// leavesBefore reports whether a statement of list before st may leave it: a return, a
// branch, or a call that does not return.
func (c *checker) leavesBefore(list []ast.Stmt, st ast.Stmt) bool {
	for _, s := range list {
		if s == st {
			return false
		}
		leaves := false
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt, *ast.BranchStmt:
				leaves = true
			case *ast.CallExpr:
				leaves = leaves || !c.m.MayReturn(n)
			}
			return !leaves
		})
		if leaves {
			return true
		}
	}
	return true
}

// stable reports whether e, what a range loop ranges over, has the same length at the
// declaration of v: a constant, or a variable declared before v and never assigned.
func (c *checker) stable(e ast.Expr, v *model.SharedVar) bool {
	if tv := c.m.Info.Types[e]; tv.Value != nil {
		return true
	}
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	x, ok := c.m.Info.Uses[id].(*types.Var)
	if !ok || x.Pos() > v.Var.Pos() {
		return false
	}
	for use, obj := range c.m.Info.Uses {
		if obj != x {
			continue
		}
		cur, ok := c.m.Inspector.Root().FindNode(use)
		if !ok {
			return false
		}
		switch cur.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.RangeStmt_Key, edge.RangeStmt_Value, edge.IncDecStmt_X:
			return false
		case edge.UnaryExpr_X:
			if cur.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
				return false
			}
		}
	}
	return true
}

// emptySlice returns the statement that declares v alone as an empty slice (var v []T,
// v := []T{}, v := make([]T, 0), v := make([]T, 0, n)) in a statement list, with the
// slice type as written.
func (c *checker) emptySlice(v *model.SharedVar) (ast.Stmt, ast.Expr) {
	if !v.DeclAt.Valid() {
		return nil, nil
	}
	if _, ok := v.Var.Type().Underlying().(*types.Slice); !ok {
		return nil, nil
	}
	switch p := v.DeclAt.Parent().Node().(type) {
	case *ast.ValueSpec:
		if len(p.Names) != 1 || len(p.Values) != 0 || p.Type == nil {
			return nil, nil
		}
		gd := v.DeclAt.Parent().Parent()
		if len(gd.Node().(*ast.GenDecl).Specs) != 1 || !inList(gd.Parent()) {
			return nil, nil
		}
		return gd.Parent().Node().(*ast.DeclStmt), p.Type
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE || len(p.Lhs) != 1 || !inList(v.DeclAt.Parent()) {
			return nil, nil
		}
		switch r := ast.Unparen(p.Rhs[0]).(type) {
		case *ast.CompositeLit:
			if len(r.Elts) == 0 && r.Type != nil {
				return p, r.Type
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(r.Fun).(*ast.Ident); ok && len(r.Args) >= 2 {
				if b, ok := c.m.Info.Uses[id].(*types.Builtin); ok && b.Name() == "make" && c.isZero(r.Args[1]) {
					return p, r.Args[0]
				}
			}
		}
	}
	return nil, nil
}

// buildSlots preallocates the slice and makes the append an assignment of the slot.
func (c *checker) buildSlots(fx *fixkit.Fix, f *finding) error {
	p := f.slot
	name := f.v.Var.Name()
	length := dst.Clone(fx.Dst(p.rng.X)).(dst.Expr)
	clearDecs(length)
	if _, ok := c.m.Info.TypeOf(p.rng.X).Underlying().(*types.Basic); !ok {
		length = &dst.CallExpr{Fun: dst.NewIdent("len"), Args: []dst.Expr{length}}
	}
	typ := dst.Clone(fx.Dst(p.typ)).(dst.Expr)
	clearDecs(typ)
	decl := &dst.AssignStmt{
		Lhs: []dst.Expr{dst.NewIdent(name)},
		Tok: token.DEFINE,
		Rhs: []dst.Expr{&dst.CallExpr{Fun: dst.NewIdent("make"), Args: []dst.Expr{typ, length}}},
	}
	old := fx.Dst(p.decl).(dst.Stmt)
	decl.Decs.NodeDecs = *old.Decorations()
	if err := replaceStmt(fx, c.listOf(p.decl), old, decl); err != nil {
		return err
	}
	if p.newIndex {
		rs := fx.Dst(p.rng).(*dst.RangeStmt)
		rs.Key, rs.Tok = dst.NewIdent(p.index), token.DEFINE
	}
	as := fx.Dst(p.append).(*dst.AssignStmt)
	call := as.Rhs[0].(*dst.CallExpr)
	as.Lhs[0] = &dst.IndexExpr{X: dst.NewIdent(name), Index: dst.NewIdent(p.index)}
	as.Rhs[0] = call.Args[1]
	return nil
}

func clearDecs(e dst.Expr) {
	e.Decorations().Start.Clear()
	e.Decorations().End.Clear()
}
