package chanmutex

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
)

// The declarations of the candidates, the sends that pre-fill them, and the direction of
// the lock.

// fieldDecl completes a field candidate from its declaration. It returns false when the
// candidate is not one to report.
func fieldDecl(pass *analysis.Pass, cd *candidate) bool {
	c := cd.decl
	if c.ParentEdgeKind() != edge.Field_Names {
		return false
	}
	fc := c.Parent()
	cd.astField = fc.Node().(*ast.Field)
	if fc.ParentEdgeKind() != edge.FieldList_List || fc.Parent().ParentEdgeKind() != edge.StructType_Fields {
		return false
	}
	sc := fc.Parent().Parent()
	cd.structType = sc.Node().(*ast.StructType)
	if ct, ok := cd.astField.Type.(*ast.ChanType); !ok || ct.Dir != ast.SEND|ast.RECV {
		return false // a named channel type, or a directional one
	}
	if sc.ParentEdgeKind() == edge.TypeSpec_Type {
		spec := sc.Parent().Node().(*ast.TypeSpec)
		if spec.TypeParams != nil || spec.Assign.IsValid() {
			return false
		}
		tn, ok := pass.TypesInfo.Defs[spec.Name].(*types.TypeName)
		if !ok {
			return false
		}
		cd.ownerName, cd.owner = tn, tn.Type()
	} else {
		cd.owner = pass.TypesInfo.TypeOf(cd.structType)
		if cd.owner == nil {
			return false
		}
	}
	if len(cd.astField.Names) != 1 {
		cd.setNoFix(cd.astField.Pos(), "the field is declared together with others")
	}
	if len(cd.inits) == 0 {
		return false
	}
	if isGenerated(pass, cd.astField) {
		return false
	}
	return true
}

// localDecl completes a local variable candidate from its declaration.
func localDecl(pass *analysis.Pass, cd *candidate) bool {
	c := cd.decl
	info := pass.TypesInfo
	switch ek, _ := c.ParentEdge(); ek {
	case edge.AssignStmt_Lhs:
		as := c.Parent().Node().(*ast.AssignStmt)
		if as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 || !stmtInList(c.Parent()) {
			return false
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		if !ok || !isMakeChan1(info, call) {
			return false
		}
		cd.inits = append(cd.inits, &initSite{kind: initDefine, make: call, node: as, stmt: c.Parent()})
	case edge.ValueSpec_Names:
		spec := c.Parent().Node().(*ast.ValueSpec)
		if len(spec.Names) != 1 || len(spec.Values) != 1 {
			return false
		}
		call, ok := spec.Values[0].(*ast.CallExpr)
		if !ok || !isMakeChan1(info, call) {
			return false
		}
		if spec.Type != nil {
			if ct, ok := spec.Type.(*ast.ChanType); !ok || ct.Dir != ast.SEND|ast.RECV {
				return false
			}
		}
		st := litStmt(c) // var ch = ...: spec -> GenDecl -> DeclStmt
		sp := c.Parent()
		if sp.ParentEdgeKind() == edge.GenDecl_Specs && sp.Parent().ParentEdgeKind() == edge.DeclStmt_Decl {
			st = sp.Parent().Parent()
		}
		if !st.Valid() || !stmtInList(st) {
			return false
		}
		cd.inits = append(cd.inits, &initSite{kind: initVarSpec, make: call, node: spec, stmt: st})
	default:
		return false
	}
	if _, ok := cd.v.Type().(*types.Chan); !ok {
		return false // a named channel type
	}
	return !isGenerated(pass, cd.decl.Node())
}

// findFills finds the send that fills the channel right after each make, and decides the
// direction of the lock: receive-then-send when every make is followed by its fill,
// send-then-receive when none is. It returns false for a mix.
func findFills(pass *analysis.Pass, cd *candidate) bool {
	filled := 0
	for _, site := range cd.inits {
		site.fill = fillAfter(pass, cd, site)
		if site.fill != nil {
			filled++
			cd.fills[site.fill] = true
		}
	}
	if filled != 0 && filled != len(cd.inits) {
		return false
	}
	if filled > 0 {
		// Pre-filled: receive acquires, send releases.
		ops := cd.ops[:0]
		for _, o := range cd.ops {
			if !cd.fills[o.stmt] {
				ops = append(ops, o)
			}
		}
		cd.ops = ops
		cd.prefilled = true
	}
	return true
}

// fillAfter returns the statement right after the make of site that sends on the new
// channel, or nil.
func fillAfter(pass *analysis.Pass, cd *candidate, site *initSite) *ast.SendStmt {
	info := pass.TypesInfo
	if !site.stmt.Valid() {
		return nil
	}
	next, ok := site.stmt.NextSibling()
	if !ok {
		return nil
	}
	send, ok := next.Node().(*ast.SendStmt)
	if !ok || !pureValue(info, send.Value) {
		return nil
	}
	if !cd.field {
		id, ok := send.Chan.(*ast.Ident)
		if ok && info.Uses[id] == cd.v {
			return send
		}
		return nil
	}
	// The variable that holds the struct: x in x := &T{ch: ...} or x.ch = make(...).
	var base *types.Var
	switch n := site.stmt.Node().(type) {
	case *ast.AssignStmt:
		var lhs ast.Expr
		if site.kind == initAssign {
			lhs = n.Lhs[0].(*ast.SelectorExpr).X
		} else if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
			lhs = n.Lhs[0]
		}
		if id, ok := lhs.(*ast.Ident); ok {
			base, _ = info.ObjectOf(id).(*types.Var)
		}
	case *ast.DeclStmt:
		vs := n.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
		if len(n.Decl.(*ast.GenDecl).Specs) == 1 && len(vs.Names) == 1 {
			base, _ = info.Defs[vs.Names[0]].(*types.Var)
		}
	}
	if base == nil {
		return nil
	}
	sel, ok := send.Chan.(*ast.SelectorExpr)
	if !ok || info.Uses[sel.Sel] != cd.v {
		return nil
	}
	if id, ok := sel.X.(*ast.Ident); ok && info.Uses[id] == base {
		return send
	}
	return nil
}

func isGenerated(pass *analysis.Pass, n ast.Node) bool {
	for _, f := range pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() <= f.FileEnd {
			return ast.IsGenerated(f)
		}
	}
	return false
}

// onlyEmptyRegions reports whether every acquire is directly followed by a release: the
// channel guards nothing (a test of channel operations, a barrier), so it is not a mutex
// written the long way.
func onlyEmptyRegions(cd *candidate) bool {
	release := make(map[ast.Node]bool)
	for _, o := range cd.ops {
		if !cd.acquires(o) && o.defer_ == nil {
			release[o.stmt] = true
		}
	}
	for _, o := range cd.ops {
		if !cd.acquires(o) {
			continue
		}
		next, ok := o.cur.NextSibling()
		if !ok || !release[next.Node()] {
			return false
		}
	}
	return true
}
