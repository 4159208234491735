package g

import (
	"context"
	"time"
)

func poll() int { return 0 }

// Goroutines that run methods, with channels in fields: the loop has a way out for one
// case, not for the send after its select (the poll loop of many exporters and watchers;
// golang/go#13723, radovskyb/watcher#68: the goroutine blocks on its send after Close).

type poller struct {
	stop chan struct{}
	out  chan int
	tick *time.Ticker
}

func newPoller() *poller {
	p := &poller{stop: make(chan struct{}), out: make(chan int), tick: time.NewTicker(time.Second)}
	go p.run()
	return p
}

// run returns when p.stop is closed, but its send waits for a reader that may be gone.
func (p *poller) run() {
	for {
		select {
		case <-p.stop:
			return
		case <-p.tick.C:
		}
		p.out <- poll() // want `send on p.out blocks without a case for p.stop`
	}
}

func (p *poller) Values() <-chan int { return p.out }

func (p *poller) Close() { close(p.stop) }

type watcher struct {
	events chan string
}

// watch is started with its context: its send in the loop waits for a reader.
func (w *watcher) watch(ctx context.Context, names <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-names:
			w.events <- n // want `send on w.events blocks without a case for ctx.Done\(\)`
		}
	}
}

func (w *watcher) start(ctx context.Context, names <-chan string) { go w.watch(ctx, names) }

// Look-alikes.

// relay has no exit in scope: nothing to select on.
type relay struct{ in, out chan int }

func (r *relay) start() { go r.run() }

func (r *relay) run() {
	for v := range r.in {
		r.out <- v
	}
}

// once sends outside a loop: singlesend's shape, not this one.
func (p *poller) once() { p.out <- poll() }

func (p *poller) startOnce() { go p.once() }

// called is not a goroutine.
func (p *poller) called() {
	for i := 0; i < 3; i++ {
		p.out <- i
	}
}

// pipe closes out after its loop: returning early on stop would skip the close. A
// goroutine's finding with a stop channel is reported only with its fix.
type pipe struct {
	stop    chan struct{}
	in, out chan int
}

func (p *pipe) start() { go p.run() }

func (p *pipe) run() {
	for v := range p.in {
		p.out <- v
	}
	close(p.out)
}

func (p *pipe) Close() { close(p.stop) }

// consume forwards each partition's messages to a printer that ranges over them until
// they are closed (IBM/sarama's kafka-console-consumer): the sends wait only for the
// printer's body, and the printer never leaves first. No finding.
func consume(parts []<-chan string, signals <-chan struct{}) {
	messages := make(chan string)
	closing := make(chan struct{})
	go func() {
		<-signals
		close(closing)
	}()
	for _, part := range parts {
		go func() {
			for m := range part {
				messages <- m
			}
		}()
	}
	go func() {
		for m := range messages {
			println(m)
		}
	}()
}

// consumeUntil's printer stops at "quit": the senders then block.
func consumeUntil(parts []<-chan string, signals <-chan struct{}) {
	messages := make(chan string)
	closing := make(chan struct{})
	go func() {
		<-signals
		close(closing)
	}()
	for _, part := range parts {
		go func() {
			for m := range part {
				messages <- m // want `send on messages blocks without a case for closing`
			}
		}()
	}
	go func() {
		for m := range messages {
			if m == "quit" {
				return
			}
			println(m)
		}
	}()
}
