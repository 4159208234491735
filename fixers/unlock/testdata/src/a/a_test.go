package a

import (
	"sync"
	"testing"
)

func TestLeak(t *testing.T) {
	var mu sync.Mutex
	mu.Lock() // want `mu is not unlocked on every path`
	for i := 0; i < 3; i++ {
		if i == 2 {
			return
		}
	}
	mu.Unlock()
}

func TestFatalOK(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	if t.Name() == "" {
		t.Fatal("no name")
	}
	mu.Unlock()
}

// Tests provoke misuse on purpose (sync's own tests expect the fatal error): the
// mismatch is reported, not repaired.
func TestDeliberateMisuse(t *testing.T) {
	var mu sync.RWMutex
	mu.RLock()
	mu.Unlock() // want `mu is held by RLock but released with Unlock`
}
