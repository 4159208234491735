package unlock_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/unlock"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(unlock.Analyzer), "a", "dead", "heldblock", "relock", "shapes")
}
