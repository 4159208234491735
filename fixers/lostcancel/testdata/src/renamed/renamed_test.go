package renamed

import (
	stdctx "context"
	"testing"
	"time"
)

func TestLost(t *testing.T) {
	ctx, _ := stdctx.WithTimeout(stdctx.Background(), time.Second) // want `discarded`
	if err := use(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCleanup(t *testing.T) {
	ctx, cancel := stdctx.WithTimeout(stdctx.Background(), time.Second)
	t.Cleanup(cancel)
	use(ctx)
}

func TestSubtest(t *testing.T) {
	ctx, _ := stdctx.WithTimeout(stdctx.Background(), time.Second) // want `discarded`
	t.Run("sub", func(t *testing.T) { use(ctx) })
}
