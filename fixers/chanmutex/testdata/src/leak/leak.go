// Package leak holds channel locks left held by a return (issue 13, class 1, with a
// channel used as the lock).
package leak

import (
	"context"
	"errors"
	"fmt"
)

// The shape of ollama/ollama#10005 ("we return without releasing the semaphore ... and
// eventually leads to deadlock"), with a channel of capacity 1 as the lock: the error
// return inside the select loop leaves it held. The fix makes the mutex and unlocks it
// before that return; ctx.Err() reads nothing the lock guards.
type session struct {
	mu   chan struct{}
	out  chan []byte
	sent int
}

func newSession() *session {
	return &session{mu: make(chan struct{}, 1), out: make(chan []byte)}
}

func (s *session) send(ctx context.Context, msgs [][]byte) error {
	s.mu <- struct{}{}
	for _, m := range msgs {
		select {
		case s.out <- m:
			s.sent++
		case <-ctx.Done():
			// The caller gave up.
			return ctx.Err() // want `channel lock session.mu is still held at this return: the next acquire blocks forever`
		}
	}
	<-s.mu
	return nil
}

func (s *session) count() int {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.sent
}

// Two leaking returns, one fix. The lock is pre-filled: a receive acquires it.
type table struct {
	tok  chan struct{}
	rows map[string]int
}

func newTable() *table {
	t := &table{tok: make(chan struct{}, 1), rows: map[string]int{}}
	t.tok <- struct{}{}
	return t
}

var errExists = errors.New("exists")

func (t *table) insert(k string, v int) error {
	<-t.tok
	if k == "" {
		return fmt.Errorf("empty key") // want `channel lock table.tok is still held at this return: the next acquire blocks forever \(and at 1 more\)`
	}
	if _, ok := t.rows[k]; ok {
		return errExists
	}
	t.rows[k] = v
	t.tok <- struct{}{}
	return nil
}

// A type that cannot become a mutex (its struct is copied by value): the leak is fixed
// with the channel's own release.
type stats struct {
	mu   chan struct{}
	hits int
}

func newStats() *stats { return &stats{mu: make(chan struct{}, 1)} }

func (s *stats) hit(n int) error {
	s.mu <- struct{}{}
	if n < 0 {
		return errors.New("negative") // want `channel lock stats.mu is still held at this return: the next acquire blocks forever`
	}
	s.hits += n
	<-s.mu
	return nil
}

func snapshot(s *stats) stats { return *s }

// A return whose results read what the lock guards: releasing first would race. Reported
// without a fix.
type gauge struct {
	mu chan struct{}
	v  int
}

func newGauge() *gauge { return &gauge{mu: make(chan struct{}, 1)} }

func (g *gauge) add(d int) (int, error) {
	g.mu <- struct{}{}
	if d == 0 {
		return g.v, errors.New("zero") // want `channel lock gauge.mu is still held at this return: the next acquire blocks forever \(no fix: the results of the return at line \d+ may read what the lock guards\)`
	}
	g.v += d
	<-g.mu
	return d, nil
}

// A bare return of named results: the results are read after the release.
type meter struct {
	mu chan struct{}
	n  int
}

func newMeter() *meter { return &meter{mu: make(chan struct{}, 1)} }

func (m *meter) take(k int) (got int, err error) {
	m.mu <- struct{}{}
	if k > m.n {
		err = errors.New("short")
		return // want `channel lock meter.mu is still held at this return: the next acquire blocks forever \(no fix: a bare return reads the named results after the release\)`
	}
	m.n -= k
	<-m.mu
	return k, nil
}

// Look-alike: released on every path, the error return too: only the conversion.
type journal struct {
	mu   chan struct{} // want `channel journal.mu of capacity 1 is used as a mutex`
	recs []string
}

func newJournal() *journal { return &journal{mu: make(chan struct{}, 1)} }

func (j *journal) add(rec string) error {
	j.mu <- struct{}{}
	if rec == "" {
		<-j.mu
		return errors.New("empty record")
	}
	j.recs = append(j.recs, rec)
	<-j.mu
	return nil
}

// Look-alike: held on some paths only where the flow merges (a goto): the finding says
// the balance cannot be proven, and names no return.
type ledger struct {
	mu chan struct{} // want `channel ledger.mu of capacity 1 is used as a mutex \(no fix: cannot prove that every acquire is released on every path\)`
	n  int
}

func newLedger() *ledger { return &ledger{mu: make(chan struct{}, 1)} }

func (l *ledger) post(d int) {
	l.mu <- struct{}{}
	if d == 0 {
		goto out
	}
	l.n += d
	<-l.mu
out:
	fmt.Print()
}

// Look-alike: a lock helper that returns with the lock held for its caller to release:
// the caller's release finds it free in its own flow. Not a lock of one function: left
// alone.
type handoff struct {
	mu chan struct{}
	n  int
}

func newHandoff() *handoff { return &handoff{mu: make(chan struct{}, 1)} }

func (h *handoff) lockIfPositive(d int) bool {
	h.mu <- struct{}{}
	if d <= 0 {
		<-h.mu
		return false
	}
	return true
}

func (h *handoff) add(d int) {
	if h.lockIfPositive(d) {
		h.n += d
		<-h.mu
	}
}
