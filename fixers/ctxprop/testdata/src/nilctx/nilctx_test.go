package nilctx

import (
	"database/sql"
	"testing"
)

func TestNil(t *testing.T) {
	var db *sql.DB
	defer func() { recover() }()
	db.PingContext(nil) // a nil context is what this test is about
}
