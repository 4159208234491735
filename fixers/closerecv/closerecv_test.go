package closerecv_test

import (
	"testing"

	"github.com/concfix/concfix/fixers/closerecv"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), closerecv.Analyzer, "a")
}
