package b

import "context"

func escapes(ctx context.Context) context.Context {
	ctx, _ = context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is discarded \(no fix: the context is returned\)$`
	return ctx
}
