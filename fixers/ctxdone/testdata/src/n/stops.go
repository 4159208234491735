package n

import "time"

// Stop channels in fields that an assignment sets: while the value is built, or by the
// method that then starts the goroutine (ethersphere/bee#1456's flip-flop detector,
// whose constructor sets quit after the literal).

type detector struct {
	in   chan struct{}
	out  chan struct{}
	quit chan struct{}
	wait time.Duration
}

func newDetector(wait time.Duration) *detector {
	d := &detector{in: make(chan struct{}), out: make(chan struct{}), wait: wait}
	d.quit = make(chan struct{})
	go d.worker()
	return d
}

func (d *detector) worker() {
	var timer <-chan time.Time
	for {
		select {
		case <-d.in:
			timer = time.After(d.wait)
		case <-timer:
			d.out <- struct{}{} // want `send on d.out blocks without a case for d.quit`
		case <-d.quit:
			return
		}
	}
}

func (d *detector) Out() <-chan struct{} { return d.out }

func (d *detector) Close() { close(d.quit) }

// poller's Start makes the stop channel, then starts the goroutine, which already
// selects on it.
type poller struct {
	stop chan struct{}
	tick *time.Ticker
	out  chan int
}

func (p *poller) Start(poll func() int) {
	p.stop = make(chan struct{})
	go p.run(poll)
}

func (p *poller) run(poll func() int) {
	for {
		select {
		case <-p.stop:
			return
		case <-p.tick.C:
		}
		p.out <- poll() // want `send on p.out blocks without a case for p.stop`
	}
}

func (p *poller) Out() <-chan int { return p.out }

func (p *poller) Stop() { close(p.stop) }

// Look-alikes.

// blind's Start makes the stop channel, but the goroutine never looks at it: a second
// Start would set it while the first goroutine reads it.
type blind struct {
	stop chan struct{}
	in   chan int
	out  chan int
}

func (b *blind) Start() {
	b.stop = make(chan struct{})
	go b.run()
}

func (b *blind) run() {
	for v := range b.in {
		b.out <- v
	}
}

func (b *blind) Out() <-chan int { return b.out }

func (b *blind) Stop() { close(b.stop) }

// renewed sets its stop channel again in Reset, while the goroutine may read it.
type renewed struct {
	stop chan struct{}
	in   chan int
	out  chan int
}

func newRenewed() *renewed {
	r := &renewed{in: make(chan int), out: make(chan int)}
	r.stop = make(chan struct{})
	go r.run()
	return r
}

func (r *renewed) Reset() {
	close(r.stop)
	r.stop = make(chan struct{})
}

func (r *renewed) run() {
	for {
		select {
		case <-r.stop:
			return
		case v := <-r.in:
			r.out <- v
		}
	}
}

func (r *renewed) Out() <-chan int { return r.out }
