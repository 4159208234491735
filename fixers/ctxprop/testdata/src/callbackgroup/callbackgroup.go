// Package callbackgroup holds errgroup's Go, a look-alike of a callee that runs its
// function before it returns: Go starts it in a goroutine of its own, and the group's
// derived context, not the caller's, would be the one to pass there anyway.
package callbackgroup

import (
	"context"

	"golang.org/x/sync/errgroup"
)

type client struct{}

func (c *client) Send(ctx context.Context, msg string) error { return nil }

func Group(ctx context.Context, c *client, msgs []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, m := range msgs {
		g.Go(func() error { return c.Send(context.TODO(), m) })
	}
	_ = gctx
	return g.Wait()
}

// A helper of the package that hands its function to Go does not run it before it
// returns either.
func each(g *errgroup.Group, msgs []string, f func(string) error) {
	for _, m := range msgs {
		g.Go(func() error { return f(m) })
	}
}

func Each(ctx context.Context, c *client, msgs []string) error {
	var g errgroup.Group
	each(&g, msgs, func(m string) error { return c.Send(context.TODO(), m) })
	return g.Wait()
}
