package done

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func ping() error { return nil }

// require.Nil calls t.FailNow when its check fails, which ends the goroutine with
// runtime.Goexit and skips the Done at its end: wg.Wait blocks and the test hangs
// instead of failing (mediocregopher/radix v3 pubsub_test.go).
func TestPings(t *testing.T) {
	pubs := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for range pubs {
			require.Nil(t, ping())
		}
		wg.Done() // want `wg.Done is not deferred and require.Nil's FailNow skips it: wg.Wait blocks forever`
	}()
	close(pubs)
	wg.Wait()
}

// The check comes after Done: nothing to skip.
func TestAfterDone(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		err := ping()
		wg.Done()
		require.NoError(t, err)
	}()
	wg.Wait()
}

// A require call in a function literal the goroutine does not call is not on its path.
func TestLiteral(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		check := func() { require.NoError(t, ping()) }
		_ = check
		wg.Done()
	}()
	wg.Wait()
}
