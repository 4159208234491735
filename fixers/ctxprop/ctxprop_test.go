package ctxprop_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/ctxprop"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	for _, pkg := range []string{"fresh", "twins", "nilctx", "oldgo", "request", "detach", "httptwins", "callback", "callbackgroup", "joined"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(ctxprop.Analyzer), pkg)
		})
	}
}
