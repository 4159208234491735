package singlesend_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/singlesend"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(singlesend.Analyzer), "a", "b", "c", "d")
}
