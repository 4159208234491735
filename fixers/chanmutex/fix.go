package chanmutex

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// reportFix reports d with the fix that turns the channel of cd into a sync.Mutex.
func reportFix(pass *analysis.Pass, cd *candidate, d analysis.Diagnostic) {
	fixkit.Report(pass, d, fixMessage(pass, cd), func(fx *fixkit.Fix) error {
		return buildFix(pass, fx, cd)
	})
}

func fixMessage(pass *analysis.Pass, cd *candidate) string {
	msg := fmt.Sprintf("Replace channel %s with a sync.Mutex", cd.name())
	if len(cd.leaks) > 0 {
		msg += ", unlocked before the return at " + leakLines(pass, cd)
		if len(cd.leaks) > 1 {
			msg += fmt.Sprintf(" and %d more", len(cd.leaks)-1)
		}
	}
	return msg
}

// stmtEdit replaces (with, or removes when with is nil) a statement of a statement list.
type stmtEdit struct {
	old  ast.Stmt
	with dst.Stmt
}

func buildFix(pass *analysis.Pass, fx *fixkit.Fix, cd *candidate) error {
	info := pass.TypesInfo
	cm := commentMap{pass: pass}
	var removed []ast.Node // subtrees whose package references disappear
	var edits []stmtEdit

	// The declaration, and the name sync goes by in its file.
	var declNode ast.Node = cd.astField
	if !cd.field {
		declNode = cd.inits[0].node
	}
	syncName, err := fx.AddImport(declNode, "sync", "sync")
	if err != nil {
		return err
	}
	if !importVisible(pass, declNode.Pos(), syncName) {
		return fmt.Errorf("%s does not refer to package sync at the declaration", syncName)
	}
	mutex := func() dst.Expr {
		return &dst.SelectorExpr{X: dst.NewIdent(syncName), Sel: dst.NewIdent("Mutex")}
	}

	if cd.field {
		if cm.within(cd.astField.Type) {
			return fmt.Errorf("a comment inside the channel type would be lost")
		}
		df := fx.Dst(cd.astField).(*dst.Field)
		fx.Touch(cd.structType) // gofmt realigns the neighbouring fields
		df.Type = mutex()
		removed = append(removed, cd.astField.Type)
	}

	for _, site := range cd.inits {
		switch site.kind {
		case initKeyValue:
			if cm.around(site.node) {
				return fmt.Errorf("a comment on the make would be lost")
			}
			dlit := fx.Dst(site.lit).(*dst.CompositeLit)
			dkv := fx.Dst(site.node)
			i := indexOf(dlit.Elts, dkv)
			if i < 0 {
				return fmt.Errorf("composite literal element not found")
			}
			dlit.Elts = append(dlit.Elts[:i:i], dlit.Elts[i+1:]...)
			if len(dlit.Elts) > 0 {
				// A literal that spanned lines keeps its closing brace on its own line.
				last := dlit.Elts[len(dlit.Elts)-1]
				if dkv.Decorations().After == dst.NewLine && last.Decorations().After == dst.None {
					last.Decorations().After = dst.NewLine
				}
			}
			removed = append(removed, site.node)
		case initAssign:
			if cm.around(site.node) {
				return fmt.Errorf("a comment on the make would be lost")
			}
			edits = append(edits, stmtEdit{old: site.node.(ast.Stmt)})
			removed = append(removed, site.node)
		case initDefine:
			as := site.node.(*ast.AssignStmt)
			if cm.within(as) {
				return fmt.Errorf("a comment inside the declaration would be lost")
			}
			decl := &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{&dst.ValueSpec{
				Names: []*dst.Ident{dst.NewIdent(cd.v.Name())},
				Type:  mutex(),
			}}}}
			edits = append(edits, stmtEdit{old: as, with: decl})
			removed = append(removed, as.Rhs[0])
		case initVarSpec:
			spec := site.node.(*ast.ValueSpec)
			if cm.within(spec.Values[0]) || (spec.Type != nil && cm.within(spec.Type)) {
				return fmt.Errorf("a comment inside the declaration would be lost")
			}
			ds := fx.Dst(spec).(*dst.ValueSpec)
			ds.Type = mutex()
			ds.Values = nil
			ds.Decs.Assign = nil
			removed = append(removed, spec.Values[0])
			if spec.Type != nil {
				removed = append(removed, spec.Type)
			}
		}
		if site.fill != nil {
			if cm.around(site.fill) {
				return fmt.Errorf("a comment on the send that fills the channel would be lost")
			}
			edits = append(edits, stmtEdit{old: site.fill})
			removed = append(removed, site.fill)
		}
	}

	for _, o := range cd.ops {
		if cm.within(o.stmt) {
			return fmt.Errorf("a comment inside a channel operation would be lost")
		}
		method := "Unlock"
		if cd.acquires(o) {
			method = "Lock"
		}
		call := &dst.CallExpr{Fun: &dst.SelectorExpr{X: fx.Dst(o.ch).(dst.Expr), Sel: dst.NewIdent(method)}}
		if send, ok := o.stmt.(*ast.SendStmt); ok {
			removed = append(removed, send.Value)
		}
		if o.defer_ != nil && len(o.lit.Body.List) == 1 {
			// defer func() { <-ch }() -> defer ch.Unlock()
			if cm.within(o.lit) {
				return fmt.Errorf("a comment inside the deferred closure would be lost")
			}
			dd := fx.Dst(o.defer_).(*dst.DeferStmt)
			dd.Call = call
			continue
		}
		if es, ok := o.stmt.(*ast.ExprStmt); ok {
			fx.Dst(es).(*dst.ExprStmt).X = call
			continue
		}
		edits = append(edits, stmtEdit{old: o.stmt, with: &dst.ExprStmt{X: call}})
	}

	if err := unusedImports(pass, info, removed); err != nil {
		return err
	}
	if err := insertReleases(fx, cd, func(ch dst.Expr) dst.Stmt {
		return &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: ch, Sel: dst.NewIdent("Unlock")}}}
	}); err != nil {
		return err
	}
	return applyStmtEdits(fx, edits)
}

