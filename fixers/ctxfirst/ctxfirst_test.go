package ctxfirst_test

import (
	"go/token"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/ctxfirst"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestLocal checks the fixes made one package at a time (unexported functions whose every
// reference is a call in their package), and the refusals next to them.
func TestLocal(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(ctxfirst.Analyzer), "a", "gen")
}

// TestParts checks the shares of whole-program fixes that each package returns: the
// declaring package's Part with the edits of the declaration and its own calls, an
// importer's Part with the edits of its calls, or its veto.
func TestParts(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(ctxfirst.Analyzer), "x/internal/lib", "x/app", "x/api")
	byKey := make(map[string][]fixkit.Part)
	var fset *token.FileSet
	for _, r := range results {
		parts := r.Result.(*fixkit.Parts)
		fset = r.Pass.Fset
		for _, p := range parts.List {
			byKey[p.Key] = append(byKey[p.Key], p)
		}
	}
	const lib = "x/internal/lib."
	// Unexported: fixed locally, no parts. Exported API of an importable package: refused.
	for _, k := range []string{lib + "unexported", "x/api.Public", lib + "Handler.Handle", "x/app.Server.Serve"} {
		if len(byKey[k]) > 0 {
			t.Errorf("%s: unexpected parts %+v", k, byKey[k])
		}
	}
	// Vetoed by the importer: a value use, and an implementation of its interface.
	for k, veto := range map[string]string{lib + "Valued": "used as a value", lib + "Impl.Serve": "implements Server in package x/app"} {
		ps := byKey[k]
		if !slices.ContainsFunc(ps, func(p fixkit.Part) bool { return p.Decl && p.Exported && p.Veto == "" && len(p.Edits) > 0 }) {
			t.Errorf("%s: no declaring part in %+v", k, ps)
		}
		if !slices.ContainsFunc(ps, func(p fixkit.Part) bool { return !p.Decl && strings.Contains(p.Veto, veto) }) {
			t.Errorf("%s: no veto %q in %+v", k, veto, ps)
		}
	}
	// Complete: applying every part gives the fixed program.
	var all []analysis.TextEdit
	for _, k := range []string{lib + "Fetch", lib + "Client.Get"} {
		ps := byKey[k]
		if len(ps) != 2 || !slices.ContainsFunc(ps, func(p fixkit.Part) bool { return p.Decl }) {
			t.Errorf("%s: want a declaring part and an importer's part, got %+v", k, ps)
		}
		for _, p := range ps {
			if p.Veto != "" {
				t.Errorf("%s: unexpected veto %q", k, p.Veto)
			}
			all = append(all, p.Edits...)
		}
	}
	got := apply(t, fset, all)
	want := map[string]string{
		"x/internal/lib/lib.go": `
func Fetch(ctx context.Context, url string) error { return nil } // want ` + "`parameter of function Fetch`" + `
`,
		"x/internal/lib/lib.go ": `
func (c *Client) Get(ctx context.Context, key string) string { return key } // want ` + "`parameter of method Client.Get`" + `
`,
		"x/internal/lib/lib.go  ": `
	_ = Fetch(ctx, "here")
`,
		"x/app/app.go": `
	_ = lib.Fetch(ctx, "there")
	var c lib.Client
	_ = c.Get(
		ctx,
		"k", // the key
	)
`,
	}
	for file, frag := range want {
		file = strings.TrimSpace(file)
		if !strings.Contains(got[file], frag) {
			t.Errorf("%s after the fix does not contain %q:\n%s", file, frag, got[file])
		}
	}
}

// TestAPI checks that -api makes exported API of an importable package fixable by the
// whole-program driver.
func TestAPI(t *testing.T) {
	if err := ctxfirst.Analyzer.Flags.Set("api", "true"); err != nil {
		t.Fatal(err)
	}
	defer ctxfirst.Analyzer.Flags.Set("api", "false")
	results := analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(ctxfirst.Analyzer), "x/api")
	for _, r := range results {
		parts := r.Result.(*fixkit.Parts)
		if len(parts.List) != 1 || parts.List[0].Key != "x/api.Public" || !parts.List[0].Decl || len(parts.List[0].Edits) == 0 {
			t.Errorf("parts = %+v, want the declaring part of x/api.Public", parts.List)
		}
	}
}

// apply applies edits to the files they are in and returns the new contents by path
// relative to testdata/src.
func apply(t *testing.T, fset *token.FileSet, edits []analysis.TextEdit) map[string]string {
	byFile := make(map[string][]analysis.TextEdit)
	for _, e := range edits {
		name := fset.File(e.Pos).Name()
		if !slices.ContainsFunc(byFile[name], func(x analysis.TextEdit) bool {
			return x.Pos == e.Pos && x.End == e.End && string(x.NewText) == string(e.NewText)
		}) {
			byFile[name] = append(byFile[name], e)
		}
	}
	out := make(map[string]string)
	for name, es := range byFile {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(es, func(a, b analysis.TextEdit) int { return int(b.Pos - a.Pos) })
		tf := fset.File(es[0].Pos)
		for _, e := range es {
			start, end := tf.Offset(e.Pos), tf.Offset(e.End)
			src = slices.Concat(src[:start], e.NewText, src[end:])
		}
		_, rel, _ := strings.Cut(name, "/testdata/src/")
		out[rel] = string(src)
	}
	return out
}
