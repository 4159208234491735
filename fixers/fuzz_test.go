package fixers_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/concfix/concfix/fixers"
	"github.com/concfix/concfix/rewrite"
)

// FuzzFix feeds any Go file to every fixer: either nothing changes, or the result parses,
// is gofmt-stable, and type-checks whenever the input did. Seeds are the fixers' testdata.
// Run with: go test ./fixers -run '^$' -fuzz FuzzFix -fuzztime 5m
func FuzzFix(f *testing.F) {
	seeds, _ := filepath.Glob("*/testdata/src/*/*.go")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	all := fixers.All()
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := parser.ParseFile(token.NewFileSet(), "in.go", src, parser.ParseComments); err != nil {
			return // not Go
		}
		out, typeErr, err := rewrite.FixFile("in.go", src, all)
		if err != nil {
			t.Fatalf("fixers failed: %v", err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "out.go", out, parser.ParseComments); err != nil {
			t.Fatalf("result does not parse: %v\n%s", err, out)
		}
		again, _, err := rewrite.FixFile("out.go", out, nil)
		if err != nil || string(again) != string(out) {
			t.Fatalf("result is not gofmt-stable:\n%s", out)
		}
		if typeErr == nil {
			if _, outErr, _ := rewrite.FixFile("out.go", out, nil); outErr != nil {
				t.Fatalf("input type-checks, result does not: %v\n%s", outErr, out)
			}
		}
	})
}
