// Package detach holds fresh contexts that are detached on purpose: a comment says so,
// or they are given to clean-up that runs after the main work has ended.
package detach

import (
	"context"
	"database/sql"
	"time"
)

type lease struct{ id string }

func (l *lease) Release(ctx context.Context) error { return nil }

type auditLog struct{}

func (auditLog) Audit(ctx context.Context, what string) {}

func work(ctx context.Context) error { return ctx.Err() }

type store struct {
	db    *sql.DB
	audit auditLog
}

// A positive beside the detached calls: nothing says this one is deliberate.
func (s *store) update(ctx context.Context, l *lease) error {
	defer l.Release(context.Background())
	if err := work(context.Background()); err != nil { // want `context.Background\(\) passed while ctx is in scope`
		return err
	}
	return nil
}

// ---- not reported ----

func (s *store) commented(ctx context.Context) error {
	// The cache refresh must finish even if the caller gives up.
	if err := work(context.Background()); err != nil {
		return err
	}
	return work(context.TODO()) //nolint:contextcheck // detached: the refresh outlives the request
}

// Clean-up after the main work has ended: release, audit, rollback.
func (s *store) transfer(ctx context.Context, l *lease) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := work(ctx); err != nil {
		tx.Rollback()
		l.Release(context.Background())
		return err
	}
	s.audit.Audit(context.Background(), "transfer")
	return tx.Commit()
}

type server struct{}

func (server) Shutdown(ctx context.Context) error { return nil }

// A shutdown with its own timeout, and one given a fresh context directly.
func stop(ctx context.Context, s server) error {
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil {
		return s.Shutdown(context.Background())
	}
	return nil
}

func (s *store) closeAll(ctx context.Context) {
	_ = work(ctx)
	s.Close(context.Background())
}

func (s *store) Close(ctx context.Context) {}

// caddy v2.11.9's handleStop: ending the process stops the server that serves this
// request, so the request's context would be cancelled before the clean-up that follows.
func exitProcess(ctx context.Context, code int) { _ = ctx }

func handleStop(ctx context.Context) error {
	exitProcess(context.Background(), 0)
	return nil
}

type queue struct{}

func (queue) Enqueue(ctx context.Context, job string) error { return nil }
func (queue) Process(ctx context.Context, job string) error { return nil }

// A job handed to a queue runs after the caller returns (m3o/backend#478): left alone.
// The same queue's synchronous Process gets the context.
func submitJob(ctx context.Context, q queue) error {
	if err := q.Enqueue(context.Background(), "job"); err != nil {
		return err
	}
	return q.Process(context.Background(), "job") // want `context.Background\(\) passed while ctx is in scope`
}

// After its cancel function is called, the derived context is done: the write that
// follows takes a fresh one on purpose (primev/mev-commit#223). A deferred cancel runs
// at the end and changes nothing before it.
func fetchThenSave(ctx context.Context, q queue) error {
	fctx, cancel := context.WithTimeout(ctx, time.Second)
	err := work(fctx)
	cancel()
	if err != nil {
		return err
	}
	return q.Process(context.Background(), "save")
}

func deferredCancel(ctx context.Context, q queue) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return q.Process(context.Background(), "save") // want `context.Background\(\) passed while ctx is in scope`
}
