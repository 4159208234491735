package m

import (
	"context"
	"sync"
)

// Returning early from the forwarding loop would skip the count of active forwarders
// that others read after it: reported without a fix. The count kept inside the loop is
// the loop's own work, which an early return ends as the loop's end would: fixed.
type forwarder struct {
	mu     sync.Mutex
	active int
	sent   int
	out    chan int
	tally  chan int
}

func startForwarder(ctx context.Context, in <-chan int) *forwarder {
	f := &forwarder{out: make(chan int), tally: make(chan int)}
	f.active++
	go f.run(ctx, in)
	go f.count(ctx, in)
	return f
}

func (f *forwarder) run(ctx context.Context, in <-chan int) {
	for v := range in {
		f.out <- v // want `send on f.out blocks without a case for ctx.Done\(\) \(no fix: returning early would skip f.active--\)`
	}
	f.mu.Lock()
	f.active--
	f.mu.Unlock()
}

func (f *forwarder) count(ctx context.Context, in <-chan int) {
	for v := range in {
		f.tally <- v // want `send on f.tally blocks without a case for ctx.Done\(\)`
		f.mu.Lock()
		f.sent++
		f.mu.Unlock()
	}
}

func (f *forwarder) Active() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active
}
