package ctxfirst_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/ctxfirst"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestLocal(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), ctxfirst.Analyzer, "a")
}
