package nilctx

import (
	"context"
	ctxpkg "context"
	"database/sql"
)

var _ = ctxpkg.TODO

func withCtx(ctx context.Context, db *sql.DB) {
	db.PingContext(nil) // want `nil passed as a context.Context`

	go db.PingContext(nil) // want `nil passed as a context.Context`
}

func shadow(db *sql.DB) {
	context := 1
	_ = context
	db.PingContext(nil) // want `nil passed as a context.Context`
}
