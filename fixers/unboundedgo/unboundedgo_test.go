package unboundedgo_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/unboundedgo"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), unboundedgo.Analyzer, "a")
}
