package fixkit

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/scanner"
	"go/token"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/concfix/concfix/internal/diff"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// A Fix is a suggested fix under construction. Fixers mutate the dst twins of the pass's
// ast nodes (Fix.Dst); Build turns the mutations into minimal TextEdits. Each declaration
// is decorated privately, once per Fix, and only when the fix reaches into it (see
// pieces.go): the shared, type-checked AST is never changed.
type Fix struct {
	pass  *analysis.Pass
	files map[*ast.File]*fileEdit
	order []*ast.File
	whole map[*ast.File]bool // files decorated whole (see needWhole)
}

type fileEdit struct {
	ast     *ast.File
	tf      *token.File
	src     []byte
	lines   []string       // of src
	pieces  map[int]*piece // by declaration index, headerPiece or wholeFile
	touched [][2]int       // 1-based inclusive line ranges of the original file the fix may change
}

// needWhole is the panic of a Fix that finds, after it decorated pieces of file, that
// the file cannot be cut where it needs: Build starts over with the file whole.
type needWhole struct{ file *ast.File }

// Build runs build on a new Fix and returns the suggested fix with the given message.
// An error from build is the reason there is no fix: return a Refusal, or any error
// whose text says why. A panic in build or in dst (which has open bugs around comments
// and generics) is a bug of concfix, returned as an *InternalError, never propagated.
func Build(pass *analysis.Pass, message string, build func(fx *Fix) error) (sf analysis.SuggestedFix, err error) {
	whole := make(map[*ast.File]bool)
	for {
		sf, again, err := try(pass, message, build, whole)
		if again == nil {
			return sf, err
		}
		whole[again] = true
	}
}

// try is one attempt of Build, with the files of whole decorated whole. It returns the
// file to decorate whole when it has to start over.
func try(pass *analysis.Pass, message string, build func(fx *Fix) error, whole map[*ast.File]bool) (sf analysis.SuggestedFix, again *ast.File, err error) {
	fx := &Fix{pass: pass, files: make(map[*ast.File]*fileEdit), whole: whole}
	defer func() {
		if r := recover(); r != nil {
			if nw, ok := r.(needWhole); ok && !whole[nw.file] {
				again = nw.file
				return
			}
			err = &InternalError{Value: r, Stack: debug.Stack()}
		}
	}()
	if err := build(fx); err != nil {
		return sf, nil, err
	}
	edits, err := fx.edits()
	if err != nil {
		return sf, nil, err
	}
	if len(edits) == 0 {
		return sf, nil, Refusal("fix changes nothing")
	}
	return analysis.SuggestedFix{Message: message, TextEdits: edits}, nil, nil
}

// Report reports d with the fix that build makes (see Build), or without a fix, with the
// reason, when build fails. A refusal decided before building calls Refuse instead.
func Report(pass *analysis.Pass, d analysis.Diagnostic, message string, build func(fx *Fix) error) {
	sf, err := Build(pass, message, build)
	if err != nil {
		refuse(pass, d, d.Pos, err)
		return
	}
	d.SuggestedFixes = []analysis.SuggestedFix{sf}
	pass.Report(d)
}

// File returns the file of the pass that contains pos.
func (fx *Fix) File(pos token.Pos) *ast.File {
	for _, f := range fx.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	panic(fmt.Sprintf("position %v is not in a file of package %s", fx.pass.Fset.Position(pos), fx.pass.Pkg.Path()))
}

func (fx *Fix) edit(f *ast.File) *fileEdit {
	fe, ok := fx.files[f]
	if !ok {
		tf := fx.pass.Fset.File(f.Pos())
		src, err := fx.pass.ReadFile(tf.Name())
		if err != nil {
			panic(fmt.Sprintf("reading %s: %v", tf.Name(), err))
		}
		fe = &fileEdit{ast: f, tf: tf, src: src, lines: diff.SplitLines(string(src)), pieces: make(map[int]*piece)}
		if fx.whole[f] {
			fe.decorateWhole(fx.pass.Fset)
		}
		fx.files[f] = fe
		fx.order = append(fx.order, f)
	}
	return fe
}

// Dst returns the dst twin of n, an ast node of one of the pass's files, and marks the
// lines n spans as lines the fix changes. Edits are clipped to marked lines, so that
// restoring a file that was not gofmt-clean does not reformat unrelated code: pass Dst the
// node whose text changes (the statement list that gains a statement, not just the new
// statement's neighbour).
func (fx *Fix) Dst(n ast.Node) dst.Node {
	fe := fx.edit(fx.File(n.Pos()))
	p := fe.pieceOf(fx.pass.Fset, n)
	d, ok := p.dec.Dst.Nodes[p.twin(n)]
	if !ok {
		panic(fmt.Sprintf("no dst node for %T at %v", n, fx.pass.Fset.Position(n.Pos())))
	}
	fx.Touch(n)
	return d
}

