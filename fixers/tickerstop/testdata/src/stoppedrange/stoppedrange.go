// Package stoppedrange holds ranges over a ticker's channel that another function stops:
// Stop does not close the channel, in any Go version, so the loop waits forever.
package stoppedrange

import (
	"sync"
	"time"
)

// checker keeps its tickers in a map; Stop stops them all, and each runner's range
// never ends (the shape of InVisionApp/go-health#35).
type checker struct {
	mu      sync.Mutex
	tickers map[string]*time.Ticker
}

func (c *checker) start(name string, d time.Duration, check func()) {
	t := time.NewTicker(d)
	c.mu.Lock()
	c.tickers[name] = t
	c.mu.Unlock()
	go func() {
		for range t.C { // want `range over t.C never ends: Stop \(in Stop\) does not close the channel, so the loop waits forever once the ticker is stopped`
			check()
		}
	}()
}

func (c *checker) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tickers {
		t.Stop()
	}
}

// beacon keeps its ticker in a field; Close stops it.
type beacon struct{ t *time.Ticker }

func newBeacon(d time.Duration, beat func()) *beacon {
	b := &beacon{t: time.NewTicker(d)}
	go b.run(beat)
	return b
}

func (b *beacon) run(beat func()) {
	for range b.t.C { // want `range over b.t.C never ends: Stop \(in Close\)`
		beat()
	}
}

func (b *beacon) Close() { b.t.Stop() }

// heartbeat returns a stop function that stops the ticker its goroutine ranges over.
func heartbeat(d time.Duration, beat func()) (stop func()) {
	t := time.NewTicker(d)
	go func() {
		for range t.C { // want `range over t.C never ends: Stop \(in a function literal\)`
			beat()
		}
	}()
	return func() { t.Stop() }
}

// ---- not reported ----

// selfStopped: the loop's own function stops the ticker, after leaving the loop.
func selfStopped(d time.Duration, more func() bool) {
	t := time.NewTicker(d)
	for range t.C {
		if !more() {
			break
		}
	}
	t.Stop()
}

// neverStopped: the range lives as long as the program, and nothing pretends to end it.
func neverStopped(d time.Duration, beat func()) {
	t := time.NewTicker(d)
	go func() {
		for range t.C {
			beat()
		}
	}()
}

// pausable: Pause stops the ticker and Resume resets it: the range goes on.
type pausable struct{ t *time.Ticker }

func (p *pausable) run(beat func()) {
	for range p.t.C {
		beat()
	}
}

func (p *pausable) Pause()                 { p.t.Stop() }
func (p *pausable) Resume(d time.Duration) { p.t.Reset(d) }

// selected: the loop selects on a stop channel too; not a range.
type selected struct {
	t    *time.Ticker
	quit chan struct{}
}

func (s *selected) run(beat func()) {
	for {
		select {
		case <-s.t.C:
			beat()
		case <-s.quit:
			return
		}
	}
}

func (s *selected) Close() {
	s.t.Stop()
	close(s.quit)
}
