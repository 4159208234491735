package closerecv_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/closerecv"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestCorpus runs the corpus of channels closed from the wrong side, modelled on upstream
// reports (one function or small type each, the report cited above it), and the
// look-alikes beside them: each bug is reported (closerecv has no fix), or marked MISSED
// with the reason (issue 14).
func TestCorpus(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(closerecv.Analyzer), "corpus")
}
