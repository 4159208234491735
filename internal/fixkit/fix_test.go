package fixkit_test

import (
	"testing"

	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestBridge(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.Marker, "bridge")
}
