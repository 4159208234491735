package a

import "sync"

// Closes made safe by a mutex and a closed flag, or by sync.Once: not receiver-side
// close bugs. Modelled on net/http's wantConn (transport.go: cancel closes w.result
// under w.mu unless w.done is set; tryDeliver sends only under w.mu while !w.done), a
// false positive of this analyzer on GOROOT.

type result struct{ v int }

type want struct {
	mu     sync.Mutex
	done   bool
	result chan result
}

// deliver is the only sender: under mu, and only while !done.
func (w *want) deliver(v int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.done = true
	w.result <- result{v}
	close(w.result)
	return true
}

// cancel receives a delivered result, or closes the channel for good.
func (w *want) cancel() int {
	w.mu.Lock()
	v := 0
	if w.done {
		if r, ok := <-w.result; ok {
			v = r.v
		}
	} else {
		close(w.result)
	}
	w.done = true
	w.mu.Unlock()
	return v
}

// A subscription whose Close may run on the receiving side, once.
type sub struct {
	once sync.Once
	ch   chan int
}

func (s *sub) publish(v int) { s.ch <- v }

func (s *sub) next() (int, bool) {
	v, ok := <-s.ch
	if v < 0 {
		s.once.Do(func() { close(s.ch) })
	}
	return v, ok
}

// Look-alikes that are still receiver-side closes.

// The sender does not check the flag: a send after the close panics.
type leaky struct {
	mu     sync.Mutex
	closed bool
	ch     chan int
}

func (l *leaky) send(v int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ch <- v
}

func (l *leaky) drain() {
	l.mu.Lock()
	defer l.mu.Unlock()
	<-l.ch
	if !l.closed {
		l.closed = true
		close(l.ch) // want `channel ch is closed by a function that only receives`
	}
}

// The flag is checked, but the lock is released before the close.
type early struct {
	mu     sync.Mutex
	closed bool
	ch     chan int
}

func (e *early) send(v int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		e.ch <- v
	}
}

func (e *early) drain() {
	<-e.ch
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()
	close(e.ch) // want `channel ch is closed by a function that only receives`
}

// Every sender recovers the panic of a send after the close (go-redis's
// StickyConnPool: Put and Remove defer a recover around p.ch <- cn, Close closes p.ch
// and drains it).
type sticky struct{ ch chan int }

func (p *sticky) put(v int) {
	defer func() {
		if recover() != nil {
			_ = v // the pool is closed: drop it
		}
	}()
	p.ch <- v
}

func (p *sticky) close() {
	close(p.ch)
	if v, ok := <-p.ch; ok {
		_ = v
	}
}

// Look-alike: one sender does not recover.
type sticky2 struct{ ch chan int }

func (p *sticky2) put(v int) {
	defer func() { recover() }()
	p.ch <- v
}

func (p *sticky2) remove(v int) { p.ch <- v }

func (p *sticky2) close() {
	<-p.ch
	close(p.ch) // want `channel ch is closed by a function that only receives`
}

// The one goroutine's one send has been received before the close, and the closer
// waits for a WaitGroup through a goroutine (go-redis's commands_test and
// autopipeline tests).
func startedOnce(work func()) {
	started := make(chan bool)
	go func() {
		started <- true
		work()
	}()
	<-started
	work()
	close(started)
}

func waitedThrough(n int) {
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- nil
		}()
	}
	waited := make(chan struct{})
	go func() { wg.Wait(); close(waited) }()
	<-waited
	close(errs)
	for range errs {
	}
}

// Look-alike: the receive is in a branch that the path to the close may skip.
func startedMaybe(work func(), wait bool) {
	started := make(chan bool)
	go func() {
		started <- true
		work()
	}()
	if wait {
		<-started
	}
	work()
	close(started) // want `channel started is closed`
}

// fallback is memberlist's probe shape (state.go): the channel is closed on the path where
// the goroutine that sends on it is not started. Not reported.
func fallback(tcp bool, ping func() bool, ack <-chan bool) bool {
	fallbackCh := make(chan bool, 1)
	if tcp {
		go func() {
			fallbackCh <- ping()
		}()
	} else {
		close(fallbackCh)
	}
	select {
	case ok := <-ack:
		return ok
	case ok := <-fallbackCh:
		return ok
	}
}

// startedThenClosed: the close follows the go statement on a path. Reported.
func startedThenClosed(ping func() bool) bool {
	ch := make(chan bool, 1)
	go func() {
		ch <- ping()
	}()
	ok := false
	select {
	case ok = <-ch:
	default:
	}
	close(ch) // want `channel ch is closed by a function that only receives from it while others send on it`
	return ok
}

// bench is nats.go's bench.Benchmark shape: Close ends the value's life, and AddSample
// is documented not to be called after it. Not reported.
type bench struct{ samples chan int }

func (b *bench) AddSample(n int) { b.samples <- n }

func (b *bench) Close() []int {
	close(b.samples)
	var out []int
	for n := range b.samples {
		out = append(out, n)
	}
	return out
}

// notOwner: a Close of another type that closes a channel its owner's methods send on.
// Reported.
type feed struct{ ch chan int }

func (f *feed) Push(n int) { f.ch <- n }

type reader struct{ f *feed }

func (r *reader) Close() {
	select {
	case <-r.f.ch:
	default:
	}
	close(r.f.ch) // want `channel ch is closed by a function that only receives from it while others send on it`
}
