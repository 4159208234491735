// Package stopcall holds goroutines whose loop returns on a stop flag that an end-of-life
// method sets, but which block first on a send, in a method they call or in their own
// body, that the end-of-life method cannot unblock (moby/moby#51301), and look-alikes
// that stay silent.
package stopcall

import (
	"sync/atomic"
)

type msg struct{ line []byte }

type sink struct{ c chan *msg }

func (s *sink) Log(m *msg) error {
	s.c <- m
	return nil
}

// sinkVia reaches the send through one more call.
func (s *sink) Write(m *msg) { _ = s.Log(m) }

// The generic variant of the ring logger.
type ring[T any] struct {
	buffer chan T
	out    *gsink[T]
	closed atomic.Bool
}

type gsink[T any] struct{ c chan T }

func (s *gsink[T]) Log(v T) { s.c <- v }

func newRing[T any](out *gsink[T]) *ring[T] {
	r := &ring[T]{buffer: make(chan T, 8), out: out}
	go r.run()
	return r
}

func (r *ring[T]) run() {
	for {
		if r.closed.Load() {
			return
		}
		v, ok := <-r.buffer
		if !ok {
			return
		}
		r.out.Log(v) // want `run returns when r.closed is set, which Close does, but it blocks in gsink.Log on s.c <- v, where the flag cannot reach it: nothing Close does unblocks that send .*no fix: the send is in gsink.Log`
	}
}

func (r *ring[T]) Close() {
	r.closed.Store(true)
	close(r.buffer)
}

// Two levels down, an int32 flag set by StopAll.
type pump struct {
	in   chan *msg
	out  *sink
	stop int32
}

func newPump(out *sink) *pump {
	p := &pump{in: make(chan *msg), out: out}
	go p.loop()
	return p
}

func (p *pump) loop() {
	for m := range p.in {
		if atomic.LoadInt32(&p.stop) != 0 {
			return
		}
		p.out.Write(m) // want `loop returns when p.stop is set, which StopAll does, but it blocks in sink.Log on s.c <- m, where the flag cannot reach it`
	}
}

func (p *pump) StopAll() { atomic.StoreInt32(&p.stop, 1) }

// ---------------------------------------------------------------------------------------
// Look-alikes.
// ---------------------------------------------------------------------------------------

// Close also closes the channel of the send's receiver side: it acts on it.
type closer struct {
	buffer chan *msg
	out    *sink
	closed atomic.Bool
}

func newCloser(out *sink) *closer {
	r := &closer{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *closer) run() {
	for {
		if r.closed.Load() {
			return
		}
		r.out.Log(<-r.buffer)
	}
}

func (r *closer) Close() {
	r.closed.Store(true)
	close(r.out.c)
}

// The callee selects on a done channel that Close closes.
type selSink struct {
	c    chan *msg
	done chan struct{}
}

func (s *selSink) Log(m *msg) {
	select {
	case s.c <- m:
	case <-s.done:
	}
}

type selRing struct {
	buffer chan *msg
	out    *selSink
	closed atomic.Bool
}

func newSelRing(out *selSink) *selRing {
	r := &selRing{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *selRing) run() {
	for {
		if r.closed.Load() {
			return
		}
		r.out.Log(<-r.buffer)
	}
}

func (r *selRing) Close() {
	r.closed.Store(true)
	close(r.out.done)
}

// The flag is set by a method that does not end the type's life.
type pauser struct {
	buffer chan *msg
	out    *sink
	paused atomic.Bool
}

func newPauser(out *sink) *pauser {
	r := &pauser{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *pauser) run() {
	for {
		if r.paused.Load() {
			return
		}
		r.out.Log(<-r.buffer)
	}
}

func (r *pauser) Pause() { r.paused.Store(true) }

// The callee sends on a buffered channel.
type bufSink struct{ c chan *msg }

func newBufSink() *bufSink { return &bufSink{c: make(chan *msg, 64)} }

func (s *bufSink) Log(m *msg) { s.c <- m }

type bufRing struct {
	buffer chan *msg
	out    *bufSink
	closed atomic.Bool
}

func newBufRing(out *bufSink) *bufRing {
	r := &bufRing{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *bufRing) run() {
	for {
		if r.closed.Load() {
			return
		}
		r.out.Log(<-r.buffer)
	}
}

func (r *bufRing) Close() { r.closed.Store(true) }

// The flag read leads to no return.
type counter struct {
	buffer  chan *msg
	out     *sink
	closed  atomic.Bool
	dropped int
}

func newCounter(out *sink) *counter {
	r := &counter{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *counter) run() {
	for m := range r.buffer {
		if r.closed.Load() {
			r.dropped++
		}
		r.out.Log(m)
	}
}

func (r *counter) Close() { r.closed.Store(true) }

// The goroutine itself receives from the channel it sends on (a ring that re-queues).
type requeue struct {
	buffer chan *msg
	closed atomic.Bool
}

func newRequeue() *requeue {
	r := &requeue{buffer: make(chan *msg)}
	go r.run()
	return r
}

func (r *requeue) run() {
	for {
		if r.closed.Load() {
			return
		}
		m := <-r.buffer
		r.put(m)
	}
}

func (r *requeue) put(m *msg) { r.buffer <- m }

func (r *requeue) Close() { r.closed.Store(true) }

// The flag is stored false: Close does not stop the goroutine.
type reopen struct {
	buffer chan *msg
	out    *sink
	closed atomic.Bool
}

func newReopen(out *sink) *reopen {
	r := &reopen{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *reopen) run() {
	for {
		if r.closed.Load() {
			return
		}
		r.out.Log(<-r.buffer)
	}
}

func (r *reopen) Close() { r.closed.Store(false) }

// The channel's receiver is in view: a consumer of the package that ranges over it for
// good, so the send does not block for ever.
type drained struct{ c chan *msg }

func newDrained(handle func(*msg)) *drained {
	d := &drained{c: make(chan *msg)}
	go func() {
		for m := range d.c {
			handle(m)
		}
	}()
	return d
}

func (d *drained) Log(m *msg) { d.c <- m }

type drainRing struct {
	buffer chan *msg
	out    *drained
	closed atomic.Bool
}

func newDrainRing(out *drained) *drainRing {
	r := &drainRing{buffer: make(chan *msg, 8), out: out}
	go r.run()
	return r
}

func (r *drainRing) run() {
	for {
		if r.closed.Load() {
			return
		}
		r.out.Log(<-r.buffer)
	}
}

func (r *drainRing) Close() { r.closed.Store(true) }

// A literal whose spawner sets the flag on its way out, as in stopflag, but whose send is
// in a method it calls.
func Forward(out *sink, next func() *msg, wait func()) {
	var stop atomic.Bool
	defer stop.Store(true)
	go func() {
		for {
			if stop.Load() {
				return
			}
			out.Log(next()) // want `the goroutine returns when stop is set, which Forward does when it returns, but it blocks in sink.Log on s.c <- m, where the flag cannot reach it: nothing Forward does unblocks that send`
		}
	}()
	wait()
}
