package callback

import (
	"context"
	"testing"
)

// In tests only context.TODO() counts.
func sendAll(ctx context.Context, s *Service) error {
	return s.store.ForEach(func(k, v string) error {
		_ = s.client.Send(context.Background(), k) // a scenario built on purpose
		return s.client.Send(context.TODO(), k)    // want `context.TODO\(\) passed while ctx is in scope`
	})
}

// (*testing.T).Run returns before f ends when f calls t.Parallel: not crossed.
func runAll(ctx context.Context, t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		t.Parallel()
		_ = (&client{}).Send(context.TODO(), "sub")
	})
}

func TestSendAll(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = sendAll(ctx, &Service{store: &store{}, client: &client{}})
	runAll(ctx, t)
}
