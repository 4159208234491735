//go:build go1.23

package a

import "context"

func iteratedToo(x int, ctx context.Context) {} // want `parameter of function iteratedToo`

// The body of a range-over-func loop runs inside the iterator's calls: a write there may
// happen while the arguments are evaluated, so the call is not moved.
func iteratesSeq(ctx context.Context, seq func(func(int) bool)) {
	for range seq {
		ctx = context.WithValue(ctx, key{}, 4)
	}
	iteratedToo(compute(), ctx)
}
