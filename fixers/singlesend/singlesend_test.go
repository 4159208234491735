package singlesend_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/singlesend"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), singlesend.Analyzer, "a")
}
