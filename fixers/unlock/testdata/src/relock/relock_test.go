package relock

import (
	"sync"
	"testing"
)

// Tests lock twice on purpose, to make a goroutine block: not reported.
func TestBlocked(t *testing.T) {
	var mu sync.Mutex
	go func() {
		mu.Lock()
		mu.Lock()
	}()
}

// A re-lock through a call is still a bug in a test.
func TestRefresh(t *testing.T) {
	c := &Cache{m: map[string]int{}}
	c.mu.Lock()
	c.refresh() // want `c.mu is locked again while held: TestRefresh → Cache.refresh → c.mu.Lock deadlocks`
	c.mu.Unlock()
}
