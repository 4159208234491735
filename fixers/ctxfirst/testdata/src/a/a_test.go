package a

import (
	"context"
	"testing"
)

func helper(t *testing.T, ctx context.Context) {}

func tbHelper(tb testing.TB, x int, ctx context.Context) {} // want `parameter of function tbHelper`

func TestOne(t *testing.T) {
	ctx := context.Background()
	one(100, ctx)
	helper(t, ctx)
	tbHelper(t, 1, ctx)
}
