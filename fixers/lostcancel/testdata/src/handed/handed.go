// Package handed: cancel functions called by function literals handed on as values.
package handed

import (
	"context"
	"errors"
)

type listWatch struct {
	list  func() error
	watch func() error
}

type reflector struct{ lw *listWatch }

func (r *reflector) run(ctx context.Context) error {
	if err := r.lw.list(); err != nil {
		return err
	}
	return r.lw.watch()
}

// reflects is client-go's reflector test shape (tools/cache/reflector_test.go): the
// ListWatch callbacks cancel the context the reflector runs under. Whoever calls them
// may cancel at any time: not reported.
func reflects(parent context.Context) error {
	var cancel context.CancelCauseFunc
	lw := &listWatch{
		list:  func() error { return nil },
		watch: func() error { cancel(errors.New("done")); return nil },
	}
	r := &reflector{lw: lw}
	var ctx context.Context
	ctx, cancel = context.WithCancelCause(parent)
	if err := r.run(ctx); err != nil {
		return err
	}
	ctx, cancel = context.WithCancelCause(parent)
	return r.run(ctx)
}

// look-alike: the literal handed on does not call cancel.
func ignores(parent context.Context, r *reflector) error {
	ctx, cancel := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is not called on all paths`
	r.lw = &listWatch{list: func() error { return ctx.Err() }, watch: func() error { return nil }}
	if err := r.run(ctx); err != nil {
		return err
	}
	cancel()
	return nil
}
