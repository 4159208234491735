package unlock_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/unlock"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), unlock.Analyzer, "a")
}