// Touch marks the lines n spans as lines the fix may change.
func (fx *Fix) Touch(n ast.Node) {
	fe := fx.edit(fx.File(n.Pos()))
	fe.touched = append(fe.touched, [2]int{fe.tf.Line(n.Pos()), fe.tf.Line(n.End())})
}

// DstFile returns the dst file that holds the twin of n: the top-level declaration that
// contains n, decorated on its own after the package clause (or the whole file, when its
// declarations share lines). Walk it to find the twins around n.
func (fx *Fix) DstFile(n ast.Node) *dst.File {
	return fx.edit(fx.File(n.Pos())).pieceOf(fx.pass.Fset, n).dst
}

// AddImport makes the file containing n import path (unnamed) and returns the name to
// refer to the package by. If the file already imports path, its name is returned. It
// refuses when the package's name would be shadowed at file scope by a different
// declaration.
func (fx *Fix) AddImport(n ast.Node, path, name string) (string, error) {
	f := fx.File(n.Pos())
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name == nil {
				return name, nil
			}
			if imp.Name.Name != "_" && imp.Name.Name != "." {
				return imp.Name.Name, nil
			}
		}
	}
	if obj := fx.pass.Pkg.Scope().Lookup(name); obj != nil {
		return "", Refusalf("cannot import %q: %s is declared in package scope", path, name)
	}
	for _, imp := range f.Imports {
		if imp.Name != nil && imp.Name.Name == name {
			return "", Refusalf("cannot import %q: name %s is taken by another import", path, name)
		}
	}
	fe := fx.edit(f)
	df := fe.pieceOf(fx.pass.Fset, f.Name).dst
	spec := &dst.ImportSpec{Path: &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}}
	var decl *dst.GenDecl
	for _, d := range df.Decls {
		if g, ok := d.(*dst.GenDecl); ok && g.Tok == token.IMPORT {
			decl = g
			break
		}
	}
	if decl == nil {
		decl = &dst.GenDecl{Tok: token.IMPORT}
		decl.Decs.Before = dst.EmptyLine
		decl.Decs.After = dst.EmptyLine
		df.Decls = append([]dst.Decl{decl}, df.Decls...)
	}
	if len(decl.Specs) > 0 && !decl.Lparen {
		decl.Lparen = true
	}
	// Insert in sorted position within the import group it belongs to (gofmt sorts each
	// group): the group whose paths share the most leading elements with path (testify's
	// assert next to its require), else the first group for a standard library path and
	// the last group of other paths for the rest.
	type group struct{ from, to int }
	var groups []group
	for j := range decl.Specs {
		if j == 0 || decl.Specs[j].(*dst.ImportSpec).Decs.Before == dst.EmptyLine || decl.Specs[j-1].Decorations().After == dst.EmptyLine {
			groups = append(groups, group{j, j})
		}
		groups[len(groups)-1].to = j + 1
	}
	std := !strings.Contains(strings.Split(path, "/")[0], ".")
	pick, best := 0, 0
	for gi, g := range groups {
		for _, sp := range decl.Specs[g.from:g.to] {
			p, _ := strconv.Unquote(sp.(*dst.ImportSpec).Path.Value)
			n := commonElems(p, path)
			if n > best {
				pick, best = gi, n
			}
			if best == 0 && !std && strings.Contains(strings.Split(p, "/")[0], ".") {
				pick = gi // the last group of other paths so far
			}
		}
	}
	i := 0
	if len(groups) > 0 {
		g := groups[pick]
		i = g.from
		for i < g.to {
			if p, _ := strconv.Unquote(decl.Specs[i].(*dst.ImportSpec).Path.Value); p > path {
				break
			}
			i++
		}
	}
	decl.Specs = append(decl.Specs, nil)
	copy(decl.Specs[i+1:], decl.Specs[i:])
	decl.Specs[i] = spec
	if len(decl.Specs) > 1 {
		// The blank line that separates groups stays between them.
		spec.Decs.Before, spec.Decs.After = dst.NewLine, dst.NewLine
		first := len(groups) > 0 && i == groups[pick].from
		if i+1 < len(decl.Specs) {
			next := decl.Specs[i+1].(*dst.ImportSpec) // the spec that was at i
			if next.Decs.Before == dst.EmptyLine && first {
				next.Decs.Before = dst.NewLine
				if i > 0 {
					spec.Decs.Before = dst.EmptyLine
				}
			}
			if i == 0 {
				next.Decs.Before = dst.NewLine
			}
		}
		if i > 0 && !first && decl.Specs[i-1].Decorations().After == dst.EmptyLine {
			decl.Specs[i-1].Decorations().After = dst.NewLine
			spec.Decs.After = dst.EmptyLine
		}
	}
	// The import block, or the line after the package clause, changes.
	start := fe.tf.Line(f.Name.End())
	end := start + 1
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			end = max(end, fe.tf.Line(g.End())+1)
		}
	}
	fe.touched = append(fe.touched, [2]int{start, end})
	return name, nil
}

