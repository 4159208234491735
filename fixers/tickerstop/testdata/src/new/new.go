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
