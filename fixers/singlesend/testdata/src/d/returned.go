package d

import (
	"context"
	"errors"
	"time"
)

// The channel made and returned by a function of the package, whose callers receive
// from it (uber/ringpop-go#63's MakeCall): a caller that leaves first abandons the
// goroutine.

var errForward = errors.New("forward timed out")

type sender struct {
	timeout time.Duration
	call    func(ctx context.Context) ([]byte, error)
}

// makeCall starts the call; its one caller may stop waiting.
func (s *sender) makeCall(ctx context.Context, res *[]byte) <-chan error {
	errC := make(chan error) // want `goroutine may block forever sending on unbuffered channel errC: a caller of makeCall can return without receiving`
	go func() {
		b, err := s.call(ctx)
		if err == nil {
			*res = b
		}
		errC <- err
	}()
	return errC
}

func (s *sender) send(ctx context.Context) ([]byte, error) {
	var res []byte
	select {
	case err := <-s.makeCall(ctx, &res):
		return res, err
	case <-time.After(s.timeout):
		return nil, errForward
	}
}

// start is received through a variable, and the context can win.
func start(f func() error) chan error {
	done := make(chan error) // want `goroutine may block forever sending on unbuffered channel done: a caller of start can return without receiving`
	go func() {
		done <- f()
	}()
	return done
}

func runCtx(ctx context.Context, f func() error) error {
	done := start(f)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func runWait(f func() error) error {
	return <-start(f)
}

// dialer's method is named by an interface of the package: calls through it are
// unseen. Reported without a fix.
type dialer struct{}

type attempter interface {
	attempt() <-chan error
}

var _ attempter = dialer{}

func (dialer) attempt() <-chan error {
	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc: a caller of attempt can return without receiving .*no fix: an interface of the package has a method attempt: calls through it are unseen`
	go func() {
		errc <- nil
	}()
	return errc
}

func tryOnce(ctx context.Context, d dialer) error {
	select {
	case err := <-d.attempt():
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// Every caller waits for the value.
func startWaited(f func() error) <-chan error {
	done := make(chan error)
	go func() {
		done <- f()
	}()
	return done
}

func waitA(f func() error) error { return <-startWaited(f) }

func waitB(f func() error) error {
	done := startWaited(f)
	err := <-done
	return err
}

// A caller keeps the channel: its receiver may be elsewhere.
type watcher struct {
	pending <-chan error
}

func startKept(f func() error) <-chan error {
	done := make(chan error)
	go func() {
		done <- f()
	}()
	return done
}

func (w *watcher) watch(f func() error) {
	w.pending = startKept(f)
}

func (w *watcher) poll(ctx context.Context) error {
	select {
	case err := <-startKept(nil):
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The maker is used as a function value: its callers are unseen.
func startValue(f func() error) <-chan error {
	done := make(chan error)
	go func() {
		done <- f()
	}()
	return done
}

var starter = startValue

func runValue(ctx context.Context, f func() error) error {
	select {
	case err := <-startValue(f):
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
