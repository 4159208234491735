package ctxdone_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/ctxdone"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	for _, pkg := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "breaks", "stopflag", "stopcall"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(ctxdone.Analyzer), pkg)
		})
	}
}
