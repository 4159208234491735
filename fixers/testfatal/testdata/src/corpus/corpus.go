// Package corpus holds t.Fatal and FailNow calls from goroutines a test started,
// modelled on upstream reports (issue 14, class 6), one test each in corpus_test.go, for
// counting what testfatal reports and fixes (see the fixer's corpus_test.go). Each case
// cites its report; the look-alikes at the end are correct code that must stay
// untouched.
//
// 7 cases, all reported, 5 fixed (t.Error and return, require to assert), 2 without a
// fix: 2 and 7, whose calls are in a function literal nested in the goroutine (a
// callback, a handler). None missed. The look-alikes stay untouched (session 10 reported
// the last, a literal made in a goroutine but called by the test's own goroutine).
package corpus

import (
	"errors"
	"sync"
	"time"
)

// Conn is a fake peer connection.
type Conn struct {
	mu   sync.Mutex
	sent [][]byte
}

func (c *Conn) Request(name string) ([]byte, error) {
	if name == "" {
		return nil, errors.New("empty name")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, []byte(name))
	return []byte(name), nil
}

// Peer runs a handshake whose callback checks what the other side sent.
type Peer struct{ name string }

func (p *Peer) Handshake(check func(map[string]uint64) error) error {
	return check(map[string]uint64{"announceType": 1})
}

// Cache is a small cache under a mutex.
type Cache struct {
	mu sync.Mutex
	m  map[uint64]int
}

func NewCache() *Cache { return &Cache{m: make(map[uint64]int)} }

func (c *Cache) Set(k uint64, v int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
	return true
}

func (c *Cache) Get(k uint64) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// Server calls its handler for each request, in the goroutine that runs Serve.
type Server struct{ served int }

func (s *Server) Serve(reqs []string, handler func(string) error) {
	for _, r := range reqs {
		if err := handler(r); err != nil {
			return
		}
		s.served++
	}
}

// Retry calls f until it succeeds or attempts run out.
func Retry(attempts int, delay time.Duration, f func() (int, error)) (int, error) {
	var err error
	for range attempts {
		var code int
		if code, err = f(); err == nil {
			return code, nil
		}
		time.Sleep(delay)
	}
	return 0, err
}