// edits restores every decorated file and returns the changed lines as TextEdits, one per
// changed run of lines that overlaps a touched range.
func (fx *Fix) edits() ([]analysis.TextEdit, error) {
	var edits []analysis.TextEdit
	for _, f := range fx.order {
		fe := fx.files[f]
		src := fe.src
		restored, err := fe.restore()
		if err != nil {
			return nil, err
		}
		changes := splitFormatting(diff.Lines(string(src), string(restored)))
		// In a file that is not gofmt-clean, a line that changes only in white space keeps
		// its layout even among the lines the fix touches: only the lines that really change
		// are rewritten (in gofmt's layout). A gofmt-clean file takes gofmt's realignment of
		// the touched lines.
		clean := GofmtClean(src)
		spaces := !clean && indentsWithSpaces(src)
		srcLines, newLines := diff.SplitLines(string(src)), diff.SplitLines(string(restored))
		var kept []diff.Edit
		for _, c := range changes {
			if !clean && layoutOnly(c) {
				continue
			}
			if fe.touches(c) {
				if spaces {
					c.New = reindent(c.New, indentUnit(c, srcLines, newLines))
				}
				kept = append(kept, diff.ChangeEdit(src, c))
			}
		}
		if len(kept) < len(changes) && !sameSyntax(diff.Apply(src, kept), restored) {
			// The lines left out were not formatting alone (the line diff split a change
			// across them): take every line, gofmt-formatting the whole file.
			kept = kept[:0]
			for _, c := range changes {
				kept = append(kept, diff.ChangeEdit(src, c))
			}
		}
		for _, e := range kept {
			edits = append(edits, analysis.TextEdit{
				Pos:     fe.tf.Pos(e.Start),
				End:     fe.tf.Pos(e.End),
				NewText: []byte(e.Text),
			})
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].Pos < edits[j].Pos })
	return edits, nil
}

// splitFormatting splits each change into the lines that differ only in white space
// (a file that was not gofmt-clean, restored in gofmt's layout) and the runs that differ
// in more, so that the lines a fix does not touch keep their layout: a fix in a function
// indented with spaces changes its own lines only, not the whole function.
func splitFormatting(changes []diff.Change) []diff.Change {
	var out []diff.Change
	for _, c := range changes {
		if len(c.Old) == 0 || len(c.New) == 0 {
			out = append(out, c)
			continue
		}
		squeezeAll := func(ls []string) []string {
			s := make([]string, len(ls))
			for i, l := range ls {
				s[i] = squeeze(l)
			}
			return s
		}
		matches := diff.Common(squeezeAll(c.Old), squeezeAll(c.New))
		matches = append(matches, [2]int{len(c.Old), len(c.New)}) // sentinel
		x, y := 0, 0
		for _, m := range matches {
			if m[0] > x || m[1] > y {
				out = append(out, diff.Change{OldStart: c.OldStart + x, NewStart: c.NewStart + y, Old: c.Old[x:m[0]], New: c.New[y:m[1]]})
			}
			if m[0] < len(c.Old) && c.Old[m[0]] != c.New[m[1]] {
				out = append(out, diff.Change{OldStart: c.OldStart + m[0], NewStart: c.NewStart + m[1], Old: c.Old[m[0] : m[0]+1], New: c.New[m[1] : m[1]+1]})
			}
			x, y = m[0]+1, m[1]+1
		}
	}
	return out
}

// indentsWithSpaces reports whether no line of src starts with a tab and some start with
// a space.
func indentsWithSpaces(src []byte) bool {
	spaces := false
	for _, l := range diff.SplitLines(string(src)) {
		switch {
		case strings.HasPrefix(l, "\t"):
			return false
		case strings.HasPrefix(l, " "):
			spaces = true
		}
	}
	return spaces
}

// indentUnit returns the spaces that one tab of gofmt's layout stands for at change c: the
// leading spaces of the line it replaces (or of the line above it) divided by the leading
// tabs of its restored counterpart; "" when they do not divide.
func indentUnit(c diff.Change, src, restored []string) string {
	old, new := "", ""
	switch {
	case len(c.Old) > 0 && len(c.New) > 0:
		old, new = c.Old[0], c.New[0]
	case c.OldStart > 0 && c.NewStart > 0 && c.OldStart <= len(src) && c.NewStart <= len(restored):
		old, new = src[c.OldStart-1], restored[c.NewStart-1]
	}
	s := len(old) - len(strings.TrimLeft(old, " "))
	t := len(new) - len(strings.TrimLeft(new, "\t"))
	if s == 0 || t == 0 || s%t != 0 {
		return ""
	}
	return strings.Repeat(" ", s/t)
}

