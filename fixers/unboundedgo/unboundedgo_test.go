package unboundedgo_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/unboundedgo"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(unboundedgo.Analyzer), "a")
}
