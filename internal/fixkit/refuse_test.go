package fixkit_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
)

// testPass returns a pass over one file that records what is reported.
func testPass(t *testing.T, src string, got *[]analysis.Diagnostic) *analysis.Pass {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	pkg, err := (&types.Config{}).Check("p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	return &analysis.Pass{
		Fset: fset, Files: []*ast.File{f}, Pkg: pkg, TypesInfo: info,
		ReadFile: func(string) ([]byte, error) { return []byte(src), nil },
		Report:   func(d analysis.Diagnostic) { *got = append(*got, d) },
	}
}

func TestReportRefusals(t *testing.T) {
	const src = "package p\n\nvar sync = 1\n\nfunc f() {}\n"
	for _, tc := range []struct {
		name         string
		build        func(fx *fixkit.Fix, n ast.Node) error
		why          string // prefix
		isInternal   bool
		related, fix int
	}{
		{"refusal", func(*fixkit.Fix, ast.Node) error { return fixkit.Refusal("the context escapes") }, "the context escapes", false, 1, 0},
		{"any error", func(*fixkit.Fix, ast.Node) error { return errors.New("cannot insert here\nmore") }, "cannot insert here", false, 1, 0},
		{"nothing changed", func(*fixkit.Fix, ast.Node) error { return nil }, "fix changes nothing", false, 1, 0},
		{"import shadowed", func(fx *fixkit.Fix, n ast.Node) error {
			_, err := fx.AddImport(n, "sync", "sync")
			return err
		}, `cannot import "sync": sync is declared in package scope`, false, 1, 0},
		{"panic", func(*fixkit.Fix, ast.Node) error { panic("boom") }, "internal error: boom (at internal/fixkit/refuse_test.go:", true, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []analysis.Diagnostic
			pass := testPass(t, src, &got)
			fn := pass.Files[0].Decls[1]
			d := analysis.Diagnostic{Pos: fn.Pos(), Message: "finding", Related: []analysis.RelatedInformation{{Pos: fn.Pos(), Message: "see here"}}}
			fixkit.Report(pass, d, "Fix it", func(fx *fixkit.Fix) error { return tc.build(fx, fn) })
			if len(got) != 1 {
				t.Fatalf("%d diagnostics reported, want 1", len(got))
			}
			why, internal, ok := fixkit.NoFix(got[0])
			if !ok || !strings.HasPrefix(why, tc.why) || internal != tc.isInternal {
				t.Errorf("NoFix = %q, %v, %v; want %q..., %v, true", why, internal, ok, tc.why, tc.isInternal)
			}
			if got[0].Message != "finding" || len(got[0].SuggestedFixes) != tc.fix {
				t.Errorf("message %q with %d fixes", got[0].Message, len(got[0].SuggestedFixes))
			}
			if rel := fixkit.Related(got[0]); len(rel) != tc.related || rel[0].Message != "see here" {
				t.Errorf("Related = %v", rel)
			}
		})
	}
}

func TestRefuse(t *testing.T) {
	var got []analysis.Diagnostic
	pass := testPass(t, "package p\n", &got)
	at := pass.Files[0].Name.Pos()
	fixkit.Refuse(pass, analysis.Diagnostic{Pos: at, Message: "finding"}, token.NoPos, "exported API")
	if why, internal, ok := fixkit.NoFix(got[0]); !ok || internal || why != "exported API" || got[0].Related[0].Pos != at {
		t.Errorf("NoFix = %q, %v, %v at %v", why, internal, ok, got[0].Related[0].Pos)
	}
	if _, _, ok := fixkit.NoFix(analysis.Diagnostic{Message: "fixed"}); ok {
		t.Error("NoFix of a diagnostic without a reason")
	}
}

func TestDoc(t *testing.T) {
	const src = `// Package x defines an analyzer.
//
// # Analyzer x
//
// x: finds things
//
// More text:
//
//	code()
package x
`
	want := "x: finds things\n\nMore text:\n\n\tcode()\n\npackage x"
	if got := fixkit.Doc(src, "x"); got != strings.TrimSuffix(want, "\n\npackage x") {
		t.Errorf("Doc = %q", got)
	}
}
