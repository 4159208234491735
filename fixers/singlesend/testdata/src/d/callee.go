package d

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The channel passed to a function of the package that only receives from it: that
// function is the receiver, and its early return abandons the senders
// (prebid/prebid-server#3911's collectHookResponses).

var errTimeout = errors.New("timeout")

type waiter struct {
	timeout time.Duration
}

// wait receives one value or gives up.
func (w *waiter) wait(errc <-chan error) error {
	select {
	case err := <-errc:
		return err
	case <-time.After(w.timeout):
		return errTimeout
	}
}

// run: when wait times out, the goroutine blocks forever on its send.
func (w *waiter) run(f func() error) error {
	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc: the function can return without receiving`
	go func() {
		errc <- f()
	}()
	return w.wait(errc)
}

type result struct {
	name string
	err  error
}

type job struct {
	names []string
	run   func(ctx context.Context, name string) error
}

// firstFailure stops receiving at the first error.
func firstFailure(res <-chan result, n int) []result {
	var out []result
	for i := 0; i < n; i++ {
		r := <-res
		if r.err != nil {
			return out
		}
		out = append(out, r)
	}
	return out
}

// fanOut: the goroutines of the names after the first failure stay blocked; a slot per
// name.
func fanOut(ctx context.Context, j job) []result {
	res := make(chan result) // want `goroutine may block forever sending on unbuffered channel res: the function can return without receiving`
	for _, name := range j.names {
		go func() {
			res <- result{name: name, err: j.run(ctx, name)}
		}()
	}
	return firstFailure(res, len(j.names))
}

// fanOutLocal: the same over a parameter.
func fanOutLocal(ctx context.Context, names []string, run func(context.Context, string) error) []result {
	res := make(chan result) // want `goroutine may block forever sending on unbuffered channel res: the function can return without receiving`
	for _, name := range names {
		go func() {
			res <- result{name: name, err: run(ctx, name)}
		}()
	}
	out := firstFailure(res, len(names))
	return out
}

type pool struct {
	names []string
}

// fanOutField: a field of the receiver pointer may change while the goroutines start:
// reported, without a fix.
func (p *pool) fanOutField(ctx context.Context, run func(context.Context, string) error) []result {
	res := make(chan result) // want `goroutine may block forever sending on unbuffered channel res: the function can return without receiving .*no fix: the goroutine is started in a loop`
	for _, name := range p.names {
		go func() {
			res <- result{name: name, err: run(ctx, name)}
		}()
	}
	return firstFailure(res, len(p.names))
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// collectAll receives once per goroutine: every value is taken.
func collectAll(res <-chan result, n int) []result {
	var out []result
	for i := 0; i < n; i++ {
		out = append(out, <-res)
	}
	return out
}

func fanOutAll(ctx context.Context, names []string, run func(context.Context, string) error) []result {
	res := make(chan result)
	for _, name := range names {
		go func() {
			res <- result{name: name, err: run(ctx, name)}
		}()
	}
	return collectAll(res, len(names))
}

// recvOne always receives.
func recvOne(errc <-chan error) error { return <-errc }

func (w *waiter) runAndWait(f func() error) error {
	errc := make(chan error)
	go func() {
		errc <- f()
	}()
	return recvOne(errc)
}

// keeper stores the channel: its receiver is elsewhere.
type keeper struct {
	pending chan error
}

func (k *keeper) keep(errc chan error) {
	k.pending = errc
	select {
	case <-errc:
	default:
	}
}

func (k *keeper) start(f func() error) {
	errc := make(chan error)
	go func() {
		errc <- f()
	}()
	k.keep(errc)
}

// drainLater hands the channel to a goroutine of its own.
func drainLater(errc chan error) {
	go func() { <-errc }()
}

func startAndDrain(f func() error) {
	errc := make(chan error)
	go func() {
		errc <- f()
	}()
	drainLater(errc)
}

// rangeAll ranges over the channel until it is closed.
func rangeAll(res <-chan result) (out []result) {
	for r := range res {
		out = append(out, r)
	}
	return out
}

func fanOutRange(names []string) []result {
	res := make(chan result)
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res <- result{name: name}
		}()
	}
	go func() {
		wg.Wait()
		close(res)
	}()
	return rangeAll(res)
}

// retry waits again after each timeout: whether it goes on depends on how wait
// returned, which the rule does not follow.
func (w *waiter) retry(f func() error) error {
	errc := make(chan error)
	go func() {
		errc <- f()
	}()
	for {
		if err := w.wait(errc); err != errTimeout {
			return err
		}
	}
}

// poll receives when a value is ready.
func poll(errc <-chan error) (error, bool) {
	select {
	case err := <-errc:
		return err, true
	default:
		return nil, false
	}
}

func pollUntil(f func() error, tick <-chan time.Time) error {
	errc := make(chan error)
	go func() {
		errc <- f()
	}()
	for range tick {
		if err, ok := poll(errc); ok {
			return err
		}
	}
	return nil
}
