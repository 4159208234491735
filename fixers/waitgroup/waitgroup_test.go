package waitgroup_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/waitgroup"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"github.com/concfix/concfix/rewrite"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFixes(t *testing.T) {
	for _, pkg := range []string{"add", "done", "wait", "byvalue", "copies", "oldloop", "together", "deferloop", "nodone", "sibling"} {
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
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(waitgroup.Analyzer), "modern", "modernold", "togethergo")
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

// TestFixpoint checks that one run of the analyzer reaches the fixpoint on the cases of
// fixes that must come together (issue 12): applying its fixes and running it again
// changes nothing, with -go too (a fix whose result -go rewrites is written as wg.Go at
// once).
func TestFixpoint(t *testing.T) {
	for _, tc := range []struct {
		file   string
		goFlag bool
	}{
		{"testdata/src/together/together.go", false},
		{"testdata/src/together/together.go", true},
		{"testdata/src/togethergo/go.go", true},
		{"testdata/src/togethergo/go.go", false},
		{"testdata/src/done/done.go", false},
		{"testdata/src/add/add.go", false},
		{"testdata/src/copies/copies.go", false},
		{"testdata/src/copies/receivers.go", false},
		{"testdata/src/modern/modern.go", true},
		{"testdata/src/deferloop/deferloop.go", false},
		{"testdata/src/deferloop/deferloop.go", true},
	} {
		t.Run(fmt.Sprintf("%s/go=%v", tc.file, tc.goFlag), func(t *testing.T) {
			if err := waitgroup.Analyzer.Flags.Set("go", strconv.FormatBool(tc.goFlag)); err != nil {
				t.Fatal(err)
			}
			defer waitgroup.Analyzer.Flags.Set("go", "false")
			src, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			analyzers := []*analysis.Analyzer{waitgroup.Analyzer}
			once, typeErr, err := rewrite.FixFile(filepath.Base(tc.file), src, analyzers)
			if err != nil || typeErr != nil {
				t.Fatalf("first run: %v %v", err, typeErr)
			}
			if string(once) == string(src) {
				t.Fatal("the first run fixes nothing")
			}
			twice, typeErr, err := rewrite.FixFile(filepath.Base(tc.file), once, analyzers)
			if err != nil || typeErr != nil {
				t.Fatalf("second run: %v %v\n%s", err, typeErr, once)
			}
			if string(twice) != string(once) {
				t.Errorf("a second run changes the fixed file:\n%s", diffLines(string(once), string(twice)))
			}
		})
	}
}

// diffLines returns the lines of b that are not in a, and those of a that are not in b.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := make(map[string]bool)
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ia, ib := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !ib[l] {
			out = append(out, "-"+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ia[l] {
			out = append(out, "+"+l)
		}
	}
	return strings.Join(out, "\n")
}
