package ctxprop_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/ctxprop"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	for _, pkg := range []string{"fresh", "twins", "nilctx", "oldgo"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), ctxprop.Analyzer, pkg)
		})
	}
}
