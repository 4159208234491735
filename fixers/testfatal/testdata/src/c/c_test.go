package c

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func dial() error { return nil }

// The package does not import assert: a new import could not be checked, so no fix.
func TestNoAssert(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		require.NoError(t, dial()) // want `require.NoError called in a goroutine the test started.* \(no fix: the package does not import github.com/stretchr/testify/assert \(use assert.NoError and return when it fails\)\)`
	}()
	<-done
}
