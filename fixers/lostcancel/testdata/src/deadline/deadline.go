// Package deadline holds the idiom "derive a default timeout when the context has no
// deadline", after an earlier derivation that gave it one (nats-io/nats.go's
// getJSContextOpts, jsm.go). A context of WithTimeout or WithDeadline has a deadline, so
// the branch that would overwrite its cancel cannot run while the variable still holds it.
package deadline

import (
	"context"
	"time"
)

type jsOpts struct {
	ctx  context.Context
	wait time.Duration
	pre  string
}

// The shape of nats.go v1.55.0 jsm.go:1838: silent, the overwrite cannot happen.
func contextOpts(defs *jsOpts, ctx context.Context, wait time.Duration) (*jsOpts, context.CancelFunc) {
	var o jsOpts
	o.ctx, o.wait = ctx, wait
	if o.wait == 0 && o.ctx == nil {
		o.wait = defs.wait
	}
	var cancel context.CancelFunc
	if o.ctx == nil && o.wait > 0 {
		o.ctx, cancel = context.WithTimeout(context.Background(), o.wait)
	}
	if o.pre == "" {
		o.pre = defs.pre
	}
	if o.ctx != nil {
		if _, hasDeadline := o.ctx.Deadline(); !hasDeadline {
			o.ctx, cancel = context.WithTimeout(o.ctx, defs.wait)
		}
	}
	return &o, cancel
}

// The same test with the else branch deriving, on a local variable.
func withDefault(parent context.Context, d time.Duration, fresh bool) (context.Context, context.CancelFunc) {
	ctx := parent
	var cancel context.CancelFunc
	if fresh {
		ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(d))
	}
	if _, ok := ctx.Deadline(); ok {
		return ctx, cancel
	} else {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	return ctx, cancel
}

// Look-alikes that stay reported: the variable gets another context before the test, so
// the branch can run and overwrite the first cancel.
func reassigned(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	var ctx context.Context
	var cancel context.CancelFunc
	ctx, cancel = context.WithTimeout(parent, d) // want `cancel function returned by context.WithTimeout is not called on all paths \(no fix: the context is returned\)`
	if parent.Value("plain") != nil {
		ctx = parent
	}
	if _, ok := ctx.Deadline(); !ok {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	return ctx, cancel
}

// A field of a struct whose address a call may have kept: any call between the derivation
// and the test may write it.
func configured(parent context.Context, d time.Duration, configure func(*jsOpts)) (*jsOpts, context.CancelFunc) {
	var o jsOpts
	configure(&o)
	var cancel context.CancelFunc
	o.ctx, cancel = context.WithTimeout(parent, d) // want `not called on all paths`
	configure(nil)
	if _, ok := o.ctx.Deadline(); !ok {
		o.ctx, cancel = context.WithTimeout(o.ctx, d)
	}
	return &o, cancel
}

// WithCancel gives no deadline: the overwrite can happen.
func cancelOnly(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent) // want `not called on all paths`
	if _, ok := ctx.Deadline(); !ok {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	return ctx, cancel
}
