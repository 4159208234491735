//go:build go1.22

// Package fields holds tickers kept in struct fields: read by a goroutine that returns
// when its owner is closed, and never stopped, each ticks forever before Go 1.23 (the
// shape of prep/average#5 and patrickmn/go-cache#23, with the ticker in the type).
package fields

import (
	"log"
	"time"
)

// poller's constructor makes the ticker and starts the only goroutine that reads it;
// Close ends the goroutine and leaves the ticker running.
type poller struct {
	ticker *time.Ticker
	done   chan struct{}
	poll   func()
}

func newPoller(d time.Duration, poll func()) *poller {
	p := &poller{ticker: time.NewTicker(d), done: make(chan struct{}), poll: poll} // want `ticker kept in field ticker is never stopped: before Go 1.23 it ticks forever once its reader returns`
	go p.run()
	return p
}

func (p *poller) run() {
	for {
		select {
		case <-p.ticker.C:
			p.poll()
		case <-p.done:
			return
		}
	}
}

func (p *poller) Close() { close(p.done) }

// reporter stores the ticker in Start, just before it starts the loop; Reset is a use
// that keeps the ticker ours.
type reporter struct {
	tick   *time.Ticker
	stop   chan struct{}
	report func()
}

func (r *reporter) Start(d time.Duration) {
	r.stop = make(chan struct{})
	r.tick = time.NewTicker(d) // want `ticker kept in field tick is never stopped`
	go r.loop(d)
}

func (r *reporter) loop(d time.Duration) {
	for {
		select {
		case <-r.tick.C:
			r.report()
			r.tick.Reset(d)
		case <-r.stop:
			return
		}
	}
}

func (r *reporter) Stop() { close(r.stop) }

// ---- reported without a fix ----

// twoReaders: two methods receive from the ticker.
type twoReaders struct {
	t    *time.Ticker
	quit chan struct{}
}

func newTwoReaders() *twoReaders {
	x := &twoReaders{t: time.NewTicker(time.Second), quit: make(chan struct{})} // want `no fix: more than one function receives from the ticker`
	go x.a()
	go x.b()
	return x
}

func (x *twoReaders) a() {
	for {
		select {
		case <-x.t.C:
		case <-x.quit:
			return
		}
	}
}

func (x *twoReaders) b() {
	<-x.t.C
}

// calledToo: the loop is also called directly, where it would stop the ticker that a
// later goroutine still needs.
type calledToo struct {
	t    *time.Ticker
	quit chan struct{}
}

func newCalledToo() *calledToo {
	c := &calledToo{t: time.NewTicker(time.Second), quit: make(chan struct{})} // want `no fix: the method is not only started by go statements`
	go c.loop()
	return c
}

func (c *calledToo) loop() {
	for {
		select {
		case <-c.t.C:
			log.Println("tick")
		case <-c.quit:
			return
		}
	}
}

func (c *calledToo) runOnce() { c.loop() }

// restarted: Restart starts the loop again on the same ticker.
type restarted struct {
	t    *time.Ticker
	quit chan struct{}
}

func newRestarted() *restarted {
	r := &restarted{t: time.NewTicker(time.Second), quit: make(chan struct{})} // want `no fix: a go statement of the method does not follow a store of a new ticker`
	go r.loop()
	return r
}

func (r *restarted) Restart() {
	r.quit = make(chan struct{})
	go r.loop()
}

func (r *restarted) loop() {
	for {
		select {
		case <-r.t.C:
		case <-r.quit:
			return
		}
	}
}

// ---- not reported ----

// stopped: Close stops the ticker.
type stopped struct {
	t    *time.Ticker
	quit chan struct{}
}

func newStopped() *stopped {
	s := &stopped{t: time.NewTicker(time.Second), quit: make(chan struct{})}
	go s.loop()
	return s
}

func (s *stopped) loop() {
	for {
		select {
		case <-s.t.C:
		case <-s.quit:
			return
		}
	}
}

func (s *stopped) Close() {
	s.t.Stop()
	close(s.quit)
}

// forever: the reader never returns; the ticker lives as long as the program.
type forever struct{ t *time.Ticker }

func newForever(f func()) *forever {
	x := &forever{t: time.NewTicker(time.Second)}
	go x.loop(f)
	return x
}

func (x *forever) loop(f func()) {
	for range x.t.C {
		f()
	}
}

// handedOn: the ticker is given to another function, whose to stop.
type handedOn struct {
	t    *time.Ticker
	quit chan struct{}
}

func newHandedOn(keep func(*time.Ticker)) *handedOn {
	h := &handedOn{t: time.NewTicker(time.Second), quit: make(chan struct{})}
	keep(h.t)
	go h.loop()
	return h
}

func (h *handedOn) loop() {
	for {
		select {
		case <-h.t.C:
		case <-h.quit:
			return
		}
	}
}

// Exported fields are the importer's to stop.
type Public struct {
	Ticker *time.Ticker
	quit   chan struct{}
}

func NewPublic() *Public {
	p := &Public{Ticker: time.NewTicker(time.Second), quit: make(chan struct{})}
	go p.loop()
	return p
}

func (p *Public) loop() {
	for {
		select {
		case <-p.Ticker.C:
		case <-p.quit:
			return
		}
	}
}
