package testfatal_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/testfatal"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(testfatal.Analyzer), "a", "b", "c")
}
