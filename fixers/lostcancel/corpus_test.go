package lostcancel_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/lostcancel"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestCorpus runs the corpus of context bugs modelled on upstream reports (one function or
// small type each, the report cited above it): every one found is reported, and fixed where
// the rules allow (see corpus.go.golden); the package doc counts them and lists the missed.
func TestCorpus(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(lostcancel.Analyzer), "corpus")
}
