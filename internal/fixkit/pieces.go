package fixkit

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// A file is decorated in pieces, each when the fix first reaches into it: a top-level
// declaration with the comments that precede it and end on its last line, or the package
// clause with the imports. A fix pays for the declarations it changes, not for its file:
// decorating and restoring a file of 27,000 lines took a third of a second, for each fix
// in it. A piece is restored on its own and put in place of its lines; the other lines
// are the original ones. A file whose declarations share lines is decorated whole.

// A piece is a part of a file decorated on its own.
type piece struct {
	from, to int                   // the 1-based lines of the original file it spans
	header   bool                  // the package clause and the imports: restored with the package clause
	nodes    map[ast.Node]ast.Node // the file's nodes -> their twins parsed with the piece
	dec      *decorator.Decorator
	dst      *dst.File
}

// wholeFile marks the piece that is the whole file.
const wholeFile = -2

// headerPiece is the key of the package clause and imports.
const headerPiece = -1

// pieceOf returns the piece of fe that holds n, decorating it if needed.
func (fe *fileEdit) pieceOf(fset *token.FileSet, n ast.Node) *piece {
	if p := fe.pieces[wholeFile]; p != nil {
		return p
	}
	key := fe.declOf(n)
	if p := fe.pieces[key]; p != nil {
		return p
	}
	p, ok := fe.cut(key)
	if !ok {
		// Declarations that share lines: the file is decorated whole, from the start
		// of the fix, since twins of the pieces decorated so far may be held.
		panic(needWhole{fe.ast})
	}
	fe.pieces[key] = p
	return p
}

// declOf returns the index in fe.ast.Decls of the declaration that holds n, or
// headerPiece for the package clause, the imports and anything outside a declaration.
func (fe *fileEdit) declOf(n ast.Node) int {
	decls := fe.ast.Decls
	i := sort.Search(len(decls), func(i int) bool { return decls[i].End() > n.Pos() })
	if i == len(decls) || decls[i].Pos() > n.Pos() || n.End() > decls[i].End() {
		return headerPiece
	}
	if g, ok := decls[i].(*ast.GenDecl); ok && g.Tok == token.IMPORT {
		return headerPiece
	}
	return i
}

// cut decorates the piece key of fe, or reports that the file cannot be cut there. The
// piece's lines are parsed again on their own, after a package clause, so that the
// decorator, which steps through every byte of a file, sees them alone; its nodes are the
// twins of the file's, in the same order.
func (fe *fileEdit) cut(key int) (*piece, bool) {
	f, tf := fe.ast, fe.tf
	line := func(p token.Pos) int { return tf.Line(p) }
	pkgLine := line(f.Name.End())
	p := &piece{header: key == headerPiece}
	var orig []ast.Node // the nodes of the piece
	var end token.Pos   // where they end, comments aside
	if p.header {
		p.from, p.to = line(f.Package), pkgLine
		orig, end = []ast.Node{f.Name}, f.Name.End()
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				orig = append(orig, d)
				p.to, end = max(p.to, line(d.End())), d.End()
			}
		}
		if len(orig) > 1 && line(orig[1].Pos()) == pkgLine {
			return nil, false
		}
	} else {
		d := f.Decls[key]
		prev := pkgLine
		if key > 0 {
			prev = line(f.Decls[key-1].End())
		}
		p.from, p.to = line(d.Pos()), line(d.End())
		orig, end = []ast.Node{d}, d.End()
		if p.from <= prev || key+1 < len(f.Decls) && line(f.Decls[key+1].Pos()) == p.to {
			return nil, false // a declaration that shares a line with another
		}
		if doc := declDoc(d); doc != nil && line(doc.Pos()) <= prev {
			return nil, false // its doc comment starts on the line of the one before
		}
		// The comments before it, from the line after the previous declaration.
		for _, cg := range f.Comments {
			if l := line(cg.Pos()); l > prev && cg.Pos() < d.Pos() {
				p.from = min(p.from, l)
			}
		}
	}
	// The comments that start on its last line.
	for _, cg := range f.Comments {
		if line(cg.Pos()) == p.to && cg.Pos() >= end {
			p.to = max(p.to, line(cg.End()))
		}
	}
	for _, q := range fe.pieces {
		if p.from <= q.to && q.from <= p.to {
			return nil, false
		}
	}
	text := strings.Join(fe.lines[p.from-1:p.to], "")
	if !p.header {
		text = "package " + f.Name.Name + "\n\n" + text
	}
	pfset := token.NewFileSet()
	pf, err := parser.ParseFile(pfset, tf.Name(), text, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	twins := []ast.Node{pf.Name}
	for _, d := range pf.Decls {
		twins = append(twins, d)
	}
	if !p.header {
		twins = twins[1:]
	}
	if p.nodes = pairNodes(orig, twins); p.nodes == nil {
		return nil, false
	}
	p.dec = decorator.NewDecorator(pfset) // no import management: it corrupts files (DESIGN.md)
	if p.dst, err = p.dec.DecorateFile(pf); err != nil {
		panic(fmt.Sprintf("decorating %s: %v", tf.Name(), err))
	}
	return p, true
}

