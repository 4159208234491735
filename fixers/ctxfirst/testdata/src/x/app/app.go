package app

import (
	"context"

	"x/internal/lib"
)

type Server interface {
	Serve(x int, ctx context.Context) // want `parameter of interface method Server.Serve`
}

var _ Server = lib.Impl{}

type mine struct{}

// Handle's signature is lib.Handler's: not reported here.
func (mine) Handle(x int, ctx context.Context) {}

var _ lib.Handler = mine{}

func use(ctx context.Context) {
	_ = lib.Fetch("there", ctx)
	var c lib.Client
	_ = c.Get(
		"k", // the key
		ctx,
	)
	f := lib.Valued
	_ = f
}