// reindent writes the leading tabs of lines (gofmt's layout) as the file's indentation.
func reindent(lines []string, indent string) []string {
	if indent == "" {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		out[i] = strings.Repeat(indent, n) + l[n:]
	}
	return out
}

// layoutOnly reports whether c replaces lines by the same lines but for white space.
func layoutOnly(c diff.Change) bool {
	if len(c.Old) != len(c.New) || len(c.Old) == 0 {
		return false
	}
	for i := range c.Old {
		if squeeze(c.Old[i]) != squeeze(c.New[i]) {
			return false
		}
	}
	return true
}

// squeeze returns line without its white space.
func squeeze(line string) string { return strings.Join(strings.Fields(line), "") }

// touches reports whether change c (0-based lines) overlaps or borders a touched range.
func (fe *fileEdit) touches(c diff.Change) bool {
	first, last := c.OldStart+1, c.OldStart+len(c.Old) // 1-based; last < first for an insertion
	if len(c.Old) == 0 {
		first, last = c.OldStart, c.OldStart+1 // an insertion borders the lines around it
	}
	for _, r := range fe.touched {
		if first <= r[1] && last >= r[0] {
			return true
		}
	}
	return false
}

// sameSyntax reports whether a and b are the same Go source but for formatting: the
// same tokens, comments included, where a string literal may be written with other quotes
// (dst restores import paths in double quotes), the imports of a block may come in any
// order, and parentheses and semicolons do not count (dst drops redundant parentheses,
// range(x) as range x, and breaks one-line bodies into lines). The engine re-parses and
// type-checks every fixed file after this.
func sameSyntax(a, b []byte) bool {
	// gofmt sorts the imports of a block: an order the fix left alone is not a difference.
	if fa, err := format.Source(a); err == nil {
		a = fa
	}
	if fb, err := format.Source(b); err == nil {
		b = fb
	}
	ta, ok := tokens(a)
	if !ok {
		return false
	}
	tb, ok := tokens(b)
	return ok && slices.Equal(ta, tb)
}

// tokens returns the tokens of src, each as its kind and text (a string literal's value,
// comments trimmed of trailing space), or false when src does not scan.
func tokens(src []byte) ([]string, bool) {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	bad := false
	s.Init(f, src, func(token.Position, string) { bad = true }, scanner.ScanComments)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.RPAREN, token.SEMICOLON:
			continue // layout: a one-line body's `;` and the newline's are one
		case token.STRING:
			if v, err := strconv.Unquote(lit); err == nil {
				lit = v
			}
		case token.COMMENT:
			lit = strings.TrimRight(lit, " \t")
		}
		out = append(out, tok.String()+" "+lit)
	}
	return out, !bad
}

// commonElems returns how many leading path elements a and b share.
func commonElems(a, b string) int {
	ea, eb := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(ea) && n < len(eb) && ea[n] == eb[n] {
		n++
	}
	return n
}

// StmtList returns the statement list that n, the dst twin of a block, a case clause or a
// select clause, holds, or nil when n holds none. Fixers insert and remove statements
// through it.
func StmtList(n dst.Node) *[]dst.Stmt {
	switch n := n.(type) {
	case *dst.BlockStmt:
		return &n.List
	case *dst.CaseClause:
		return &n.Body
	case *dst.CommClause:
		return &n.Body
	}
	return nil
}

// InsertBefore inserts st before s, a statement of the list that parent (a block, a case
// clause or a select clause of the original syntax) holds. The new statement takes the
// leading blank line and comments of s, which then starts on the next line: a comment
// above an exit stays above the code that now runs first.
func (fx *Fix) InsertBefore(parent ast.Node, s ast.Stmt, st dst.Stmt) error {
	list := StmtList(fx.Dst(parent))
	if list == nil {
		return fmt.Errorf("cannot insert before a %T's statement", parent)
	}
	ds := fx.Dst(s).(dst.Stmt)
	i := slices.Index(*list, ds)
	if i < 0 {
		return fmt.Errorf("statement not found in its list")
	}
	st.Decorations().Before = ds.Decorations().Before
	st.Decorations().Start = ds.Decorations().Start
	ds.Decorations().Before = dst.NewLine
	ds.Decorations().Start = nil
	*list = slices.Insert(*list, i, st)
	return nil
}