// pairNodes maps each node under orig to the node at its place under twins, or returns
// nil when the trees differ in shape.
func pairNodes(orig, twins []ast.Node) map[ast.Node]ast.Node {
	if len(orig) != len(twins) {
		return nil
	}
	preorder := func(n ast.Node) []ast.Node {
		var out []ast.Node
		ast.Inspect(n, func(n ast.Node) bool {
			if n != nil {
				out = append(out, n)
			}
			return true
		})
		return out
	}
	pairs := make(map[ast.Node]ast.Node)
	for i := range orig {
		a, b := preorder(orig[i]), preorder(twins[i])
		if len(a) != len(b) {
			return nil
		}
		for j := range a {
			if reflect.TypeOf(a[j]) != reflect.TypeOf(b[j]) {
				return nil
			}
			pairs[a[j]] = b[j]
		}
	}
	return pairs
}

// twin returns the node of the piece's syntax that stands for n, a node of the file.
func (p *piece) twin(n ast.Node) ast.Node {
	if p.nodes == nil {
		return n // the whole file, decorated from the file's syntax
	}
	return p.nodes[n]
}

// decorateWhole decorates the whole file, as its one piece.
func (fe *fileEdit) decorateWhole(fset *token.FileSet) {
	p := &piece{from: 1, to: fe.tf.LineCount(), dec: decorator.NewDecorator(fset)}
	df, err := p.dec.DecorateFile(fe.ast)
	if err != nil {
		panic(fmt.Sprintf("decorating %s: %v", fe.tf.Name(), err))
	}
	p.dst = df
	fe.pieces[wholeFile] = p
}

// declDoc returns the doc comment of a top-level declaration.
func declDoc(d ast.Decl) *ast.CommentGroup {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}

// restore returns the file's content with the lines of each piece replaced by the piece
// restored.
func (fe *fileEdit) restore() ([]byte, error) {
	if p := fe.pieces[wholeFile]; p != nil {
		var buf bytes.Buffer
		if err := decorator.NewRestorer().Fprint(&buf, p.dst); err != nil {
			return nil, fmt.Errorf("restoring %s: %v", fe.tf.Name(), err)
		}
		return buf.Bytes(), nil
	}
	var ps []*piece
	for _, p := range fe.pieces {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].from < ps[j].from })
	lines := fe.lines
	var out strings.Builder
	next := 0 // 0-based index of the next original line to copy
	for _, p := range ps {
		for ; next < p.from-1; next++ {
			out.WriteString(lines[next])
		}
		var buf bytes.Buffer
		if err := decorator.NewRestorer().Fprint(&buf, p.dst); err != nil {
			return nil, fmt.Errorf("restoring %s: %v", fe.tf.Name(), err)
		}
		text := buf.String()
		if !p.header {
			// After the package clause and the blank line the restorer puts after it.
			_, text, _ = strings.Cut(text, "\n")
			text = strings.TrimLeft(text, "\n")
		}
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		if p.to == len(lines) && !strings.HasSuffix(lines[len(lines)-1], "\n") {
			text = strings.TrimSuffix(text, "\n") // the file's last line has no newline
		}
		out.WriteString(text)
		next = p.to
	}
	for ; next < len(lines); next++ {
		out.WriteString(lines[next])
	}
	return []byte(out.String()), nil
}
