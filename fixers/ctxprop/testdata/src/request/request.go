// Package request holds HTTP handlers whose context in scope is r.Context() of the
// *http.Request they serve.
package request

import (
	"context"
	"database/sql"
	"net/http"
)

type admin struct {
	db *sql.DB
}

func purgeBlocks(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "DELETE FROM blocks WHERE old")
	return err
}

// Modelled on grafana/pyroscope#2821 ("Admin API should use per request context": the
// handler ran its operation with a background context) and ubclaunchpad/pinpoint#101
// ("replace context.Background() with r.Context()").
func (a *admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := purgeBlocks(context.Background(), a.db); err != nil { // want `context.Background\(\) passed while r.Context\(\) is in scope`
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rows, err := a.db.Query("SELECT id FROM blocks") // want `\(\*sql.DB\).Query called while r.Context\(\) is in scope; \(\*sql.DB\).QueryContext takes it`
	if err != nil {
		return
	}
	rows.Close()
}

func (a *admin) routes(mux *http.ServeMux) {
	mux.HandleFunc("/purge", func(w http.ResponseWriter, req *http.Request) {
		if err := a.db.Ping(); err != nil { // want `\(\*sql.DB\).Ping called while req.Context\(\) is in scope; \(\*sql.DB\).PingContext takes it`
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
}

// ---- not reported ----

// Work that must outlive the request runs detached on purpose (m3o/backend#478: "use a
// background context rather than the request one, which will get cancelled when the
// request is done").
func (a *admin) async(w http.ResponseWriter, r *http.Request) {
	go purgeBlocks(context.Background(), a.db)
	w.WriteHeader(http.StatusAccepted)
}

// A context variable in scope is the one to pass (it may be derived from the request's).
func (a *admin) withCtx(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_ = purgeBlocks(ctx, a.db)
}

// The request is shadowed: its Context is not the one in scope.
func (a *admin) shadowed(w http.ResponseWriter, r *http.Request) {
	for _, r := range []string{"a"} {
		_ = r
		_ = purgeBlocks(context.TODO(), a.db)
	}
}

// Not a request being served: a client building one.
func build(req http.Request) error {
	return purgeBlocks(context.TODO(), nil)
}
