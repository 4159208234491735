package rewrite_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The engine analyses and verifies packages in parallel: no goroutine may outlive a run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
