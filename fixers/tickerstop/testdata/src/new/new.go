//go:build go1.23

package new

import (
	"context"
	"time"
)

// Since Go 1.23 unstopped tickers and timers are collected: nothing to report.
func poll(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d)
	for {
		select {
		case <-t.C:
			f()
		case <-time.After(time.Second):
		case <-ctx.Done():
			return
		}
	}
}

func tick(ctx context.Context) {
	for range time.Tick(time.Second) {
		if ctx.Err() != nil {
			return
		}
	}
}

// A ticker kept in a field and never stopped is collected too since Go 1.23.
type poller struct {
	ticker *time.Ticker
	done   chan struct{}
}

func newPoller(d time.Duration) *poller {
	p := &poller{ticker: time.NewTicker(d), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *poller) run() {
	for {
		select {
		case <-p.ticker.C:
		case <-p.done:
			return
		}
	}
}
