package tickerstop_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/tickerstop"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), tickerstop.Analyzer, "old", "new", "nover")
}
