package a

import "sync"

// A commented unlock is not removed: unlock before the early exit instead.
func (c *Cache) Commented(k string) int {
	c.mu.Lock() // want `c.mu is not unlocked on every path`
	if k == "" {
		return 0
	}
	v := c.m[k]
	c.mu.Unlock() // done with the map
	return v
}

// Labeled break out of two loops.
func Grid(mu *sync.Mutex, g [][]int) int {
	n := 0
outer:
	for _, row := range g {
		for _, x := range row {
			mu.Lock() // want `mu is not unlocked on every path: the break at line \d+ leaves it locked`
			if x < 0 {
				break outer
			}
			n += x
			mu.Unlock()
		}
	}
	return n
}

// A select case returns with the lock held.
func (c *Cache) Wait(done <-chan struct{}, in <-chan int) int {
	for {
		c.mu.Lock() // want `c.mu is not unlocked on every path`
		select {
		case <-done:
			return -1
		case v := <-in:
			c.m["v"] = v
		}
		c.mu.Unlock()
	}
}

// A goroutine's function literal is a function of its own.
func (c *Cache) Spawn(k string) {
	go func() {
		c.mu.Lock() // want `c.mu is not unlocked on every path`
		if _, ok := c.m[k]; ok {
			return
		}
		c.m[k] = 1
		c.mu.Unlock()
	}()
}

// A sync.Locker.
func WithLocker(l sync.Locker, f func() bool) bool {
	l.Lock() // want `l is not unlocked on every path`
	if !f() {
		return false
	}
	l.Unlock()
	f()
	return true
}

// A mismatch in a function literal.
var read = func(rw *sync.RWMutex, x *int) int {
	rw.RLock()
	v := *x
	rw.Unlock() // want `rw is held by RLock but released with Unlock`
	return v
}
