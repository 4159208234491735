package lostcancel_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/lostcancel"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestLostCancel(t *testing.T) {
	for _, pkg := range []string{"a", "collide", "dot", "renamed", "mainpkg", "web", "layout", "exits", "held", "handed", "expired", "kept", "deadline", "owner"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), fixkittest.WithReasons(lostcancel.Analyzer), pkg)
		})
	}
}
