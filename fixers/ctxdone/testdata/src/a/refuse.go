package a

import (
	"context"
	"sync"
)

// count cannot return an error.
func count(ctx context.Context, out chan<- int) int {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		out <- 1
	}
}

// pipe closes out after its loop: returning early would skip the close.
func pipe(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for v := range in {
			out <- v // want `send on out blocks without a case for ctx.Done\(\)`
		}
		close(out)
	}()
	return out
}

// locked holds the lock while sending.
func locked(ctx context.Context, mu *sync.Mutex, out chan<- int) {
	mu.Lock()
	out <- 1 // want `send on out blocks without a case for ctx.Done\(\)`
	mu.Unlock()
}

// finish releases the WaitGroup.
func finish(wg *sync.WaitGroup) { wg.Done() }

// finished calls a function that releases the WaitGroup.
func finished(ctx context.Context, wg *sync.WaitGroup, out chan<- int) {
	out <- 1 // want `send on out blocks without a case for ctx.Done\(\)`
	finish(wg)
}

// gather counts on one result per worker: compute must send it, and its one send is
// always received. Not a leak, not reported (a select would make gather block forever).
func gather(ctx context.Context, items []int) []int {
	results := make(chan int)
	for _, it := range items {
		go compute(ctx, it, results)
	}
	var out []int
	for range items {
		out = append(out, <-results)
	}
	return out
}

func compute(ctx context.Context, v int, results chan<- int) {
	results <- v * v
}

// inExpr receives inside an expression.
func inExpr(ctx context.Context, in <-chan int, out chan<- int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		out <- <-in
	}
}

// two has two contexts in scope.
func two(ctx1, ctx2 context.Context, out chan<- int) {
	out <- 1 // want `send on out blocks without a case for a Done channel`
}

type secret struct{}

// inHeader receives in an if header.
func inHeader(ctx context.Context, in <-chan bool) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		if ok := <-in; ok {
			continue
		}
	}
}

// cleanup does more than return when ctx is done.
func cleanup(ctx context.Context, in <-chan int, out chan<- int, stop func()) {
	select {
	case v := <-in:
		out <- v // want `send on out blocks without a case for ctx.Done\(\)`
	case <-ctx.Done():
		stop()
	}
}

type conn struct{}

func (*conn) Close() error { return nil }

// accept sends a resource that its receiver closes.
func accept(ctx context.Context, conns chan<- *conn) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		conns <- &conn{}
	}
}
