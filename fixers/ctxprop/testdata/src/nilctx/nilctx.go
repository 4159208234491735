package nilctx

import (
	"context"
	"database/sql"
	"net/http"
)

func do(db *sql.DB) error {
	_, err := db.ExecContext(nil, "X") // want `nil passed as a context.Context`
	return err
}

func mk() (*http.Request, error) {
	return http.NewRequestWithContext(nil, "GET", "/", nil) // want `nil passed as a context.Context`
}

type store struct{ db *sql.DB }

func (s *store) get(ctx interface{ Done() <-chan struct{} }) {
	s.db.PingContext(nil) // want `nil passed as a context.Context`
}

// A nil context as a sentinel of the package's own functions is left alone.
func query(ctx, txctx interface{ Err() error }) {}

func local(ctx, txctx context.Context) {
	if txctx == nil {
		return
	}
}

func sentinel(ctx context.Context) {
	local(ctx, nil)
	f := func(ctx context.Context) {}
	f(nil)
}
