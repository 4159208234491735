// Package held holds cancel functions that are used somewhere but not called on every
// path (issue class "held but not called"), and stop functions of signal.NotifyContext.
package held

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"time"
)

type client struct {
	addr    string
	timeout time.Duration
	conn    net.Conn
}

func dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, addr, "")
}

// The cancel is called only by a clean-up closure that runs on the error paths; the
// success path returns with the timer still running. Shaped like trackit/trackit#333
// ("a copy-pasted code template that only executes the context cancel function" on one
// side of the error check) and projectcalico/calico#6187 ("the cancel function is not
// used on all paths"). The connection may keep the context, so this one is reported
// without a fix.
func (c *client) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout) // want `cancel function returned by context.WithTimeout is not called on all paths \(no fix: the context is stored outside the function\)`
	fail := func(err error) error {
		cancel()
		return err
	}
	conn, err := dial(ctx, c.addr)
	if err != nil {
		return fail(err)
	}
	c.conn = conn
	return nil
}

// The same with a closure called as a statement.
func (c *client) ping(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx) // want `not called on all paths`
	cleanup := func() {
		cancel()
		c.conn = nil
	}
	if _, err := dial(ctx, c.addr); err != nil {
		cleanup()
		return err
	}
	return nil
}

// Deferred only under the error check.
func (c *client) fetch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second) // want `not called on all paths`
	conn, err := dial(ctx, c.addr)
	if err != nil {
		defer cancel()
		return err
	}
	return conn.Close()
}

// A switch arm that forgets it.
func (c *client) mode(ctx context.Context, m int) error {
	ctx, cancel := context.WithCancel(ctx) // want `not called on all paths`
	switch m {
	case 0:
		cancel()
		return nil
	case 1:
		_, err := dial(ctx, c.addr)
		return err
	default:
		cancel()
	}
	return nil
}

// Overwritten before it is called.
func (c *client) retry(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, time.Second) // want `not called on all paths`
	if _, err := dial(cctx, c.addr); err == nil {
		cancel()
		return nil
	}
	cctx, cancel = context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := dial(cctx, c.addr)
	return err
}

// signal.NotifyContext's stop function is a cancel function too, but stopping the
// notification changes what later signals do (os/signal's TestNotifyContextNotifications
// keeps it on purpose): reported without a fix.
func waitSignal(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt) // want `stop function returned by signal.NotifyContext is never called \(no fix: stopping the notification restores the signals' default behaviour\)`
	_ = stop
	<-ctx.Done()
	return ctx.Err()
}

func waitSignalDiscarded(ctx context.Context) {
	ctx, _ = signal.NotifyContext(ctx, os.Interrupt) // want `stop function returned by signal.NotifyContext is discarded \(no fix: stopping the notification restores the signals' default behaviour\)`
	<-ctx.Done()
}

// ---- not reported ----

// The closure is called on every path.
func (c *client) always(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	done := func() { cancel() }
	defer done()
	_, err := dial(ctx, c.addr)
	return err
}

// The closure is handed on: it is somebody else's to call.
func (c *client) handed(ctx context.Context, register func(func())) error {
	ctx, cancel := context.WithCancel(ctx)
	release := func() { cancel() }
	register(release)
	_, err := dial(ctx, c.addr)
	return err
}

// A stop function deferred.
func waitSignalStopped(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	<-ctx.Done()
	return errors.Join(ctx.Err(), context.Cause(ctx))
}

// grpc's NewHTTP2Client and newClientStream: the deferred literal cancels on the error
// returns, and the success path hands the cancel to the transport it returns. Silent: a
// conditional release in a deferred literal is taken as a use, since which returns set
// err cannot be told (the leak of xmtp/xmtpd#1909, whose success path drops the cancel,
// is missed for that reason).
type transport struct{ cancel context.CancelFunc }

func newTransport(ctx context.Context, c *client) (_ *transport, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	if _, err = dial(ctx, c.addr); err != nil {
		return nil, err
	}
	return &transport{cancel: cancel}, nil
}

// caddy's shutdown grace period: the deferred literal starts a goroutine that cancels
// once the servers are done. Silent.
func (c *client) drain(ctx context.Context, done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer func() {
		go func() {
			<-done
			cancel()
		}()
	}()
	_, err := dial(ctx, c.addr)
	return err
}

// The conditional release of xmtp/xmtpd#1909 where the context does not outlive the
// function: the probe's timeout is released only when it fails; a successful probe
// leaves the timer running. Fixed with `defer cancel()`; the deferred literal stays (a
// second call of cancel does nothing).
func (c *client) probe(ctx context.Context) (err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout) // want `cancel function returned by context.WithTimeout is not called on all paths`
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	if c.addr == "" {
		return errors.New("no address")
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	return nil
}

// Every return of the function fails (an error call, or err inside `if err != nil`), and
// the deferred literal releases them all. Silent.
func (c *client) mustFail(ctx context.Context) (err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = c.check(ctx); err == nil {
		return errors.New("unexpectedly healthy")
	}
	return err
}

func (c *client) check(ctx context.Context) error { return ctx.Err() }

// The literal calls cancel after its error handling, on every path. Silent.
func (c *client) logged(ctx context.Context) (err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer func() {
		if err != nil {
			c.addr = ""
		}
		cancel()
	}()
	return c.check(ctx)
}
