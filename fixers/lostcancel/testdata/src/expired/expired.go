// Package expired holds paths on which the derived context is already done: it timed
// out or was cancelled, so it has released its timer and left its parent, and a path
// that goes on from there without calling cancel loses nothing.
package expired

import (
	"context"
	"time"
)

func try(ctx context.Context) error { return ctx.Err() }

// grpc's balancer/rls makeTestRPCAndVerifyError: each attempt waits for its context to
// expire before the loop derives the next one.
func retry(ctx context.Context) {
	for {
		if ctx.Err() != nil {
			return
		}
		sCtx, sCancel := context.WithTimeout(ctx, time.Millisecond)
		if try(sCtx) == nil {
			sCancel()
			return
		}
		<-sCtx.Done()
	}
}

// The same wait in a select case.
func retrySelect(ctx context.Context, stop chan struct{}) {
	for {
		sCtx, sCancel := context.WithTimeout(ctx, time.Millisecond)
		if try(sCtx) == nil {
			sCancel()
			return
		}
		select {
		case <-sCtx.Done():
		case <-stop:
			sCancel()
			return
		}
	}
}

// Look-alike: the loop goes on without waiting for the context.
func retryEarly(ctx context.Context) {
	for {
		sCtx, sCancel := context.WithTimeout(ctx, time.Millisecond) // want `cancel function returned by context.WithTimeout is not called on all paths`
		if try(sCtx) == nil {
			sCancel()
			return
		}
		time.Sleep(time.Millisecond)
	}
}

type marker struct{ done <-chan struct{} }

// A cancel discarded on purpose, with a comment that says why (client-go's tools/cache
// wait_test): left alone.
func delayed(m *marker, d time.Duration) {
	ctx := context.Background()
	// This leaks a cancel, but is hard to avoid; it does not matter in a unit test.
	ctx, _ = context.WithTimeout(ctx, d)
	m.done = ctx.Done()
}

// Look-alike: the same without a comment.
func delayedSilently(m *marker, d time.Duration) {
	ctx := context.Background()
	ctx, _ = context.WithTimeout(ctx, d) // want `cancel function returned by context.WithTimeout is discarded`
	m.done = ctx.Done()
}

// Look-alike: a comment that says nothing of the cancel.
func delayedLong(m *marker, d time.Duration) {
	ctx := context.Background()
	// A generous timeout.
	ctx, _ = context.WithTimeout(ctx, 10*d) // want `cancel function returned by context.WithTimeout is discarded`
	m.done = ctx.Done()
}
