package racewrite_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/racewrite"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(racewrite.Analyzer), "a")
}

// TestCorpus runs the corpus of race bugs modelled on upstream reports (one function
// each, the report cited above it): every one is reported, and fixed where the rules
// allow (see corpus.go.golden).
func TestCorpus(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(racewrite.Analyzer), "corpus")
}

// TestErrgroup checks the errgroup fix, which only -racewrite.errgroup enables.
func TestErrgroup(t *testing.T) {
	if err := racewrite.Analyzer.Flags.Set("errgroup", "true"); err != nil {
		t.Fatal(err)
	}
	defer racewrite.Analyzer.Flags.Set("errgroup", "false")
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(racewrite.Analyzer), "group")
}