// importVisible reports whether name refers to package sync at pos (or to nothing, when
// the import is being added).
func importVisible(pass *analysis.Pass, pos token.Pos, name string) bool {
	scope := pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	_, obj := scope.LookupParent(name, pos)
	if obj == nil {
		return true
	}
	pn, ok := obj.(*types.PkgName)
	return ok && pn.Imported().Path() == "sync"
}

func indexOf(list []dst.Expr, n dst.Node) int {
	for i, e := range list {
		if e == n {
			return i
		}
	}
	return -1
}

// applyStmtEdits replaces and removes statements in their statement lists.
func applyStmtEdits(fx *fixkit.Fix, edits []stmtEdit) error {
	type target struct {
		with    dst.Stmt
		removed bool
	}
	byDst := make(map[dst.Stmt]target)
	var files []*dst.File
	seenFile := make(map[*dst.File]bool)
	for _, e := range edits {
		ds := fx.Dst(e.old).(dst.Stmt)
		if e.with != nil {
			*e.with.Decorations() = *ds.Decorations()
		}
		byDst[ds] = target{with: e.with, removed: e.with == nil}
		if f := fx.DstFile(e.old); !seenFile[f] {
			seenFile[f] = true
			files = append(files, f)
		}
	}
	done := 0
	edit := func(list []dst.Stmt) []dst.Stmt {
		var out []dst.Stmt
		changed := false
		for i, s := range list {
			t, ok := byDst[s]
			if !ok {
				out = append(out, s)
				continue
			}
			done++
			changed = true
			if !t.removed {
				out = append(out, t.with)
				continue
			}
			if i == 0 && i+1 < len(list) && list[i+1].Decorations().Before == dst.EmptyLine {
				list[i+1].Decorations().Before = dst.NewLine
			}
		}
		if changed && len(out) > 0 && len(out) < len(list) {
			if last := out[len(out)-1]; last != list[len(list)-1] && last.Decorations().After == dst.EmptyLine {
				last.Decorations().After = dst.NewLine
			}
			if first := out[0]; first != list[0] && first.Decorations().Before == dst.EmptyLine {
				first.Decorations().Before = dst.NewLine
			}
		}
		if !changed {
			return list
		}
		return out
	}
	var err error
	for _, f := range files {
		dst.Inspect(f, func(n dst.Node) bool {
			switch n := n.(type) {
			case *dst.BlockStmt:
				n.List = edit(n.List)
			case *dst.CaseClause:
				n.Body = edit(n.Body)
			case *dst.CommClause:
				n.Body = edit(n.Body)
			case *dst.LabeledStmt:
				if t, ok := byDst[n.Stmt]; ok {
					if t.removed {
						err = fmt.Errorf("cannot remove a labelled statement")
						return false
					}
					n.Stmt = t.with
					done++
				}
			}
			return true
		})
	}
	if err != nil {
		return err
	}
	if done != len(byDst) {
		return fmt.Errorf("statement to edit not found")
	}
	return nil
}

