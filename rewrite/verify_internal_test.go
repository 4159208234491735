package rewrite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestInBodies checks which edits let the verification leave out the function bodies of
// the package's other files: edits in the bodies of declared functions, or in the imports.
func TestInBodies(t *testing.T) {
	const src = `package p

import "strings"

var g = func() { _ = 1 }

type T struct{ f int }

func (T) m() int {
	return strings.Count("", "")
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "/p/a.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	p := &packages.Package{Fset: fset, Syntax: []*ast.File{f}}
	at := func(s string) int { return strings.Index(src, s) }
	for _, tc := range []struct {
		name  string
		start int
		end   int
		want  bool
	}{
		{"a statement of a method", at("\treturn"), at("\treturn") + len("\treturn strings.Count(\"\", \"\")\n"), true},
		{"an import added", at("import"), at("\n\nvar"), true},
		{"after the package clause", at("\n\nimport"), at("\n\nimport"), true},
		{"a package-level function literal", at("_ = 1"), at(" }\n\ntype"), false},
		{"a field", at("f int"), at("f int") + 5, false},
		{"a signature", at("m() int"), at("m() int") + 7, false},
	} {
		got := inBodies(p, map[string][]edit{"/p/a.go": {{Start: tc.start, End: tc.end}}})
		if got != tc.want {
			t.Errorf("%s: inBodies = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !inBodies(p, map[string][]edit{"/p/other.go": {{Start: 0, End: 1}}}) {
		t.Errorf("edits of another package's file count")
	}
}
