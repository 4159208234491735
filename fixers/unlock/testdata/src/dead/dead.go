// Package dead holds the precision cases of issue 12 for unlock: dead branches and
// code after a call that does not return are not exits, and a release goes before a
// branch statement alone in its block.
package dead

import (
	"log"
	"sync"
)

const debug = false

var verbose = false // a variable: its branch may be taken

type Store struct {
	mu sync.Mutex
	m  map[string]int
}

// An if false under the lock is dead code: no path returns with the lock held.
func (s *Store) Dead(k string) int {
	s.mu.Lock()
	if false {
		return -1
	}
	v := s.m[k]
	s.mu.Unlock()
	return v
}

// A constant-false debug switch is dead code too.
func (s *Store) Debug(k string) int {
	s.mu.Lock()
	if debug {
		log.Printf("get %s", k)
		return -1
	}
	v := s.m[k]
	s.mu.Unlock()
	return v
}

// Look-alike: a variable switch may be on; its return leaks the lock.
func (s *Store) Verbose(k string) int {
	s.mu.Lock() // want `s.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	if verbose {
		log.Printf("get %s", k)
		return -1
	}
	v := s.m[k]
	s.mu.Unlock()
	return v
}

// Look-alike: !debug is constant true, so the return is taken on every path and the
// only release is dead code: a function that returns with the lock held, by design.
func (s *Store) NotDebug(k string) int {
	s.mu.Lock()
	if !debug {
		return s.m[k]
	}
	s.mu.Unlock()
	return 0
}

// fatalf never returns (log.Fatalf ends the process): the model finds it, as a function
// of the package whose every path ends in a call that does not return.
func (s *Store) fatalf(format string, args ...any) {
	log.Fatalf(format, args...)
}

// Code after a call that does not return is dead: the return after s.fatalf is not an
// exit (before the model, only the standard library's calls were known).
func (s *Store) MustGet(k string) int {
	s.mu.Lock()
	v, ok := s.m[k]
	if !ok {
		s.fatalf("no key %q", k)
		return 0
	}
	s.mu.Unlock()
	return v
}

// Look-alike: a helper that logs and returns is no exit from the path.
func (s *Store) logf(format string, args ...any) {
	log.Printf(format, args...)
}

func (s *Store) TryGet(k string) int {
	s.mu.Lock() // want `s.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	v, ok := s.m[k]
	if !ok {
		s.logf("no key %q", k)
		return 0
	}
	s.mu.Unlock()
	return v
}

// A break alone in its block with a comment, out of a loop that ends the function: the
// release goes before the break (the graph's implicit return at the closing brace is
// not a statement to fix; before, this was "cannot insert before a <nil>'s statement").
func (s *Store) Fill(keys []string) {
	for i := 0; ; i++ {
		s.mu.Lock() // want `s.mu is not unlocked on every path: the break at line \d+ leaves it locked`
		if len(s.m) >= 10 {
			// full
			break
		}
		s.m[keys[i%len(keys)]]++
		s.mu.Unlock()
	}
}

// A continue alone in its block with a comment.
func (s *Store) Count(keys []string) {
	for _, k := range keys {
		s.mu.Lock() // want `s.mu is not unlocked on every path: the continue at line \d+ leaves it locked`
		if k == "" {
			// skip empty keys
			continue
		}
		s.m[k]++
		s.mu.Unlock()
	}
}

// Look-alike: after the break, code runs with the lock held before the function
// returns: a release before the break would leave that code unguarded.
func (s *Store) FillAndMark(keys []string) {
	for i := 0; ; i++ {
		s.mu.Lock() // want `s.mu is not unlocked on every path: the break at line \d+ leaves it locked \(no fix: the code after the break at line \d+ runs with the lock held\)`
		if len(s.m) >= 10 {
			// full
			break
		}
		s.m[keys[i%len(keys)]]++
		s.mu.Unlock()
	}
	s.m["full"] = 1
}
