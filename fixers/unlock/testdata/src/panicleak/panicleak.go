// Package panicleak holds HTTP handlers that call a hook with a mutex held and release
// it without defer (issue 13, class 1): net/http recovers the handler's panic, and the
// mutex stays locked for every later request (hashicorp/vault#6920: "a deadlock if a
// panic happens during request handling"; iotaledger/hive.go#135: "nasty deadlocks
// when the attached closure panics").
package panicleak

import (
	"encoding/json"
	"net/http"
	"sync"
)

type Store interface {
	Get(key string) (string, error)
}

type Server struct {
	mu        sync.Mutex
	hits      map[string]int
	onRequest func(*http.Request) // a hook set by the program
	store     Store
}

// A handler method: the hook runs under s.mu.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock() // want `s.mu stays locked if s.onRequest panics: net/http recovers the handler's panic, and the next request that locks s.mu hangs`
	s.hits[r.URL.Path]++
	s.onRequest(r)
	s.mu.Unlock()
}

// An interface of the program's own, called under the lock.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock() // want `s.mu stays locked if s.store.Get panics`
	v, err := s.store.Get(r.URL.Query().Get("k"))
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	json.NewEncoder(w).Encode(v)
}

// A handler literal given a callback.
func Register(mux *http.ServeMux, mu *sync.RWMutex, render func(http.ResponseWriter)) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.RLock() // want `mu stays locked if render panics`
		render(w)
		mu.RUnlock()
	})
}

// Released mid-function, with work after it: a deferred release would hold the lock
// through the encoding, so no fix.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock() // want `s.mu stays locked if s.onRequest panics.*\(no fix: the mutex is released mid-function or more than once`
	s.onRequest(r)
	n := len(s.hits)
	s.mu.Unlock()
	json.NewEncoder(w).Encode(n)
}

// Look-alikes.

// The release is deferred.
func (s *Server) deferred(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRequest(r)
}

// Only the standard library's interfaces and static calls run under the lock.
func (s *Server) count(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	w.Write([]byte("ok"))
	s.mu.Unlock()
}

// Not a handler: nobody is known to recover its panic.
func (s *Server) touch(r *http.Request) {
	s.mu.Lock()
	s.onRequest(r)
	s.mu.Unlock()
}
