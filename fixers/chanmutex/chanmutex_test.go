package chanmutex_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/concfix/concfix/fixers/chanmutex"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	for _, pkg := range []string{"field", "local", "negative", "tests", "imports", "edge", "precise", "leak"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(chanmutex.Analyzer), pkg)
		})
	}
}

// TestParts checks the shares of the whole-program fixes of exported types: the
// declaring package contributes the edits of its types (an internal package's, and an
// importable package's only with -api), and an importer vetoes the types it copies or
// builds.
func TestParts(t *testing.T) {
	vetoes := map[string]string{ // by Key and package
		"whole/internal/pool.Stats.mu whole/app": "in package whole/app, Snapshot holds pool.Stats by value (app.go:16)",
		"whole/pub.Counter.mu whole/app":         "in package whole/app, new builds a pub.Counter without its package's constructors (app.go:22)",
		"whole/internal/pool.Pool.mu whole/far":  "in package whole/far, pool.Pool is copied here (far.go:11)",
		"whole/pub.Counter.mu whole/far":         "in package whole/far, var c is a zero pub.Counter, not built by its package's constructors (far.go:17)",
	}
	for _, tc := range []struct {
		api  bool
		want map[string][]string // by package: the parts' keys, "veto " + Key for a veto
	}{
		{false, map[string][]string{
			"whole/internal/pool": {"whole/internal/pool.Pool.mu", "whole/internal/pool.Stats.mu"},
			"whole/pub":           nil,
			"whole/app":           {"veto whole/internal/pool.Stats.mu", "veto whole/pub.Counter.mu"},
			"whole/far":           {"veto whole/internal/pool.Pool.mu", "veto whole/pub.Counter.mu"},
		}},
		{true, map[string][]string{
			"whole/pub": {"whole/pub.Counter.mu"},
		}},
	} {
		if err := chanmutex.Analyzer.Flags.Set("api", fmt.Sprint(tc.api)); err != nil {
			t.Fatal(err)
		}
		var pkgs []string
		for pkg := range tc.want {
			pkgs = append(pkgs, pkg)
		}
		a := chanmutex.Analyzer
		if !tc.api {
			a = fixkittest.WithReasons(a) // the -api run's diagnostics differ from the want comments
		}
		for _, r := range analysistest.Run(&quiet{T: t, quiet: tc.api}, analysistest.TestData(), a, pkgs...) {
			var got []string
			for _, p := range r.Result.(*fixkit.Parts).List {
				switch {
				case p.Veto != "":
					got = append(got, "veto "+p.Key)
					if want := vetoes[p.Key+" "+r.Pass.Pkg.Path()]; want != "" && p.Veto != want {
						t.Errorf("veto of %s by %s = %q, want %q", p.Key, r.Pass.Pkg.Path(), p.Veto, want)
					}
				case p.Decl && len(p.Edits) > 0:
					got = append(got, p.Key)
				default:
					got = append(got, "? "+p.Key)
				}
			}
			if want := tc.want[r.Pass.Pkg.Path()]; !slices.Equal(got, want) {
				t.Errorf("api=%v: parts of %s = %q, want %q", tc.api, r.Pass.Pkg.Path(), got, want)
			}
		}
	}
	chanmutex.Analyzer.Flags.Set("api", "false")
}

// quiet is a testing.T that drops analysistest's complaints about the want comments.
type quiet struct {
	*testing.T
	quiet bool
}

func (q *quiet) Errorf(format string, args ...any) {
	if !q.quiet {
		q.T.Errorf(format, args...)
	}
}