// unusedImports returns an error when removing the subtrees leaves an import of their
// file unused.
func unusedImports(pass *analysis.Pass, info *types.Info, removed []ast.Node) error {
	gone := make(map[*types.PkgName]int)
	for _, n := range removed {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if pn, ok := info.Uses[id].(*types.PkgName); ok {
					gone[pn]++
				}
			}
			return true
		})
	}
	if len(gone) == 0 {
		return nil
	}
	for _, f := range pass.Files {
		uses := make(map[*types.PkgName]int)
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if pn, ok := info.Uses[id].(*types.PkgName); ok && gone[pn] > 0 {
					uses[pn]++
				}
			}
			return true
		})
		for pn, n := range uses {
			if n == gone[pn] {
				return fmt.Errorf("import %s would become unused", pn.Imported().Path())
			}
		}
	}
	return nil
}

// commentMap finds the comments that an edit would drop.
type commentMap struct {
	pass *analysis.Pass
}

func (cm commentMap) file(n ast.Node) *ast.File {
	for _, f := range cm.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() <= f.FileEnd {
			return f
		}
	}
	return nil
}

// within reports whether a comment lies inside n.
func (cm commentMap) within(n ast.Node) bool {
	f := cm.file(n)
	if f == nil {
		return true
	}
	for _, cg := range f.Comments {
		if cg.Pos() >= n.Pos() && cg.End() <= n.End() {
			return true
		}
	}
	return false
}

// around reports whether removing n (a statement or a composite literal element) would
// drop a comment: one inside it, one after it on its last line, or one on the line above
// when n starts its line.
func (cm commentMap) around(n ast.Node) bool {
	if cm.within(n) {
		return true
	}
	f := cm.file(n)
	tf := cm.pass.Fset.File(n.Pos())
	src, err := cm.pass.ReadFile(tf.Name())
	if err != nil {
		return true
	}
	blank := func(b []byte, extra string) bool {
		for _, c := range b {
			if c != ' ' && c != '\t' && !strings.ContainsRune(extra, rune(c)) {
				return false
			}
		}
		return true
	}
	lineStart := func(p token.Pos) int { return tf.Offset(tf.LineStart(tf.Line(p))) }
	startsLine := blank(src[lineStart(n.Pos()):tf.Offset(n.Pos())], "")
	first, last := tf.Line(n.Pos()), tf.Line(n.End())
	for _, cg := range f.Comments {
		switch {
		case tf.Line(cg.Pos()) == last && cg.Pos() >= n.End():
			if blank(src[tf.Offset(n.End()):tf.Offset(cg.Pos())], ",;") {
				return true // a trailing comment
			}
		case tf.Line(cg.End()) == first-1 && startsLine:
			if blank(src[lineStart(cg.Pos()):tf.Offset(cg.Pos())], "") {
				return true // a comment line right above
			}
		}
	}
	return false
}
