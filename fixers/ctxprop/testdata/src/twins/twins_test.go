package twins

import (
	"context"
	"os/exec"
	"testing"
)

// Tests build scenarios on purpose: only context.TODO() counts there.
func TestHook(t *testing.T) {
	hook := func(ctx context.Context) error {
		if err := work(context.Background()); err != nil {
			return err
		}
		exec.Command("true").Run()
		return work(context.TODO()) // want `context.TODO\(\) passed while ctx is in scope`
	}
	_ = hook
}

func work(ctx context.Context) error { return nil }
