package a

import (
	"errors"
	"io"
	"sync"
)

type Cache struct {
	mu sync.Mutex
	m  map[string]int
}

// Get returns early with the mutex held: the next call deadlocks.
func (c *Cache) Get(k string) (int, bool) {
	c.mu.Lock() // want `c.mu is not unlocked on every path: the return at line 19 leaves it locked`
	v, ok := c.m[k]
	if !ok {
		return 0, false
	}
	c.mu.Unlock()
	return v, true
}

// Put releases the lock mid-function: unlock before the early return.
func (c *Cache) Put(k string, v int) error {
	c.mu.Lock() // want `c.mu is not unlocked on every path`
	if k == "" {
		return errors.New("empty key")
	}
	c.m[k] = v
	c.mu.Unlock()
	notify(k)
	return nil
}

func notify(string) {}

type RW struct {
	mu sync.RWMutex
	n  int
}

func (r *RW) Read() int {
	r.mu.RLock()
	n := r.n
	r.mu.Unlock() // want `r.mu is held by RLock but released with Unlock`
	return n
}

func (r *RW) Write(n int) {
	r.mu.Lock()
	r.n = n
	r.mu.RUnlock() // want `r.mu is held by Lock but released with RUnlock`
}

func (r *RW) DeferRead() int {
	r.mu.RLock()
	defer r.mu.Unlock() // want `r.mu is held by RLock but released with Unlock`
	return r.n
}

func (r *RW) Typo(n int) {
	r.mu.Lock()
	defer r.mu.Lock() // want `deferred r.mu.Lock\(\) locks r.mu again instead of unlocking it`
	r.n = n
}

// Sum leaves the loop with break while holding the lock.
func Sum(mu *sync.Mutex, xs []int) int {
	s := 0
	for _, x := range xs {
		mu.Lock() // want `mu is not unlocked on every path: the break at line 75 leaves it locked`
		if x < 0 {
			break
		}
		s += x
		mu.Unlock()
	}
	return s
}

// Count continues while holding the lock: the next iteration deadlocks.
func Count(mu *sync.Mutex, xs []int) int {
	n := 0
	for _, x := range xs {
		mu.Lock() // want `mu is not unlocked on every path: the continue at line 90 leaves it locked`
		if x == 0 {
			// skip zeros
			continue
		}
		n++
		mu.Unlock()
	}
	return n
}

type Embedded struct {
	sync.RWMutex
	vals []int
}

func (e *Embedded) At(i int) (int, error) {
	e.RLock() // want `e is not unlocked on every path`
	if i >= len(e.vals) {
		return 0, errors.New("out of range")
	}
	v := e.vals[i]

	e.RUnlock()
	return v, nil
}

// Locked in a loop, returning from inside it.
func Find(mu *sync.Mutex, xs []int, y int) int {
	for i, x := range xs {
		mu.Lock() // want `mu is not unlocked on every path`
		if x == y {
			return i
		}
		mu.Unlock()
	}
	return -1
}

// A switch with a leaking case.
func (c *Cache) Kind(k string) string {
	c.mu.Lock() // want `c.mu is not unlocked on every path`
	switch v := c.m[k]; {
	case v > 0:
		c.mu.Unlock()
		return "positive"
	case v < 0:
		return "negative"
	}
	c.mu.Unlock()
	return "zero"
}

// Released before a call that must run unlocked: unlock before the early exit instead of
// deferring.
func (c *Cache) Fire(k string, cb func(int)) {
	c.mu.Lock() // want `c.mu is not unlocked on every path`
	v, ok := c.m[k]
	if !ok {
		return
	}
	c.mu.Unlock()
	cb(v)
}

var global sync.Mutex
var counter int

func Inc() error {
	global.Lock() // want `global is not unlocked on every path`
	if counter > 10 {
		return errors.New("too many")
	}
	counter++
	global.Unlock()
	return nil
}

// The early return reads guarded state: unlocking before it would race, so no fix.
func (c *Cache) Peek(k string) int {
	c.mu.Lock() // want `c.mu is not unlocked on every path: .* \(no fix: the results of the return at line \d+ may need the lock\)`
	if k == "" {
		return c.m["default"]
	}
	v := c.m[k]
	c.mu.Unlock()
	notify(k)
	return v
}

// A call deferred after the lock would run with the mutex held under a deferred unlock:
// unlock before the exit instead.
func (c *Cache) Close(f interface{ Close() error }) error {
	c.mu.Lock() // want `c.mu is not unlocked on every path`
	defer f.Close()
	if c.m == nil {
		return nil
	}
	c.m = nil
	c.mu.Unlock()
	return nil
}

// Goto out of the critical section.
func (c *Cache) Jump(k string) int {
	n := 0
	c.mu.Lock() // want `c.mu is not unlocked on every path: the goto at line \d+ leaves it locked`
	if _, ok := c.m[k]; ok {
		goto out
	}
	n = len(c.m)
	c.mu.Unlock()
out:
	return n
}

var errClosed = errors.New("closed")

var state = errors.New("state") // written below: it may be guarded

func setState(err error) { state = err }

// Sentinel errors may be returned after unlocking; a written package variable may not.
func (c *Cache) Check(k string) error {
	c.mu.Lock() // want `c.mu is not unlocked on every path: the return at line \d+ \(and 2 more\) leaves it locked`
	if c.m == nil {
		return errClosed
	}
	if k == "" {
		return io.EOF
	}
	if k == "?" {
		return nil
	}
	c.mu.Unlock()
	notify(k)
	return nil
}

func (c *Cache) State() error {
	c.mu.Lock() // want `c.mu is not unlocked on every path: .*\(no fix: the results of the return at line \d+ may need the lock\)`
	if c.m == nil {
		return state
	}
	c.mu.Unlock()
	notify("")
	return nil
}
