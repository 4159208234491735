package waitgroup_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/waitgroup"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFixes(t *testing.T) {
	for _, pkg := range []string{"add", "done", "wait", "byvalue", "oldloop"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), waitgroup.Analyzer, pkg)
		})
	}
}
