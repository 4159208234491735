package a

import (
	"context"
	"sync"
	"time"
)

// The receiver closes while a producer goroutine may still send.
func consume(ctx context.Context, n int) int {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	sum := 0
	for v := range ch {
		sum += v
		if sum > 100 {
			close(ch) // want `channel ch is closed by a function that only receives from it while others send on it`
			break
		}
	}
	return sum
}

type server struct {
	reqs chan int
	quit chan struct{}
}

func (s *server) Send(v int) { s.reqs <- v }

// The loop that receives the requests closes their channel.
func (s *server) loop() {
	for {
		select {
		case v := <-s.reqs:
			_ = v
		case <-s.quit:
			close(s.reqs) // want `channel reqs is closed by a function that only receives`
			return
		}
	}
}

// A receiving goroutine closes.
func goroutine(ch chan int) {
	go func() {
		<-ch
		close(ch) // want `channel ch is closed`
	}()
	ch <- 1
	ch <- 2 // panics
}

// ---- not reported ----

// The sender closes.
func produce(n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	return ch
}

// Wait for the senders, then close, then drain.
func gather(items []int) []int {
	ch := make(chan int, len(items))
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch <- it * 2
		}()
	}
	wg.Wait()
	close(ch)
	var out []int
	for v := range ch {
		out = append(out, v)
	}
	return out
}

// A closer that neither sends nor receives.
func (s *server) Close() { close(s.quit) }

// Close-once idiom on a channel nobody sends on.
func (s *server) stop() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
}

// A parameter: the senders are not visible.
func drain(ch chan int) {
	<-ch
	close(ch)
}

type advancer struct{ done chan struct{} }

func (a *advancer) start() {
	a.done = make(chan struct{})
	go func() {
		a.done <- struct{}{}
	}()
}

// Receives the one send there is, then closes: the sender is done.
func (a *advancer) stop() {
	<-a.done
	close(a.done)
}

type ticker struct{ c chan int }

func (t *ticker) run() {
	for i := 0; ; i++ {
		t.c <- i
	}
}

// The sender sends in a loop: receiving once proves nothing.
func (t *ticker) stop() {
	<-t.c
	close(t.c) // want `channel c is closed by a function that only receives from it`
}

// A token channel: whoever sends holds the token it received.
type idle struct{ active chan int }

func (l *idle) accept() {
	n := <-l.active
	l.active <- n + 1
}

func (l *idle) close() {
	if _, ok := <-l.active; ok {
		close(l.active)
	}
}

// A close in each case of a select is one finding (client-go's the_real_fifo_test: the
// callback may still send after either close).
func popOne(pop func(func(int))) []int {
	var got []int
	received := make(chan int, 100)
	go pop(func(v int) { received <- v })
	select {
	case <-time.After(time.Millisecond):
		close(received) // want `channel received is closed by a function that only receives from it`
	case v := <-received:
		got = append(got, v)
		close(received)
	}
	return got
}

// The actor closes its queue on the owner's request to stop, which only Close makes
// (prometheus's tsdb/wlog: WL.run closes w.actorc when WL.Close sends on w.stopc). A send
// after Close breaks the type's contract. Not reported.
type wal struct {
	actorc chan func()
	stopc  chan chan struct{}
}

func (w *wal) run() {
	for {
		select {
		case f := <-w.actorc:
			f()
		case donec := <-w.stopc:
			close(w.actorc)
			close(donec)
			return
		}
	}
}

func (w *wal) later(f func()) { w.actorc <- f }

func (w *wal) Close() {
	donec := make(chan struct{})
	w.stopc <- donec
	<-donec
}

// Look-alike: a method that is not the end of the owner's life asks the actor to stop.
type pool struct {
	work  chan func()
	pause chan struct{}
}

func (p *pool) run() {
	for {
		select {
		case f := <-p.work:
			f()
		case <-p.pause:
			close(p.work) // want `channel work is closed by a function that only receives from it`
			return
		}
	}
}

func (p *pool) submit(f func()) { p.work <- f }

func (p *pool) Pause() { p.pause <- struct{}{} }

// A callback whose registration ends before the close: nats-server's monitor tests
// (sub.Unsubscribe(); close(ch)) and pebble's TestTableCacheEvictClose (the event
// listener of a db that is closed first). Not reported.
type msg struct{}

type subscription struct{}

func (s *subscription) Unsubscribe() error { return nil }

type conn struct{}

func (c *conn) Subscribe(subject string, cb func(*msg)) (*subscription, error) {
	return &subscription{}, nil
}

func waitOne(nc *conn) {
	ch := make(chan bool)
	sub, err := nc.Subscribe("inbox", func(*msg) { ch <- true })
	if err != nil {
		return
	}
	<-ch
	sub.Unsubscribe()
	close(ch)
}

type listener struct{ deleted func(error) }

type store struct{}

func (s *store) Close() error { return nil }

func open(l *listener) (*store, error) { return &store{}, nil }

func evict(check func(error)) {
	errs := make(chan error, 10)
	db, err := open(&listener{deleted: func(err error) { errs <- err }})
	if err != nil {
		return
	}
	check(db.Close())
	close(errs)
	for err := range errs {
		check(err)
	}
}

// Look-alike: the close comes before the registration ends.
func waitOneEarly(nc *conn) {
	ch := make(chan bool)
	sub, err := nc.Subscribe("inbox", func(*msg) { ch <- true })
	if err != nil {
		return
	}
	if len(ch) > 0 {
		<-ch
	}
	close(ch) // want `channel ch is closed by a function that only receives from it`
	sub.Unsubscribe()
}

type heartbeat struct{ onRecord func() }

// heartbeatOnce fills the one slot of waitCh, then installs the callback that drains
// and closes it (temporal sdk v1.51.0 internal/activity_test.go,
// TestActivityHeartbeat_WorkerStop): the send is over before the closer exists.
func heartbeatOnce(h *heartbeat) chan struct{} {
	waitCh := make(chan struct{}, 1)
	waitCh <- struct{}{}
	done := make(chan struct{})
	h.onRecord = func() {
		if _, ok := <-waitCh; ok {
			close(waitCh)
			return
		}
		close(done)
	}
	return done
}

// heartbeatLate sends after it installs the closing callback: the callback may close
// first, and the send panics.
func heartbeatLate(h *heartbeat) {
	waitCh := make(chan struct{}, 1)
	h.onRecord = func() {
		if _, ok := <-waitCh; ok {
			close(waitCh) // want `channel waitCh is closed by a function that only receives from it while others send on it`
		}
	}
	waitCh <- struct{}{}
}
