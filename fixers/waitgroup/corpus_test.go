package waitgroup_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/waitgroup"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestCorpus runs the corpus of leaks modelled on upstream reports (one function or small
// type each, the report cited above it) and the look-alikes beside them: each bug is
// reported, and fixed where the rules allow (see corpus.go.golden), or marked MISSED with
// the reason (issue 14).
func TestCorpus(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(waitgroup.Analyzer), "corpus")
}
