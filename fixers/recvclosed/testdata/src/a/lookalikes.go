package a

import (
	"context"
	"time"
)

// Sentinel exits on the zero value.
func Sentinel(words chan string, use func(string)) {
	for {
		w := <-words
		if w == "" {
			return
		}
		use(w)
	}
}

// Bounded reads a fixed number of values.
func Bounded(vals chan int, n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-vals
	}
	return sum
}

// Checked tests ok.
func Checked(vals chan int, use func(int)) {
	for {
		v, ok := <-vals
		if !ok {
			return
		}
		use(v)
	}
}

// Selects have other cases.
func Selects(ctx context.Context, vals chan int, use func(int)) {
	for {
		select {
		case v := <-vals:
			use(v)
		case <-ctx.Done():
			return
		}
	}
}

// Ranged over the channel.
func Ranged(vals chan int, use func(int)) {
	for v := range vals {
		use(v)
	}
}

// NeverClosed: no close of ticks in the package.
func NeverClosed(ticks chan time.Time, use func(time.Time)) {
	for {
		use(<-ticks)
	}
}

// Nested receives only in a branch.
func Nested(vals chan int, poll bool, use func(int)) {
	for {
		if poll {
			use(<-vals)
		}
	}
}

func closeAll(words chan string, vals chan int) {
	close(words)
	close(vals)
}
