package ctxdone_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/ctxdone"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	for _, pkg := range []string{"a", "b", "c"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), ctxdone.Analyzer, pkg)
		})
	}
}
