package unboundedgo_test

import (
	"fmt"
	"testing"

	"github.com/concfix/concfix/fixers/unboundedgo"
	"github.com/concfix/concfix/internal/fixkit/fixkittest"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	setLoops(t, true)
	analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(unboundedgo.Analyzer), "a")
}

// setLoops sets -loops for the test.
func setLoops(t *testing.T, on bool) {
	t.Helper()
	if err := unboundedgo.Analyzer.Flags.Set("loops", fmt.Sprint(on)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unboundedgo.Analyzer.Flags.Set("loops", "false") })
}

// TestLoopsOff checks that without -loops the input loops are silent and the ignored
// limits are still reported.
func TestLoopsOff(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), fixkittest.WithReasons(unboundedgo.Analyzer), "loopsoff")
}
