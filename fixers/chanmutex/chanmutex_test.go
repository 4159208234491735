package chanmutex_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/chanmutex"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	for _, pkg := range []string{"field", "local", "negative", "tests", "imports", "edge", "precise"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(chanmutex.Analyzer), pkg)
		})
	}
}
