package racewrite

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"go/version"
	"strconv"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// An atomicPlan turns a counter or flag into a sync/atomic type.
type atomicPlan struct {
	typ    string   // Int64, Int32, Uint32, Uint64 or Bool
	conv   string   // "int" when reads and operands convert between int and int64
	signed bool     // Add takes negative operands
	decl   ast.Stmt // the statement that declares the variable (*ast.DeclStmt or *ast.AssignStmt)
}

var atomicTypes = map[types.BasicKind]struct {
	typ    string
	conv   string
	signed bool
}{
	types.Int: {"Int64", "int", true}, types.Int64: {"Int64", "", true}, types.Int32: {"Int32", "", true},
	types.Uint32: {"Uint32", "", false}, types.Uint64: {"Uint64", "", false}, types.Bool: {"Bool", "", false},
}

// atomicPlan returns the plan that makes f's variable atomic, or nil: it is an int,
// int32, int64, uint32, uint64 or bool (not a named type) declared with its zero value in
// a statement of its own, the goroutines only add to it or store it, and every access
// is a statement of the form v++, v--, v += x, v -= x, v = x, or a read.
func (c *checker) atomicPlan(f *finding) *atomicPlan {
	v := f.v
	b, ok := v.Var.Type().(*types.Basic)
	if !ok {
		return nil
	}
	at, ok := atomicTypes[b.Kind()]
	if !ok || v.Decl == nil || !v.DeclAt.Valid() {
		return nil
	}
	p := &atomicPlan{typ: at.typ, conv: at.conv, signed: at.signed}
	if p.decl = c.zeroDecl(v); p.decl == nil {
		return nil
	}
	file := c.fileOf(p.decl)
	if fv := c.m.Info.FileVersions[file]; fv != "" && version.Compare(fv, "go1.19") < 0 {
		return nil
	}
	if !c.atomicNameFree(file, p.decl.Pos()) {
		return nil
	}
	for _, a := range v.Accesses {
		if len(a.Fields) > 0 || a.Atomic || a.Timing == model.Anytime || a.Expr == nil {
			return nil
		}
		if a.Spawn != nil && a.Kind != model.Update && a.Kind != model.Write {
			return nil // a goroutine that reads it decides on its value: a lock keeps that atomic
		}
		switch a.Kind {
		case model.Read:
		case model.Update:
			switch st := a.Cursor.Parent().Node().(type) {
			case *ast.IncDecStmt:
				if st.Tok == token.DEC && !p.signed {
					return nil
				}
			case *ast.AssignStmt:
				if len(st.Lhs) != 1 || len(st.Rhs) != 1 || (st.Tok != token.ADD_ASSIGN && st.Tok != token.SUB_ASSIGN) ||
					(st.Tok == token.SUB_ASSIGN && !p.signed) || c.mentions(st.Rhs[0], v.Var) {
					return nil
				}
			default:
				return nil
			}
			if !inList(a.Cursor.Parent()) {
				return nil
			}
		case model.Write:
			st, ok := a.Cursor.Parent().Node().(*ast.AssignStmt)
			if !ok || st.Tok != token.ASSIGN || len(st.Lhs) != 1 || len(st.Rhs) != 1 || c.mentions(st.Rhs[0], v.Var) || !inList(a.Cursor.Parent()) {
				return nil
			}
		default:
			return nil
		}
	}
	return p
}

func inList(c inspector.Cursor) bool {
	switch c.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

// zeroDecl returns the statement that declares v alone with its zero value (var v T,
// var v T = 0, var v = int64(0), v := 0, v := false) in a statement list, or nil.
func (c *checker) zeroDecl(v *model.SharedVar) ast.Stmt {
	id := v.DeclID
	switch p := v.DeclAt.Parent().Node().(type) {
	case *ast.ValueSpec:
		if len(p.Names) != 1 || len(p.Values) > 1 || (len(p.Values) == 1 && !c.isZero(p.Values[0])) {
			return nil
		}
		gd := v.DeclAt.Parent().Parent()
		if len(gd.Node().(*ast.GenDecl).Specs) != 1 || !inList(gd.Parent()) {
			return nil
		}
		return gd.Parent().Node().(*ast.DeclStmt)
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE || len(p.Lhs) != 1 || p.Lhs[0] != id || !c.isZero(p.Rhs[0]) || !inList(v.DeclAt.Parent()) {
			return nil
		}
		return p
	}
	return nil
}

// isZero reports whether e is a constant zero or false.
func (c *checker) isZero(e ast.Expr) bool {
	tv := c.m.Info.Types[e]
	if tv.Value == nil {
		return false
	}
	switch tv.Value.Kind() {
	case constant.Bool:
		return !constant.BoolVal(tv.Value)
	case constant.Int:
		return constant.Sign(tv.Value) == 0
	}
	return false
}

// mentions reports whether e refers to v.
func (c *checker) mentions(e ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.m.Info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// atomicNameFree reports whether the file can name sync/atomic "atomic" at pos: it does
// not import another package of that name, and nothing else is named so there.
func (c *checker) atomicNameFree(file *ast.File, pos token.Pos) bool {
	for _, imp := range file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		var pn *types.PkgName
		if imp.Name != nil {
			pn, _ = c.m.Info.Defs[imp.Name].(*types.PkgName)
		} else {
			pn, _ = c.m.Info.Implicits[imp].(*types.PkgName)
		}
		if pn != nil && pn.Name() == "atomic" && path != "sync/atomic" {
			return false
		}
		if path == "sync/atomic" && imp.Name != nil && imp.Name.Name != "atomic" {
			return false // imported under another name: keep the fix simple
		}
	}
	scope := c.m.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	_, obj := scope.LookupParent("atomic", pos)
	if obj == nil {
		return true
	}
	pn, ok := obj.(*types.PkgName)
	return ok && pn.Imported().Path() == "sync/atomic"
}

// buildAtomic makes the declaration an atomic type and converts every access.
func (c *checker) buildAtomic(fx *fixkit.Fix, f *finding) error {
	p, v := f.atom, f.v
	pkg, err := fx.AddImport(p.decl, "sync/atomic", "atomic")
	if err != nil {
		return err
	}
	typ := &dst.SelectorExpr{X: dst.NewIdent(pkg), Sel: dst.NewIdent(p.typ)}
	switch d := p.decl.(type) {
	case *ast.DeclStmt:
		spec := fx.Dst(d).(*dst.DeclStmt).Decl.(*dst.GenDecl).Specs[0].(*dst.ValueSpec)
		spec.Type, spec.Values = typ, nil
	case *ast.AssignStmt:
		old := fx.Dst(d).(*dst.AssignStmt)
		decl := &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{
			&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(v.Var.Name())}, Type: typ}}}}
		decl.Decs.NodeDecs = old.Decs.NodeDecs
		if err := replaceStmt(fx, c.listOf(d), old, decl); err != nil {
			return err
		}
	}
	for _, a := range v.Accesses {
		if err := c.convertAccess(fx, p, a); err != nil {
			return err
		}
	}
	return nil
}

