package f

import (
	"context"
	"time"
)

// Where ctx is already done, a case <-ctx.Done() would be ready at once: the select
// would pick it or the send at random, and a deterministic test of the code would become
// flaky (uber/tchannel-go#44, google/trillian#636: "select will randomly select any of the
// available cases"). Such sends get no new Done case.

// reportCancel: the send right after <-ctx.Done().
func reportCancel(ctx context.Context, errc chan<- error) {
	<-ctx.Done()
	errc <- ctx.Err()
}

type worker struct {
	jobs    chan int
	results chan int
	status  chan string
}

// loop: the send inside case <-ctx.Done(): the function handles ctx.Done() with more
// than a return, so the other send is reported without a fix.
func (w *worker) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			w.status <- "stopped"
			return
		case j := <-w.jobs:
			w.results <- j * 2 // want `send on w.results blocks without a case for ctx.Done\(\) \(no fix: the function already handles ctx.Done\(\) with more than a return\)`
		}
	}
}

// publish: the send after ctx.Err() != nil; the send after it is not on that path.
func publish(ctx context.Context, events chan<- string, ev string) error {
	if err := ctx.Err(); err != nil {
		events <- "cancelled: " + err.Error()
		return err
	}
	events <- ev // want `send on events blocks without a case for ctx.Done\(\)`
	return nil
}

// poll: the send after a loop that runs while ctx is not done.
func poll(ctx context.Context, ticks <-chan time.Time, out chan<- string) {
	for ctx.Err() == nil {
		<-ticks
	}
	out <- "done"
}

// derived: a context derived from a done context is done.
func derived(ctx context.Context, out chan<- error) {
	<-ctx.Done()
	sub, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	out <- sub.Err()
}

// Look-alikes: ctx may be live here.

// whileLive: the send runs while ctx.Err() is nil.
func whileLive(ctx context.Context, out chan<- int) {
	if ctx.Err() == nil {
		out <- 1 // want `send on out blocks without a case for ctx.Done\(\)`
	}
}

// afterTimer: the send after a timer fired.
func afterTimer(ctx context.Context, out chan<- int) {
	select {
	case <-time.After(time.Second):
		out <- 1 // want `send on out blocks without a case for ctx.Done\(\)`
	case <-ctx.Done():
		return
	}
}

// reassigned: ctx is a new, live context after the assignment.
func reassigned(ctx context.Context, out chan<- int, next func() context.Context) {
	<-ctx.Done()
	ctx = next()
	out <- 1 // want `send on out blocks without a case for ctx.Done\(\)`
}
