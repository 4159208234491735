//go:build go1.22

// Package after holds the shapes of time.After in a loop's select that the fix handles
// (a timer of the iteration, stopped by the other cases) and those it refuses.
package after

import (
	"context"
	"log"
	"time"
)

// batcher flushes when no message came for a while (a debounce): each iteration's timer
// must start when the select is entered, as time.After's does, so the fix keeps one timer
// per iteration and only frees the ones that lose.
func batcher(ctx context.Context, in <-chan string, quiet time.Duration, flush func([]string)) {
	var buf []string
	for {
		// Wait for the next message, or for quiet.
		select {
		case s := <-in:
			buf = append(buf, s)
		case <-time.After(quiet): // want `time.After in a loop's select makes a timer per iteration`
			flush(buf)
			buf = nil
		case <-ctx.Done():
			return
		}
	}
}

// withDefault: a default case wins at once and leaves the timer behind; it stops it too.
func withDefault(in <-chan int, d time.Duration, work func()) {
	for i := 0; i < 1000; i++ {
		select {
		case v, ok := <-in:
			if !ok {
				return
			}
			log.Println(v)
		case at := <-time.After(d): // want `time.After in a loop's select`
			log.Println("idle at", at)
		default:
			work()
		}
	}
}

// labelled: the select has a label and sits in an if; the timer is declared before the
// labelled statement, and timer is taken, so the fix names it timeout.
func labelled(ctx context.Context, in <-chan int, d time.Duration, timer *time.Timer) {
outer:
	for {
		if ctx.Err() == nil {
		sel:
			select {
			case v := <-in:
				if v < 0 {
					break sel
				}
				if v == 0 {
					break outer
				}
			case <-time.After(d): // want `time.After in a loop's select`
				timer.Reset(d)
			}
		}
	}
}

// callFirst: the duration calls a function, but no case before it does.
func callFirst(next func() time.Duration, in <-chan int) {
	for {
		select {
		case <-time.After(next()): // want `time.After in a loop's select`
		case <-in:
		}
	}
}

// ---- reported without a fix ----

// twoTimers has two time.After in one select.
func twoTimers(in <-chan int, short, long time.Duration) {
	for {
		select {
		case <-in:
		case <-time.After(short): // want `time.After in a loop's select.*no fix: the select makes more than one time.After timer`
		case <-time.After(long): // want `time.After in a loop's select.*no fix: the select makes more than one time.After timer`
			return
		}
	}
}

// backoff calls a function for the duration, and an earlier case calls one for its
// channel: moving the duration before the select would swap the two calls.
func backoff(next func() time.Duration, events func() <-chan int) {
	for {
		select {
		case <-events():
		case <-time.After(next()): // want `no fix: the duration and an earlier case both call functions`
			return
		}
	}
}

// jumps has a goto that a new variable could be jumped over by.
func jumps(in <-chan int, d time.Duration) {
	n := 0
again:
	for {
		select {
		case <-in:
			n++
			if n > 3 {
				goto again
			}
		case <-time.After(d): // want `no fix: the function has a goto, which could jump over the new variable`
		}
	}
}

// ---- not reported ----

// stopped: the loop already keeps one timer and resets it.
func stopped(in <-chan int, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-in:
			if !t.Stop() {
				<-t.C
			}
			t.Reset(d)
		case <-t.C:
			return
		}
	}
}
