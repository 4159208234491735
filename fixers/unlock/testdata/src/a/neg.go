package a

import (
	"log"
	"os"
	"sync"
)

type S struct {
	mu     sync.Mutex
	rw     sync.RWMutex
	closed bool
	n      int
}

// lock is a lock helper: no path releases.
func (s *S) lock() {
	s.mu.Lock()
}

func (s *S) unlock() {
	s.mu.Unlock()
}

func (s *S) useHelpers() {
	s.lock()
	s.n++
	s.unlock()
}

// lockIfOpen returns with the lock held when it reports true.
func (s *S) lockIfOpen() bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	return true
}

// lockOpen is a helper whose held return is nested: its caller releases.
func (s *S) lockOpen() bool {
	s.mu.Lock()
	if !s.closed {
		return true
	}
	s.mu.Unlock()
	return false
}

func (s *S) useLockOpen() {
	if s.lockOpen() {
		s.n++
		s.mu.Unlock()
	}
}

// Hand-over locking.
func handOver(a, b *S) {
	a.mu.Lock()
	b.mu.Lock()
	a.mu.Unlock()
	b.n++
}

// Empty critical section.
func (s *S) barrier() {
	s.mu.Lock()
	s.mu.Unlock()
}

// Conditional locking.
func (s *S) maybe(lock bool) {
	if lock {
		s.mu.Lock()
	}
	s.n++
	if lock {
		s.mu.Unlock()
	}
}

// Already correct.
func (s *S) correct() int {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0
	}
	n := s.n
	s.mu.Unlock()
	return n
}

func (s *S) deferred() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0
	}
	return s.n
}

func (s *S) deferredClosure() int {
	s.mu.Lock()
	defer func() {
		s.mu.Unlock()
	}()
	if s.closed {
		return 0
	}
	return s.n
}

func (s *S) unlockedFlag() int {
	s.mu.Lock()
	unlocked := false
	defer func() {
		if !unlocked {
			s.mu.Unlock()
		}
	}()
	if s.closed {
		return 0
	}
	s.mu.Unlock()
	unlocked = true
	return 1
}

// Unlock and relock around a callback, release deferred.
func (s *S) relock(cb func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.Unlock()
	cb()
	s.mu.Lock()
}

// Paths that end in panic or exit are not leaks.
func (s *S) fatal() int {
	s.mu.Lock()
	if s.closed {
		log.Fatal("closed")
	}
	if s.n < 0 {
		panic("negative")
	}
	if s.n > 100 {
		os.Exit(1)
	}
	n := s.n
	s.mu.Unlock()
	return n
}

// Different mutexes: a.mu and b.mu do not match.
func two(a, b *S) {
	a.mu.Lock()
	b.mu.Unlock()
}

// Locked across iterations.
func lockAll(ss []*S) {
	for _, s := range ss {
		s.mu.Lock()
	}
	for _, s := range ss {
		s.n++
		s.mu.Unlock()
	}
}

// TryLock is conditional locking.
func (s *S) try() bool {
	if !s.mu.TryLock() {
		return false
	}
	s.n++
	s.mu.Unlock()
	return true
}

// The mutex is passed elsewhere.
func (s *S) passed() {
	s.mu.Lock()
	if s.closed {
		release(&s.mu)
		return
	}
	s.mu.Unlock()
}

func release(mu *sync.Mutex) { mu.Unlock() }

// Break out of a loop with the lock held, released after the loop.
func (s *S) spin() {
	for {
		s.mu.Lock()
		if s.n > 0 {
			break
		}
		s.mu.Unlock()
	}
	s.n--
	s.mu.Unlock()
}

// Released by an unlock helper on the early path.
func (s *S) viaHelper() {
	s.mu.Lock()
	if s.closed {
		s.unlock()
		return
	}
	s.n++
	s.mu.Unlock()
}

// Returns an unlock function.
func (s *S) acquire() func() {
	s.mu.Lock()
	return s.mu.Unlock
}

// Reassigned base.
func (s *S) reassigned(t *S) {
	s.mu.Lock()
	if s.closed {
		s = t
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
}

// The read lock goes with a matching deferred read unlock.
func (s *S) readOK() int {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return s.n
}
