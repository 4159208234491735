package lib

import "context"

func Fetch(url string, ctx context.Context) error { return nil } // want `parameter of function Fetch`

func Valued(x int, ctx context.Context) {} // want `parameter of function Valued`

type Client struct{}

func (c *Client) Get(key string, ctx context.Context) string { return key } // want `parameter of method Client.Get`

type Handler interface {
	Handle(x int, ctx context.Context) // want `parameter of interface method Handler.Handle`
}

type Impl struct{}

func (Impl) Serve(x int, ctx context.Context) {} // want `parameter of method Impl.Serve`

func unexported(x int, ctx context.Context) {} // want `parameter of function unexported`

func local() {
	ctx := context.Background()
	unexported(1, ctx)
	_ = Fetch("here", ctx)
}
