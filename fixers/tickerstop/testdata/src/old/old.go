//go:build go1.22

package old

import (
	"context"
	"os"
	"time"
)

func poll(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d) // want `ticker from time.NewTicker is never stopped`
	for {
		select {
		case <-t.C:
			f()
		case <-ctx.Done():
			return
		}
	}
}

func wait(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d) // want `timer from time.NewTimer is never stopped`

	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func varDecl(ctx context.Context, d time.Duration) {
	var t = time.NewTicker(d) // want `ticker from time.NewTicker is never stopped`
	for range t.C {
		if ctx.Err() != nil {
			return
		}
		t.Reset(2 * d)
	}
}

func inCase(ctx context.Context, d time.Duration, slow bool) {
	switch {
	case slow:
		t := time.NewTicker(d) // want `never stopped`
		<-t.C
	}
}

// ---- reported without a fix ----

func goroutine(d time.Duration, f func()) {
	t := time.NewTicker(d) // want `ticker from time.NewTicker is never stopped`
	go func() {
		for range t.C {
			f()
		}
	}()
}

func loop(items []int, d time.Duration) {
	for range items {
		t := time.NewTimer(d) // want `timer from time.NewTimer is never stopped`
		<-t.C
	}
}

func direct(ctx context.Context, d time.Duration) {
	for range time.NewTicker(d).C { // want `never stopped`
		if ctx.Err() != nil {
			return
		}
	}
}

func tick(ctx context.Context, d time.Duration) {
	for range time.Tick(d) { // want `time.Tick in a function that returns leaks its ticker`
		if ctx.Err() != nil {
			return
		}
	}
}

func after(ctx context.Context, c chan int) {
	for {
		select {
		case <-c:
		case <-time.After(time.Second): // want `time.After in a loop's select`
		case <-ctx.Done():
			return
		}
	}
}

// ---- not reported ----

// watchParent ranges over its ticker until the process exits (fiber v2.52.15
// prefork.go, watchMaster): the ticker lives as long as the process.
func watchParent(orphaned func() bool) {
	for range time.NewTicker(time.Second).C {
		if orphaned() {
			os.Exit(1)
		}
	}
}

// backoff waits between attempts; its other case returns, so the loop goes round only
// once the timer has fired (amqp091-go v1.17.0 connection.go, the reconnection backoff;
// yamux v0.1.2 session.go, keepalive).
func backoff(cancel <-chan struct{}, attempts int, try func() bool) bool {
	for i := 0; i < attempts; i++ {
		select {
		case <-cancel:
			return false
		case <-time.After(time.Second):
		}
		if try() {
			return true
		}
	}
	return false
}

func stopped(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	<-t.C
}

func stoppedLater(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
	t.Stop()
}

func returned(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	return t
}

type poller struct{ t *time.Ticker }

func stored(d time.Duration) *poller {
	p := &poller{}
	p.t = time.NewTicker(d)
	return p
}

func channelHandedOn(d time.Duration, use func(<-chan time.Time)) {
	t := time.NewTicker(d)
	use(t.C)
}

func tickForever(f func()) {
	for range time.Tick(time.Second) {
		f()
	}
}

func afterOnce(c chan int) {
	select {
	case <-c:
	case <-time.After(time.Second):
	}
}

var global = time.Tick(time.Second)

func tickSelectForever(done chan struct{}, f func()) {
	tick := time.Tick(time.Second)
	for {
		select {
		case <-tick:
			f()
		case <-done:
			f()
		}
	}
}

// forever ranges over the ticker in a goroutine that never returns (pebble's
// cmd/pebble/random.go): the ticker lives as long as the loop, and a deferred Stop would
// never run. Not reported.
func forever(d time.Duration, f func()) {
	go func() {
		t := time.NewTicker(d)
		for range t.C {
			f()
		}
	}()
}

// untilDone: the same loop with a way out gets the fix.
func untilDone(d time.Duration, f func() bool) {
	t := time.NewTicker(d) // want `ticker from time.NewTicker is never stopped`
	for range t.C {
		if !f() {
			return
		}
	}
}

// stoppedEveryWay stops its ticker on each way out: not reported.
func stoppedEveryWay(ctx context.Context, quit <-chan struct{}, d time.Duration, f func()) {
	t := time.NewTicker(d)
	for {
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-quit:
			t.Stop()
			return
		case <-t.C:
			f()
		}
	}
}

// stoppedAfterLoop leaves the loop only by break and stops after it: not reported.
func stoppedAfterLoop(ctx context.Context, d time.Duration, f func() bool) {
	t := time.NewTicker(d)
	for range t.C {
		if !f() || ctx.Err() != nil {
			break
		}
	}
	t.Stop()
}

// stoppedOnOnePath returns early on an error without stopping: reported and fixed.
func stoppedOnOnePath(d time.Duration, f func() error) error {
	t := time.NewTicker(d) // want `ticker from time.NewTicker is not stopped on every return`
	for range t.C {
		if err := f(); err != nil {
			return err
		}
		if f() == nil {
			t.Stop()
			return nil
		}
	}
	return nil
}

// timerFiredOrStopped: the timer is stopped on one way out and has fired on the other.
func timerFiredOrStopped(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	select {
	case <-done:
		t.Stop()
		return true
	case <-t.C:
		return false
	}
}
