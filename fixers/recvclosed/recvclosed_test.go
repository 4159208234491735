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
