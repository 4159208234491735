package breaks

import (
	"context"
	"sync"
	"time"
)

// Breaks that leave only the select of a case on a channel that stays ready once it is
// closed (staticcheck SA4011): after the close the loop spins on it forever.

// DataDog/datadog-agent#47044: the cleanup goroutine's Done case breaks the select.
func cleanup(ctx context.Context, interval time.Duration, sweep func()) {
	ticker := time.NewTicker(interval)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				sweep()
			case <-ctx.Done():
				break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
			}
		}
	}()
}

// gocraft/health#8 (bugsnag sink): a stop channel that Stop closes and nobody sends on;
// upstream labelled the loop. Statements before the break run once, as before.
type sink struct {
	cmds chan string
	done chan struct{}
	sent []string
}

func (s *sink) loop() {
	cmds, done := s.cmds, s.done
	for {
		select {
		case cmd := <-cmds:
			s.sent = append(s.sent, cmd)
		case <-done:
			s.sent = nil
			break // want `break in the done case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

func (s *sink) Start() { go s.loop() }
func (s *sink) Stop()  { close(s.done) }

// The loop already has a label: it is reused.
func labelled(ctx context.Context, in <-chan int, out func(int)) {
recv:
	for {
		select {
		case v := <-in:
			if v < 0 {
				continue recv
			}
			out(v)
		case <-ctx.Done():
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

// A context held in a field, a Done channel in a variable, and a label name that is
// taken: the loop gets another.
type watcher struct {
	ctx context.Context
	mu  sync.Mutex
	n   int
}

func (w *watcher) run(events <-chan int) {
	done := w.ctx.Done()
	if w.n < 0 {
		goto loop
	}
	w.n = 0
loop:
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
	for {
		select {
		case e := <-events:
			w.mu.Lock()
			w.n += e
			w.mu.Unlock()
		case <-done:
			break // want `break in the done case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

func (w *watcher) runField(events <-chan int) {
	// Count events until the watcher's context ends.
	for {
		select {
		case e := <-events:
			w.n += e
		case <-w.ctx.Done():
			break // want `break in the w.ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

// buildbuddy-io/buildbuddy#6266 (copy_on_write): a loop with a condition goes on after
// the context is done, starting work for every remaining chunk; upstream made the break
// leave the loop.
func chunks(ctx context.Context, total, size int64, start func(off int64)) {
	for off := int64(0); off < total; off += size {
		select {
		case <-ctx.Done():
			// One goroutine failed: exit the for loop.
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop goes on with the closed channel ready`
		default:
		}
		start(off)
	}
}

// A range over a slice: the same.
func each(ctx context.Context, items []string, out chan<- string) {
	for _, it := range items {
		select {
		case out <- it:
		case <-ctx.Done():
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop goes on with the closed channel ready`
		}
	}
}

// A context type of the package that implements context.Context.
type reqCtx struct {
	parent context.Context
	id     string
}

func (rc *reqCtx) Deadline() (time.Time, bool) { return rc.parent.Deadline() }
func (rc *reqCtx) Done() <-chan struct{}       { return rc.parent.Done() }
func (rc *reqCtx) Err() error                  { return rc.parent.Err() }
func (rc *reqCtx) Value(key any) any           { return rc.parent.Value(key) }

func serve(rc *reqCtx, jobs <-chan func()) {
	for {
		select {
		case j := <-jobs:
			j()
		case <-rc.Done():
			break // want `break in the rc.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

// Two selects of one loop: one finding, one fix for both.
func twice(ctx context.Context, a, b <-chan int, sum *int) {
	for {
		select {
		case v := <-a:
			*sum += v
		case <-ctx.Done():
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
		}
		select {
		case v := <-b:
			*sum -= v
		case <-ctx.Done():
			break
		}
	}
}

// Two loops of one function: two labels.
func two(ctx context.Context, a, b <-chan int, sum *int) {
	go func() {
		for {
			select {
			case v := <-a:
				*sum += v
			case <-ctx.Done():
				break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
			}
		}
	}()
	for {
		select {
		case v := <-b:
			*sum -= v
		case <-ctx.Done():
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

// A local stop channel that a goroutine of the function closes.
func local(in <-chan int, d time.Duration, out func(int)) {
	done := make(chan struct{})
	go func() {
		time.Sleep(d)
		close(done)
	}()
	for {
		select {
		case v := <-in:
			out(v)
		case <-done:
			break // want `break in the done case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

// A loop that also breaks on its own: leaving it at the close goes where that break
// goes.
func batches(ctx context.Context, next func() ([]int, bool), out chan<- []int) {
	for {
		b, more := next()
		if !more {
			break
		}
		select {
		case out <- b:
		case <-ctx.Done():
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop goes on with the closed channel ready`
		}
	}
}

// Reported without a fix.

// A range over a channel: leaving it would stop draining in.
func forward(ctx context.Context, in <-chan int, out chan<- int) {
	for v := range in {
		select {
		case out <- v:
		case <-ctx.Done():
			break // want `break in the ctx.Done\(\) case leaves only the select: the loop goes on with the closed channel ready \(no fix: leaving the loop would stop draining in: its senders could block\)`
		}
	}
}

// kubernetes/kubernetes#141243 (DRA converting watch): after Stop the loop goes on
// converting and dropping upstream events, and never reaches the deferred close; but
// leaving it would also stop draining the upstream channel, whose sender may then block.
type convWatch struct {
	stopChan   chan struct{}
	resultChan chan int
}

func (w *convWatch) Stop() { close(w.stopChan) }

func (w *convWatch) run(upstream <-chan int, convert func(int) int) {
	defer close(w.resultChan)
	for {
		e, ok := <-upstream
		if !ok {
			break
		}
		e = convert(e)
		// This must not get blocked when the consumer stops reading, hence the stopChan.
		select {
		case w.resultChan <- e:
		case <-w.stopChan:
			break // want `break in the w.stopChan case leaves only the select: the loop goes on with the closed channel ready \(no fix: leaving the loop would stop draining upstream: its senders could block\)`
		}
	}
}

// The select is inside a switch of the loop.
func states(ctx context.Context, state func() int, tick <-chan time.Time) {
	for {
		switch state() {
		case 1:
			select {
			case <-tick:
			case <-ctx.Done():
				break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever \(no fix: the select is inside a switch of the loop: the break may be meant to leave it\)`
			}
		}
	}
}

// Look-alikes: left alone.

// A ticker's channel is not closed: the loop goes on at the next tick, as meant.
func ticks(ctx context.Context, t *time.Ticker, work func()) {
	for {
		select {
		case <-t.C:
			break
		case <-ctx.Done():
			return
		}
		work()
	}
}

// A break in an if of the case leaves the rest of the case: on purpose.
func partial(ctx context.Context, in <-chan int, flush func() bool) {
	for {
		select {
		case <-in:
		case <-ctx.Done():
			if !flush() {
				break
			}
			flush()
		}
	}
}

// Already labelled.
func done(ctx context.Context, in <-chan int) (n int) {
outer:
	for {
		select {
		case v := <-in:
			n += v
		case <-ctx.Done():
			break outer
		}
	}
	return n
}

// A select outside loops: the break ends it, as written.
func once(ctx context.Context, in <-chan int) int {
	select {
	case v := <-in:
		return v
	case <-ctx.Done():
		break
	}
	return 0
}

// go-admin-team/go-admin-core#128: the top of the loop leaves it; the label would skip
// that exit's own path (here, the return of ctx.Err()).
func checked(ctx context.Context, in <-chan int) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case <-in:
		case <-ctx.Done():
			break
		}
	}
}

// v, ok := <-ch tells a close from a value: a different shape.
func values(in <-chan int, out func(int)) {
	for {
		select {
		case v, ok := <-in:
			if !ok {
				in = nil
				break
			}
			out(v)
		}
	}
}

// A stop channel that is also sent on: a value, not a close, makes the case ready.
type pinger struct{ quit chan struct{} }

func (p *pinger) run(tick <-chan time.Time) {
	for {
		select {
		case <-tick:
		case <-p.quit:
			break
		}
	}
}

func (p *pinger) Pause() { p.quit <- struct{}{} }
func (p *pinger) Stop()  { close(p.quit) }

// The case disables itself: done = nil.
func disable(ctx context.Context, in <-chan int, out func(int)) {
	done := ctx.Done()
	for {
		select {
		case v := <-in:
			out(v)
		case <-done:
			done = nil
			break
		}
	}
}

// The context is reset in the loop.
func restart(parent context.Context, in <-chan int, d time.Duration) {
	ctx, cancel := context.WithTimeout(parent, d)
	defer func() { cancel() }()
	for {
		select {
		case <-in:
		case <-ctx.Done():
			cancel()
			ctx, cancel = context.WithTimeout(parent, d)
			break
		}
	}
}

// Closed only by the loop's own function, once it returns: the case never fires while
// the loop runs.
func own(in <-chan int, out func(int)) {
	quit := make(chan struct{})
	defer close(quit)
	for {
		select {
		case v := <-in:
			out(v)
		case <-quit:
			break
		}
	}
}

// The case sets what the loop's condition reads: the condition ends the loop, and the
// break is only redundant (pb33f/libopenapi's find_component_test.go).
func flagged(ctx context.Context, done <-chan struct{}, check func()) {
	complete := false
	for !complete {
		select {
		case <-ctx.Done():
			complete = true
			break
		case <-done:
			check()
			complete = true
		}
	}
}

// The condition reads the context of the case.
func whileLive(ctx context.Context, in <-chan int, out func(int)) {
	for ctx.Err() == nil {
		select {
		case v := <-in:
			out(v)
		case <-ctx.Done():
			break
		}
	}
}

// starter's Start makes the stop channel just before it starts the loop: the loop sees
// one channel for its whole run, and the break is fixed.
type starter struct {
	stop chan struct{}
	jobs chan func()
}

func (s *starter) Start() {
	s.stop = make(chan struct{})
	go s.run()
}

func (s *starter) Stop() { close(s.stop) }

func (s *starter) run() {
	for {
		select {
		case j := <-s.jobs:
			j()
		case <-s.stop:
			break // want `break in the s.stop case leaves only the select: the loop spins on the closed channel forever`
		}
	}
}

// reconnecting's Reconnect closes the channel and puts a fresh one in its place while
// the loop runs: the loop's next round waits on the new channel, so the break may be meant.
type reconnecting struct {
	closed chan struct{}
	in     chan int
}

func (r *reconnecting) Reconnect() {
	close(r.closed)
	r.closed = make(chan struct{})
}

func (r *reconnecting) loop(handle func(int)) {
	for {
		select {
		case <-r.closed:
			break
		case v := <-r.in:
			handle(v)
		}
	}
}
