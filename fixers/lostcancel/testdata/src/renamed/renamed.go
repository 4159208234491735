// Package renamed imports context under another name.
package renamed

import (
	stdctx "context"
	"time"
)

func use(ctx stdctx.Context) error { return ctx.Err() }

func plainAssign(ctx stdctx.Context) {
	ctx, _ = stdctx.WithCancelCause(ctx) // want `discarded`
	use(ctx)
}

func deferredBefore(ctx stdctx.Context) {
	defer func() { use(ctx) }()
	ctx, _ = stdctx.WithTimeout(ctx, time.Second) // want `discarded`
	use(ctx)
}

func goroutineBody() {
	go func() {
		ctx, _ := stdctx.WithTimeout(stdctx.Background(), time.Second) // want `discarded`
		use(ctx)
	}()
}

func docCommentOnSilencer() {
	ctx, cancel := stdctx.WithCancel(stdctx.Background()) // want `never called`
	// vet made us do it
	_ = cancel
	use(ctx)
}

func outerLocalCancel(b bool) {
	var cancel stdctx.CancelFunc = func() {}
	ctx := stdctx.Background()
	if b {
		ctx, cancel = stdctx.WithCancel(ctx)
	}
	use(ctx)
	cancel()
}

func onlyOverwritten() {
	ctx, cancel := stdctx.WithCancel(stdctx.Background()) // want `never called`
	use(ctx)
	cancel = nil
	_ = cancel
}

func outerNeverUsed() {
	var cancel stdctx.CancelFunc
	func() {
		var ctx stdctx.Context
		ctx, cancel = stdctx.WithCancel(stdctx.Background()) // want `never called`
		use(ctx)
	}()
	_ = cancel
}
