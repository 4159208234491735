// Package shapes holds locks left held by an early exit in the surroundings of real code
// (issue 13, class 1): a select, a callback under the lock, a generic receiver, a
// labeled continue, a labeled break out of a select loop.
package shapes

import (
	"context"
	"errors"
	"sync"
)

type Conn struct {
	mu      sync.Mutex
	pending map[int]chan error
	closed  bool
	onEvent func(int) error
}

// error return inside a method with a select
func (c *Conn) Send(ctx context.Context, id int, out chan<- int) error {
	c.mu.Lock() // want `c.mu is not unlocked on every path: the return at line \d+ \(and 1 more\) leaves it locked`
	if c.closed {
		return errors.New("closed")
	}
	select {
	case out <- id:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.mu.Unlock()
	return nil
}

// a callback under the lock, error return
func (c *Conn) Dispatch(id int) error {
	c.mu.Lock() // want `c.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	if err := c.onEvent(id); err != nil {
		return err
	}
	delete(c.pending, id)
	c.mu.Unlock()
	return nil
}

// generic receiver
type Store[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (s *Store[K, V]) Get(k K) (V, error) {
	s.mu.RLock() // want `s.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	v, ok := s.m[k]
	if !ok {
		var zero V
		return zero, errors.New("missing")
	}
	s.mu.RUnlock()
	return v, nil
}

// labeled continue
func (c *Conn) Drain(batches [][]int) {
outer:
	for _, b := range batches {
		for _, id := range b {
			c.mu.Lock() // want `c.mu is not unlocked on every path: the continue at line \d+ leaves it locked`
			if c.closed {
				continue outer
			}
			delete(c.pending, id)
			c.mu.Unlock()
		}
	}
}

// select loop with break out of a labeled loop
func (c *Conn) Loop(ctx context.Context, in <-chan int) {
loop:
	for {
		select {
		case id := <-in:
			c.mu.Lock() // want `c.mu is not unlocked on every path: the break at line \d+ leaves it locked`
			if c.closed {
				break loop
			}
			delete(c.pending, id)
			c.mu.Unlock()
		case <-ctx.Done():
			return
		}
	}
}

// A labeled continue that stays in the critical section (the read lock is taken before
// the loop) is no exit: the return in the loop is the one that leaks.
type Set[T comparable] struct {
	mu sync.RWMutex
	m  map[T]struct{}
}

func (s *Set[T]) FirstMissing(xs []T) (T, bool) {
	s.mu.RLock() // want `s.mu is not unlocked on every path: the return at line \d+ leaves it locked`
outer:
	for _, x := range xs {
		for y := range s.m {
			if y == x {
				continue outer
			}
		}
		return x, true
	}
	s.mu.RUnlock()
	var zero T
	return zero, false
}

// A release mid-function (the hook runs unlocked) and a return of ctx.Err() inside the
// select loop: the release goes before that return, which reads only the context.
type Flusher struct {
	mu     sync.Mutex
	buf    []int
	notify func()
}

func (f *Flusher) Flush(ctx context.Context, w chan<- int) error {
	f.mu.Lock() // want `f.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	for _, v := range f.buf {
		select {
		case w <- v:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.buf = nil
	f.mu.Unlock()
	f.notify()
	return nil
}

// Look-alike: ctx is a field the mutex may guard; reported without a fix.
type Session struct {
	mu  sync.Mutex
	ctx context.Context
	out []int
}

func (s *Session) Put(v int, hook func()) error {
	s.mu.Lock() // want `s.mu is not unlocked on every path: the return at line \d+ leaves it locked \(no fix: the results of the return at line \d+ may need the lock\)`
	if s.ctx.Err() != nil {
		return s.ctx.Err()
	}
	s.out = append(s.out, v)
	s.mu.Unlock()
	hook()
	return nil
}
