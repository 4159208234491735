// Package dot imports context with a dot.
package dot

import (
	. "context"
	"time"
)

func use(ctx Context) error { return ctx.Err() }

func plainAssign(ctx Context) {
	ctx, _ = WithTimeout(ctx, time.Second) // want `discarded`
	use(ctx)
}

func bothBlank() {
	_, _ = WithCancel(Background()) // want `discarded`
}
