package a

import (
	"context"
	"sync"
	"time"
)

// produce is an endless producer: its goroutine leaks when the caller stops reading.
func produce(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		for i := 0; ; i++ { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			// Send the next value.
			ch <- i // the value
		}
	}()
	return ch
}

// worker selects without a Done case and sends its result.
func worker(ctx context.Context, jobs <-chan int, out chan<- int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		select {
		case j := <-jobs:
			if j == 0 {
				break // breaks the select, not the loop
			}
			out <- j * 2
		case <-time.After(time.Second):
		}
	}
}

// square receives with := and sends its result.
func square(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			v := <-in

			out <- v * v
		}
	}()
	return out
}

// stamps receives two values, one from another package, and declares with var.
func stamps(ctx context.Context, in <-chan time.Time, out chan<- string) error {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		t, ok := <-in
		var u = <-in
		if ok {
			out <- t.String() + u.String()
		}
	}
}

// copyInts is a copying function blocked on dst <- v.
func copyInts(ctx context.Context, dst chan<- int, src <-chan int) {
	for v := range src {
		dst <- v // want `send on dst blocks without a case for ctx.Done\(\)`
	}
}

// forward has named results: it returns the count so far.
func forward(ctx context.Context, dst chan<- string, src <-chan string) (n int, err error) {
	for s := range src {
		dst <- s // want `send on dst blocks without a case for ctx.Done\(\)`
		n++
	}
	return n, nil
}

type point struct{ x, y int }

// first has unnamed results: zero values and ctx.Err().
func first(ctx context.Context, out chan<- point, p point) (point, *point, error) {
	out <- p // want `send on out blocks without a case for ctx.Done\(\)`
	return p, &p, nil
}

// fwd is generic.
func fwd[T any](ctx context.Context, dst chan<- T, src <-chan T) (T, error) {
	var last T
	for v := range src {
		last = v
		dst <- v // want `send on dst blocks without a case for ctx.Done\(\)`
	}
	return last, nil
}

// nested: the return belongs to the function literal.
func nested(ctx context.Context, out chan<- int) {
	emit := func(v int) error {
		for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			out <- v
		}
	}
	_ = emit(1)
}

// labeled: continue outer does not leave the loop.
func labeled(ctx context.Context, vs []int, out chan<- int) {
outer:
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		for _, v := range vs {
			if v < 0 {
				continue outer
			}
			out <- v
		}
	}
}

// balanced: the lock is taken and released after the send.
func balanced(ctx context.Context, mu *sync.Mutex, out chan<- int, n *int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		out <- 1
		mu.Lock()
		*n++
		mu.Unlock()
	}
}

// derived: the inner ctx shadows the parameter.
func derived(ctx context.Context, out chan<- int) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			out <- 1
		}
	}()
}

// Negatives: these stay byte-identical.

// noCtx is not a goroutine and has no context.
func noCtx(in <-chan int, out chan<- int) {
	for {
		out <- <-in
	}
}

// goNoExit is a goroutine with nothing to stop it.
func goNoExit(in <-chan int) {
	go func() {
		for {
			<-in
		}
	}()
}

// background: the Done channel of context.Background() is nil.
func background(out chan<- int) {
	go func() {
		ctx := context.Background()
		_ = ctx
		for {
			out <- 1
		}
	}()
}

// withBreak leaves its loop.
func withBreak(ctx context.Context, in <-chan int) (sum int) {
	for {
		v, ok := <-in
		if !ok {
			break
		}
		sum += v
	}
	return sum
}

// withReturn already selects on Done.
func withReturn(ctx context.Context, in <-chan int) {
	for {
		select {
		case <-ctx.Done():
			return
		case v := <-in:
			_ = v
		}
	}
}

// doneNoReturn selects on Done without returning.
func doneNoReturn(ctx context.Context, in <-chan int) {
	stopped := false
	for {
		select {
		case <-ctx.Done():
			stopped = true
		case v := <-in:
			_ = v
		}
		_ = stopped
	}
}

// withDefault never blocks.
func withDefault(ctx context.Context, in <-chan int) {
	for {
		select {
		case v := <-in:
			_ = v
		default:
		}
	}
}

// rangeOnly only receives: closing is the sender's job.
func rangeOnly(ctx context.Context, in <-chan int) (sum int) {
	for v := range in {
		sum += v
	}
	return sum
}

// buffered sends once on a channel with room.
func buffered(ctx context.Context) int {
	res := make(chan int, 1)
	res <- 1
	return <-res
}

// selected already selects.
func selected(ctx context.Context, out chan<- int) {
	select {
	case out <- 1:
	case <-ctx.Done():
	}
}

// follows returns what its own Done case returns.
func follows(ctx context.Context, in <-chan int, out chan<- int) (int, error) {
	select {
	case v := <-in:
		out <- v // want `send on out blocks without a case for ctx.Done\(\)`
		return v, nil
	case <-ctx.Done():
		return -1, context.Cause(ctx)
	}
}

// prefill fills a semaphore to its capacity: the sends cannot block.
func prefill(ctx context.Context) chan struct{} {
	const n = 4
	sema := make(chan struct{}, n)
	for range n {
		sema <- struct{}{}
	}
	for i := 0; i < 2; i++ {
		_ = i
	}
	return sema
}

// overfill sends more than the capacity.
func overfill(ctx context.Context) chan int {
	ch := make(chan int, 2)
	for i := 0; i < 3; i++ {
		ch <- i // want `send on ch blocks without a case for ctx.Done\(\)`
	}
	return ch
}

// semaphore fills its semaphore before anything else can use it.
func semaphore(ctx context.Context, work []func()) {
	const limit = 3
	sema := make(chan struct{}, limit)
	for i := 0; i < limit; i++ {
		sema <- struct{}{}
	}
	for _, w := range work {
		<-sema
		go func() {
			defer func() { sema <- struct{}{} }()
			w()
		}()
	}
}

// limited acquires a slot that its workers release.
func limited(ctx context.Context, work []func()) {
	sem := make(chan struct{}, 2)
	for _, w := range work {
		sem <- struct{}{}
		go func() {
			w()
			<-sem
		}()
	}
	for n := cap(sem); n > 0; n-- {
		sem <- struct{}{}
	}
}
