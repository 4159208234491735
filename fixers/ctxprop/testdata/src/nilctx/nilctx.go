package nilctx

import (
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
