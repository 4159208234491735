package recvclosed_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/recvclosed"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(recvclosed.Analyzer), "a", "old")
}

// TestCorpus runs the corpus of closed-channel bugs modelled on upstream reports (one
// function each, the report cited above it): every one is reported, and fixed where
// the rules allow (see corpus.go.golden).
func TestCorpus(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(recvclosed.Analyzer), "corpus")
}
