package waitgroup_test

import (
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/waitgroup"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFixes(t *testing.T) {
	for _, pkg := range []string{"add", "done", "wait", "byvalue", "oldloop"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(waitgroup.Analyzer), pkg)
		})
	}
}

// TestGo checks the wg.Go modernization, which only -go enables, and only in files at
// go1.25 or later.
func TestGo(t *testing.T) {
	if err := waitgroup.Analyzer.Flags.Set("go", "true"); err != nil {
		t.Fatal(err)
	}
	defer waitgroup.Analyzer.Flags.Set("go", "false")
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(waitgroup.Analyzer), "modern", "modernold")
}

// TestGoOff checks that without -go the same code is left alone.
func TestGoOff(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(waitgroup.Analyzer), "modernold")
}

// TestParts checks the whole-program share of each package for an exported function of
// an internal package: the declaration with its own calls, the calls of an importer,
// and the veto of a package that uses the function as a value.
func TestParts(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(waitgroup.Analyzer), "example.com/internal/lib", "example.com/app", "example.com/app2")
	got := make(map[string][]fixkit.Part)
	for _, r := range results {
		got[r.Pass.Pkg.Path()] = r.Result.(*fixkit.Parts).List
	}
	const key = "example.com/internal/lib.F"
	lib := got["example.com/internal/lib"]
	if len(lib) != 1 || lib[0].Key != key || !lib[0].Decl || !lib[0].Exported || lib[0].Veto != "" {
		t.Fatalf("lib parts = %+v", lib)
	}
	var texts []string
	for _, e := range lib[0].Edits {
		texts = append(texts, string(e.NewText))
	}
	if s := strings.Join(texts, ""); !strings.Contains(s, "func F(wg *sync.WaitGroup)") || !strings.Contains(s, "F(&wg)") {
		t.Errorf("lib edits = %q", s)
	}
	app := got["example.com/app"]
	if len(app) != 1 || app[0].Key != key || app[0].Decl || app[0].Veto != "" || len(app[0].Edits) != 1 ||
		!strings.Contains(string(app[0].Edits[0].NewText), "go lib.F(&wg)") {
		t.Errorf("app parts = %+v", app)
	}
	app2 := got["example.com/app2"]
	if len(app2) != 1 || app2[0].Key != key || app2[0].Veto == "" {
		t.Errorf("app2 parts = %+v", app2)
	}
}
