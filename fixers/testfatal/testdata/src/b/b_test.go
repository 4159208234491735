package b

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prometheus's util/netconnlimit test and testifylint's go-require: require calls
// t.FailNow, which ends only the goroutine it runs in.
func TestConns(t *testing.T) {
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := dial("a")
			require.NoError(t, err, "failed to dial") // want `require.NoError called in a goroutine the test started: it calls t.FailNow`
			require.Equal(t, 0, n) // want `require.Equal called in a goroutine the test started`
		}()
	}
	wg.Wait()
}

func TestLoop(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 3 {
			_, err := dial("b")
			require.NoError(t, err) // want `require.NoError called in a goroutine the test started`
			_ = i
		}
	}()
	<-done
}

// Reported without a fix, and look-alikes.
func TestOthers(t *testing.T) {
	_, err := dial("c")
	require.NoError(t, err) // the test's own goroutine
	assert.Equal(t, 1, 1)
	r := require.New(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			require.NoError(t, recoverErr()) // want `require.NoError called in a goroutine the test started.* \(no fix: it is in a function literal nested in the goroutine`
		}()
		r.NoError(err) // Assertions are not followed
	}()
	<-done
	t.Run("sub", func(t *testing.T) {
		go func(t *testing.T) {
			require.NoError(t, nil) // a T the goroutine's own function takes: not followed
		}(t)
	})
}

func recoverErr() error { return nil }
