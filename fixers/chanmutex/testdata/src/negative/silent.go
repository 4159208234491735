package negative

import "time"

// Semaphore: capacity 2.
type pool struct {
	sem chan struct{}
}

func newPool() *pool { return &pool{sem: make(chan struct{}, 2)} }

func (p *pool) do(f func()) {
	p.sem <- struct{}{}
	defer func() { <-p.sem }()
	f()
}

// TryLock gate: used in a select.
type gate struct {
	ch chan struct{}
}

func newGate() *gate { return &gate{ch: make(chan struct{}, 1)} }

func (g *gate) tryDo(f func()) bool {
	select {
	case g.ch <- struct{}{}:
	default:
		return false
	}
	f()
	<-g.ch
	return true
}

// Busy check with len.
type busy struct {
	ch chan struct{}
}

func newBusy() *busy { return &busy{ch: make(chan struct{}, 1)} }

func (b *busy) do(f func()) {
	b.ch <- struct{}{}
	f()
	<-b.ch
}

func (b *busy) busy() bool { return len(b.ch) > 0 }

// cap and close.
func capped() int {
	ch := make(chan int, 1)
	time.Sleep(0)
	ch <- 1
	time.Sleep(0)
	<-ch
	return cap(ch)
}

func closed() {
	ch := make(chan int, 1)
	time.Sleep(0)
	ch <- 1
	time.Sleep(0)
	<-ch
	close(ch)
}

// range.
func rangedOver() {
	ch := make(chan int, 1)
	time.Sleep(0)
	ch <- 1
	time.Sleep(0)
	<-ch
	for range ch {
	}
}

// Passed elsewhere, returned, assigned, sent.
func use(chan struct{}) {}

func passed() {
	ch := make(chan struct{}, 1)
	time.Sleep(0)
	ch <- struct{}{}
	time.Sleep(0)
	<-ch
	use(ch)
}

func returned() chan struct{} {
	ch := make(chan struct{}, 1)
	time.Sleep(0)
	ch <- struct{}{}
	time.Sleep(0)
	<-ch
	return ch
}

func assigned() {
	ch := make(chan struct{}, 1)
	time.Sleep(0)
	ch <- struct{}{}
	time.Sleep(0)
	<-ch
	other := ch
	_ = other
}

func sentItself(out chan chan struct{}) {
	ch := make(chan struct{}, 1)
	time.Sleep(0)
	ch <- struct{}{}
	time.Sleep(0)
	<-ch
	out <- ch
}

// The received value is used.
func valueUsed() int {
	ch := make(chan int, 1)
	time.Sleep(0)
	ch <- 42
	time.Sleep(0)
	v := <-ch
	return v
}

func okUsed() bool {
	ch := make(chan int, 1)
	time.Sleep(0)
	ch <- 42
	time.Sleep(0)
	_, ok := <-ch
	return ok
}

// The sent value has a side effect.
func sideEffect(f func() int) {
	ch := make(chan int, 1)
	time.Sleep(0)
	ch <- f()
	time.Sleep(0)
	<-ch
}

// A signal between goroutines, not a lock.
func signal() {
	done := make(chan struct{}, 1)
	go func() {
		time.Sleep(time.Millisecond)
		done <- struct{}{}
	}()
	<-done
}

// Lock helpers: acquired in one function, released in another.
type helper struct {
	ch chan struct{}
	n  int
}

func newHelper() *helper { return &helper{ch: make(chan struct{}, 1)} }

func (h *helper) lock()   { h.ch <- struct{}{} }
func (h *helper) unlock() { <-h.ch }

func (h *helper) inc() {
	h.lock()
	h.n++
	h.unlock()
}

// Unbuffered.
func unbuffered() {
	ch := make(chan struct{})
	go func() { ch <- struct{}{} }()
	<-ch
}

// Released before acquired in the same function.
func reversed() {
	ch := make(chan struct{}, 1)
	go func() {
		<-ch
		ch <- struct{}{}
	}()
}

// A nil comparison.
type lazy struct {
	ch chan struct{}
}

func (l *lazy) do() {
	if l.ch == nil {
		l.ch = make(chan struct{}, 1)
	}
	l.ch <- struct{}{}
	time.Sleep(0)
	<-l.ch
}

// Directional and named channel types.
type token chan struct{}

type named struct {
	t token
}

func newNamed() *named { return &named{t: make(token, 1)} }

func (n *named) do() {
	n.t <- struct{}{}
	time.Sleep(0)
	<-n.t
}

// Made with a variable capacity.
func variable(n int) {
	ch := make(chan struct{}, n)
	time.Sleep(0)
	ch <- struct{}{}
	time.Sleep(0)
	<-ch
}

// Nothing under the lock: a test of channel operations, not a mutex.
func emptyRegion(run func(func())) {
	c := make(chan int, 1)
	run(func() {
		c <- 1
		<-c
	})
}
