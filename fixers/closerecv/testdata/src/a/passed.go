package a

import (
	"context"
	"sync"
)

// Sends on a parameter, tied to the argument of the call or go statement that passes the
// channel (ObolNetwork/charon#3054, hashicorp/vault#24428).

// ---- reported ----

type prober struct {
	probe func(ctx context.Context, host string) (int, error)
}

// go p.probeLoop(ctx, h, out): the goroutines send on their parameter out, which is
// loop's results (charon's testpeers).
func (p *prober) probeLoop(ctx context.Context, host string, out chan<- int) {
	for {
		rtt, err := p.probe(ctx, host)
		if err != nil {
			return
		}
		select {
		case out <- rtt:
		case <-ctx.Done():
			return
		}
	}
}

func (p *prober) loop(ctx context.Context, hosts []string) []int {
	results := make(chan int)
	for _, h := range hosts {
		go p.probeLoop(ctx, h, results)
	}
	var rtts []int
	for {
		select {
		case r := <-results:
			rtts = append(rtts, r)
		case <-ctx.Done():
			close(results) // want `channel results is closed by a function that only receives from it while others send on it`
			return rtts
		}
	}
}

// A goroutine literal calls a method that sends on its parameter (vault's
// reportResults), through one more call: emit passes the channel on to put.
type reporter struct {
	check func(string) error
}

func (r *reporter) put(ch chan<- error, err error) { ch <- err }

func (r *reporter) emit(ch chan<- error, target string) { r.put(ch, r.check(target)) }

func (r *reporter) run(ctx context.Context, targets []string) []error {
	errs := make(chan error)
	defer close(errs) // want `channel errs is closed by a function that only receives from it while others send on it`
	for _, t := range targets {
		go func() {
			r.emit(errs, t)
		}()
	}
	var out []error
	for range targets {
		select {
		case err := <-errs:
			out = append(out, err)
		case <-ctx.Done():
			return out
		}
	}
	return out
}

// A struct field passed to the goroutine.
type watcher struct {
	events chan string
	next   func() (string, bool)
}

func pump(next func() (string, bool), events chan string) {
	for {
		e, ok := next()
		if !ok {
			return
		}
		events <- e
	}
}

func (w *watcher) watch(stop <-chan struct{}) {
	go pump(w.next, w.events)
	for {
		select {
		case e := <-w.events:
			_ = e
		case <-stop:
			close(w.events) // want `channel events is closed by a function that only receives from it while others send on it`
			return
		}
	}
}

// ---- not reported ----

// The closer sends itself, through a helper it calls: it is a sender.
func offer(ch chan int, v int) { ch <- v }

func selfFed() int {
	ch := make(chan int, 1)
	offer(ch, 1)
	v := <-ch
	close(ch)
	return v
}

// Wait for the workers that send through their parameter, then close, then drain.
func workers(jobs []int, work func(int) int) []int {
	results := make(chan int, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			offer(results, work(j))
		}()
	}
	wg.Wait()
	close(results)
	var out []int
	for v := range results {
		out = append(out, v)
	}
	return out
}

// The only send, by a goroutine that gets the channel as an argument, is received just
// before the close.
func computeInto(ctx context.Context, f func(context.Context) int, out chan<- int) {
	out <- f(ctx)
}

func computeOnce(ctx context.Context, f func(context.Context) int) int {
	out := make(chan int)
	go computeInto(ctx, f, out)
	v := <-out
	close(out)
	return v
}

// The helper that sends holds the subscriber's mutex and tests its closed flag, which
// the closer sets under that mutex before it closes (net/http's wantConn, through a
// call).
type subFeed struct {
	mu     sync.Mutex
	closed bool
	ch     chan string
}

func (f *subFeed) deliver(ch chan string, m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	select {
	case ch <- m:
	default:
	}
}

func (f *subFeed) publish(m string) { go f.deliver(f.ch, m) }

func (f *subFeed) wait(ctx context.Context) (string, error) {
	select {
	case m := <-f.ch:
		return m, nil
	case <-ctx.Done():
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.ch)
	}
	return "", ctx.Err()
}

// The helper recovers from the panic of a send after the close.
func trySend(ch chan int, v int) {
	defer func() { _ = recover() }()
	ch <- v
}

func bestEffort(ctx context.Context, vals []int) int {
	ch := make(chan int)
	for _, v := range vals {
		go trySend(ch, v)
	}
	defer close(ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// The closer joins the goroutine that sends through a helper, by the done channel it
// closes when it returns.
func readLines(ctx context.Context, next func(context.Context) (string, bool), lines chan<- string) {
	for {
		l, ok := next(ctx)
		if !ok {
			return
		}
		select {
		case lines <- l:
		case <-ctx.Done():
			return
		}
	}
}

func head(ctx context.Context, next func(context.Context) (string, bool), n int) []string {
	ctx, cancel := context.WithCancel(ctx)
	lines := make(chan string)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		readLines(ctx, next, lines)
	}()
	var out []string
	for len(out) < n {
		select {
		case l := <-lines:
			out = append(out, l)
		case <-stopped:
			cancel()
			return out
		}
	}
	cancel()
	<-stopped
	close(lines)
	return out
}

// The helper assigns its parameter before it sends: the send is not on the argument.
func relay(ch chan int, own bool) {
	if own {
		ch = make(chan int, 1)
	}
	ch <- 1
}

func relayed(ctx context.Context) {
	ch := make(chan int)
	go relay(ch, true)
	select {
	case <-ch:
	case <-ctx.Done():
	}
	close(ch)
}
