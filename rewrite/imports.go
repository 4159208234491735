package rewrite

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// pruneImports removes from out, the result of applying fixes to src, each import that
// src used and out no longer mentions: fixes that each replace a use of a package (a
// require.NoError that becomes assert.NoError) may together remove the last one, and the
// file would not build for an unused import. An import is removed only when src refers
// to its package (a selector N.x whose N the file does not declare) and out has no
// identifier N at all; its lines go, with its doc comment, when they hold nothing else.
// The package name of an import without a name is read from its path (the last element,
// without a major version suffix, a "go-" prefix, a ".vN" or "-go" suffix): when that is
// not the package's name, src does not use it either and nothing is removed. The
// result is type-checked like any fix.
func pruneImports(src, out []byte) []byte {
	fset := token.NewFileSet()
	fn, err := parser.ParseFile(fset, "", out, parser.ParseComments)
	if err != nil {
		return out
	}
	var gone []*ast.ImportSpec
	var fo *ast.File // src, parsed once an import is no longer mentioned
	for _, spec := range fn.Imports {
		name := importName(spec)
		if name == "" || mentions(fn, spec, name) {
			continue
		}
		if fo == nil {
			if fo, err = parser.ParseFile(token.NewFileSet(), "", src, 0); err != nil {
				return out
			}
		}
		if usesPackage(fo, name) {
			gone = append(gone, spec)
		}
	}
	if len(gone) == 0 {
		return out
	}
	tf := fset.File(fn.Pos())
	// Cut from the end, so that earlier offsets stay valid.
	for i := len(gone) - 1; i >= 0; i-- {
		from, to, ok := specLines(fn, tf, out, gone[i])
		if !ok {
			return out
		}
		out = append(out[:from:from], out[to:]...)
	}
	return out
}

// importName returns the name the file refers to spec's package by, or "" for a blank
// or dot import, or a path whose package name cannot be told.
func importName(spec *ast.ImportSpec) string {
	if spec.Name != nil {
		if spec.Name.Name == "_" || spec.Name.Name == "." {
			return ""
		}
		return spec.Name.Name
	}
	path, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return ""
	}
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && isMajor(last) {
		last = elems[len(elems)-2]
	}
	if i := strings.LastIndex(last, ".v"); i > 0 && isMajor(last[i+1:]) {
		last = last[:i]
	}
	last = strings.TrimPrefix(last, "go-")
	last = strings.TrimSuffix(last, "-go")
	if !token.IsIdentifier(last) {
		return ""
	}
	return last
}

// isMajor reports whether s is a major version element: v2, v10.
func isMajor(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	_, err := strconv.Atoi(s[1:])
	return err == nil
}

// mentions reports whether f has an identifier name other than spec's own.
func mentions(f *ast.File, spec *ast.ImportSpec, name string) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if found || n == spec {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return true
	})
	return found
}

// usesPackage reports whether f has a selector name.x whose name no declaration of the
// file resolves: a use of the package imported as name (or of a package-level
// declaration of another file, which cannot share an import's name).
func usesPackage(f *ast.File, name string) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name && id.Obj == nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// specLines returns the byte range of the lines that hold spec (with its doc comment and
// the comment that ends its line), or of its whole import declaration when spec is its
// only spec; ok is false when other code shares those lines.
func specLines(f *ast.File, tf *token.File, src []byte, spec *ast.ImportSpec) (from, to int, ok bool) {
	start, end := spec.Pos(), spec.End()
	if spec.Doc != nil {
		start = spec.Doc.Pos()
	}
	if spec.Comment != nil {
		end = spec.Comment.End()
	}
	for _, d := range f.Decls {
		if g, isGen := d.(*ast.GenDecl); isGen && g.Tok == token.IMPORT && len(g.Specs) == 1 && g.Specs[0] == spec {
			start, end = g.Pos(), g.End()
			if g.Doc != nil {
				start = g.Doc.Pos()
			}
			if spec.Comment != nil && spec.Comment.End() > end {
				end = spec.Comment.End()
			}
		}
	}
	from = tf.Offset(tf.LineStart(tf.Line(start)))
	to = tf.Offset(end)
	if len(bytes.TrimSpace(src[from:tf.Offset(start)])) > 0 {
		return 0, 0, false
	}
	nl := bytes.IndexByte(src[to:], '\n')
	if nl < 0 {
		nl = len(src) - to
	} else {
		nl++
	}
	if len(bytes.TrimSpace(src[to:to+nl])) > 0 {
		return 0, 0, false
	}
	return from, to + nl, true
}
