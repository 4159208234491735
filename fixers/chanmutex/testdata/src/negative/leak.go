package negative

import (
	"context"
	"errors"
	"fmt"
)

// The shape of ollama/ollama#10005 ("we return without releasing the semaphore ... and
// eventually leads to deadlock"), with a channel of capacity 1 as the lock: the error
// return inside the select loop leaves it held.
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
			return ctx.Err() // want `channel lock session.mu is still held at this return`
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

// Look-alike: released on every path, the error return too.
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