// convertAccess rewrites one access of the variable for its atomic type.
func (c *checker) convertAccess(fx *fixkit.Fix, p *atomicPlan, a *model.Access) error {
	id := a.Node.(*ast.Ident)
	call := func(method string, args ...dst.Expr) *dst.CallExpr {
		return &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(id.Name), Sel: dst.NewIdent(method)}, Args: args}
	}
	switch a.Kind {
	case model.Read:
		var e dst.Expr = call("Load")
		if p.conv != "" {
			e = &dst.CallExpr{Fun: dst.NewIdent(p.conv), Args: []dst.Expr{e}}
		}
		st, ok := listStmt(a.Cursor)
		if !ok {
			return fmt.Errorf("no statement holds the read of %s", id.Name)
		}
		return replaceExpr(fx, st.Node(), id, e)
	case model.Update, model.Write:
		stmt := a.Cursor.Parent().Node().(ast.Stmt)
		var arg dst.Expr
		method := "Add"
		switch st := stmt.(type) {
		case *ast.IncDecStmt:
			arg = &dst.BasicLit{Kind: token.INT, Value: "1"}
			if st.Tok == token.DEC {
				arg = &dst.BasicLit{Kind: token.INT, Value: "-1"}
			}
		case *ast.AssignStmt:
			arg = c.operand(fx, p, st.Rhs[0])
			switch st.Tok {
			case token.SUB_ASSIGN:
				arg = &dst.UnaryExpr{Op: token.SUB, X: paren(arg)}
			case token.ASSIGN:
				method = "Store"
			}
		}
		es := &dst.ExprStmt{X: call(method, arg)}
		old := fx.Dst(stmt).(dst.Stmt)
		es.Decs.NodeDecs = *old.Decorations()
		return replaceStmt(fx, c.listOf(stmt), old, es)
	}
	return fmt.Errorf("cannot convert a %v of %s", a.Kind, id.Name)
}

// operand returns the dst twin of e, converted to int64 when the variable was an int and
// e is not an untyped constant.
func (c *checker) operand(fx *fixkit.Fix, p *atomicPlan, e ast.Expr) dst.Expr {
	d := dst.Clone(fx.Dst(e)).(dst.Expr)
	if p.conv == "" {
		return d
	}
	if tv := c.m.Info.Types[e]; tv.Value != nil {
		return d // a constant converts to int64 by itself
	}
	if b, ok := c.m.Info.TypeOf(e).(*types.Basic); ok && b.Kind() == types.Int64 {
		return d
	}
	return &dst.CallExpr{Fun: dst.NewIdent("int64"), Args: []dst.Expr{d}}
}

func paren(e dst.Expr) dst.Expr {
	switch e.(type) {
	case *dst.Ident, *dst.BasicLit, *dst.CallExpr, *dst.SelectorExpr, *dst.IndexExpr, *dst.ParenExpr:
		return e
	}
	return &dst.ParenExpr{X: e}
}

// listOf returns the block, case or select clause whose list holds statement s.
func (c *checker) listOf(s ast.Stmt) ast.Node {
	cur, ok := c.m.Inspector.Root().FindNode(s)
	if !ok {
		return nil
	}
	return cur.Parent().Node()
}

// replaceStmt replaces old with new in the statement list of parent.
func replaceStmt(fx *fixkit.Fix, parent ast.Node, old, new dst.Stmt) error {
	if parent == nil {
		return fmt.Errorf("statement not in a list")
	}
	list := fixkit.StmtList(fx.Dst(parent))
	if list == nil {
		return fmt.Errorf("statement not in a list")
	}
	for i, s := range *list {
		if s == old {
			(*list)[i] = new
			return nil
		}
	}
	return fmt.Errorf("statement not found in its list")
}

// replaceExpr replaces the dst twin of old, inside the twin of stmt, with new.
func replaceExpr(fx *fixkit.Fix, stmt ast.Node, old ast.Expr, new dst.Expr) error {
	target := fx.Dst(old)
	done := false
	dstutil.Apply(fx.Dst(stmt), func(c *dstutil.Cursor) bool {
		if c.Node() == target {
			new.Decorations().Start = target.Decorations().Start
			new.Decorations().End = target.Decorations().End
			c.Replace(new)
			done = true
			return false
		}
		return !done
	}, nil)
	if !done {
		return fmt.Errorf("expression not found in its statement")
	}
	return nil
}
