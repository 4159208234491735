package fixkit

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"

	"github.com/concfix/concfix/internal/diff"
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
	from, to int  // the 1-based lines of the original file it spans
	header   bool // the package clause and the imports: restored with the package clause
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
	p, ok := fe.cut(fset, key)
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

// cut decorates the piece key of fe, or reports that the file cannot be cut there.
func (fe *fileEdit) cut(fset *token.FileSet, key int) (*piece, bool) {
	f, tf := fe.ast, fe.tf
	line := func(p token.Pos) int { return tf.Line(p) }
	pkgLine := line(f.Name.End())
	part := &ast.File{Package: f.Package, Name: f.Name, FileStart: f.FileStart, FileEnd: f.FileEnd, GoVersion: f.GoVersion}
	p := &piece{header: key == headerPiece}
	var end token.Pos // where the nodes of the piece end, comments aside
	if p.header {
		p.from, p.to = line(f.Package), pkgLine
		end = f.Name.End()
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				part.Decls = append(part.Decls, d)
				p.to, end = max(p.to, line(d.End())), d.End()
			}
		}
		part.Imports = f.Imports
		if len(part.Decls) > 0 && line(part.Decls[0].Pos()) == pkgLine {
			return nil, false
		}
	} else {
		d := f.Decls[key]
		prev := pkgLine
		if key > 0 {
			prev = line(f.Decls[key-1].End())
		}
		p.from, p.to = line(d.Pos()), line(d.End())
		end = d.End()
		if p.from <= prev || key+1 < len(f.Decls) && line(f.Decls[key+1].Pos()) == p.to {
			return nil, false // a declaration that shares a line with another
		}
		if doc := declDoc(d); doc != nil && line(doc.Pos()) <= prev {
			return nil, false // its doc comment starts on the line of the one before
		}
		part.Decls = []ast.Decl{d}
		// The comments before it, from the line after the previous declaration.
		for _, cg := range f.Comments {
			if l := line(cg.Pos()); l > prev && cg.Pos() < d.Pos() {
				p.from = min(p.from, l)
			}
		}
	}
	// The comments in the piece's lines, and those that start on its last line.
	for _, cg := range f.Comments {
		l := line(cg.Pos())
		if cg == f.Doc || cg.Pos() < f.Package || l < p.from || l > p.to {
			continue
		}
		if l == p.to && cg.Pos() >= end {
			p.to = max(p.to, line(cg.End()))
		}
		part.Comments = append(part.Comments, cg)
	}
	for _, q := range fe.pieces {
		if p.from <= q.to && q.from <= p.to {
			return nil, false
		}
	}
	p.dec = decorator.NewDecorator(fset) // no import management: it corrupts files (DESIGN.md)
	df, err := p.dec.DecorateFile(part)
	if err != nil {
		panic(fmt.Sprintf("decorating %s: %v", tf.Name(), err))
	}
	p.dst = df
	return p, true
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

// restore returns src with the lines of each piece replaced by the piece restored.
func (fe *fileEdit) restore(src []byte) ([]byte, error) {
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
	lines := diff.SplitLines(string(src))
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
