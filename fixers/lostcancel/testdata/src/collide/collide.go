// Package collide checks that fresh names shadow nothing.
package collide

import (
	"context"
	"time"
)

var bg = context.Background()

func use(ctx context.Context) error { return ctx.Err() }

func cancel() {}

func collidesWithFunc() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	use(ctx)
	cancel()
}

func collidesLater() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	use(ctx)
	cancel2 := func() {}
	cancel2()
}

func collidesParam(cancel3 int) {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	use(ctx)
}

func twoDiscards() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	use(ctx)
	ctx2, _ := context.WithTimeout(ctx, time.Second) // want `discarded`
	use(ctx2)
	func() {
		ctx3, _ := context.WithTimeout(ctx, time.Second) // want `discarded`
		use(ctx3)
	}()
}
