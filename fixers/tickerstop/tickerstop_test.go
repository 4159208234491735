package tickerstop_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/tickerstop"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(tickerstop.Analyzer), "old", "new", "nover", "after", "fields", "stoppedrange")
}
