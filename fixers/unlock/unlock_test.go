package unlock_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/unlock"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(unlock.Analyzer), "a", "dead", "heldblock", "panicleak", "relock", "shapes")
}

// TestCorpus runs the corpus of lock bugs modelled on upstream reports (one function or
// small type each, the report cited above it) and the look-alikes beside them: each bug
// is reported, and fixed where the rules allow (see corpus.go.golden), or marked MISSED
// with the reason.
func TestCorpus(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(unlock.Analyzer), "corpus")
}
