// Package joined holds goroutines that their function waits for, whose calls run under
// the function's context (pganalyze/collector#565's upload fan-out), and look-alikes
// that may outlive it.
package joined

import (
	"context"
	"errors"
	"sync"
)

type store struct{}

func (store) Put(ctx context.Context, k string) error { return ctx.Err() }

// putAll waits for every goroutine on every path: the puts get its context.
func putAll(ctx context.Context, s store, keys []string) error {
	var wg sync.WaitGroup
	errs := make([]error, len(keys))
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Put(context.Background(), k) // want `context.Background\(\) passed while ctx is in scope`
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// fireAndForget does not wait: the goroutine may run after it returns. Silent.
func fireAndForget(ctx context.Context, s store, k string) error {
	go func() {
		_ = s.Put(context.Background(), k)
	}()
	return ctx.Err()
}

// earlyReturn waits only on one path: silent.
func earlyReturn(ctx context.Context, s store, k string, fast bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = s.Put(context.Background(), k)
	}()
	if fast {
		return
	}
	wg.Wait()
	_ = ctx
}
