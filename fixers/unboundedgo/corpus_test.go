package unboundedgo_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/unboundedgo"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestCorpus runs the corpus of unbounded fan-outs modelled on upstream reports (one
// function or small type each, the report cited above it), and the look-alikes beside
// them: each bug is reported (unboundedgo has no fix), or marked MISSED with the reason
// (issue 14).
func TestCorpus(t *testing.T) {
	setLoops(t, true)
	analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(unboundedgo.Analyzer), "corpus")
}
