// Package sibling holds wg.Add calls made in a goroutine that the WaitGroup does not
// count, concurrently with wg.Wait in another goroutine, and look-alikes that are
// correct or that the rule cannot be sure of.
package sibling

import (
	"net"
	"sync"
)

// The outer goroutine holds a count: s.wg.Add(1) before go s.serve(), whose deferred
// Done releases it; the nested Adds cannot find the counter at zero.
type counted struct {
	wg sync.WaitGroup
	ln net.Listener
}

func (s *counted) start() {
	s.wg.Add(1)
	go s.serve()
}

func (s *counted) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go s.handle(c)
	}
}

func (s *counted) handle(c net.Conn) {
	defer s.wg.Done()
	c.Close()
}

func (s *counted) stop() {
	s.ln.Close()
	s.wg.Wait()
}

// etcd's goAttach: the Add is made under a read lock after checking that the server is
// not stopping; the stopping side sets the flag under the write lock, then waits.
type attached struct {
	wgMu     sync.RWMutex
	wg       sync.WaitGroup
	stopping chan struct{}
}

func (s *attached) goAttach(f func()) {
	s.wgMu.RLock()
	defer s.wgMu.RUnlock()
	select {
	case <-s.stopping:
		return
	default:
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

func (s *attached) publish() { s.goAttach(func() {}) }

func (s *attached) start() { go s.publish() }

func (s *attached) stop() {
	s.wgMu.Lock()
	close(s.stopping)
	s.wgMu.Unlock()
	s.wg.Wait()
}

// The Wait is ordered after the accept loop ends: the loop closes acceptDone, which the
// stopping side receives from before it waits.
type ordered struct {
	wg         sync.WaitGroup
	ln         net.Listener
	acceptDone chan struct{}
}

func (s *ordered) start() { go s.accept() }

func (s *ordered) accept() {
	defer close(s.acceptDone)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.Close()
		}()
	}
}

func (s *ordered) stop() {
	s.ln.Close()
	<-s.acceptDone
	s.wg.Wait()
}

// Spawn is exported: other packages may call it before Wait, outside any goroutine.
type exported struct {
	wg sync.WaitGroup
}

func (s *exported) Spawn(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

func (s *exported) start(f func()) { go s.Spawn(f) }

func (s *exported) stop() { s.wg.Wait() }

// spawn is also called directly from init, which no goroutine runs: it may be the
// ordered path.
type direct struct {
	wg sync.WaitGroup
}

func (s *direct) spawn(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

func (s *direct) start(f func()) {
	s.spawn(f)
	go s.spawn(f)
}

func (s *direct) stop() { s.wg.Wait() }

// Nothing waits on the field in the package.
type unwaited struct {
	wg sync.WaitGroup
}

func (s *unwaited) spawn(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

func (s *unwaited) start(f func()) { go s.spawn(f) }

// A generic type's method, started with go and racing with the Wait of stop.
type pool[T any] struct {
	wg    sync.WaitGroup
	items []T
}

func (p *pool[T]) run(f func(T)) {
	for _, it := range p.items {
		p.wg.Add(1) // want `p.wg.Add in pool.run runs in the goroutine started at sibling.go:\d+, which p.wg does not count, and may race with p.wg.Wait in pool.stop: an Add when the counter is zero must happen before Wait`
		go func() {
			defer p.wg.Done()
			f(it)
		}()
	}
}

func (p *pool[T]) start(f func(T)) { go p.run(f) }

func (p *pool[T]) stop() { p.wg.Wait() }

func usePool() {
	p := &pool[int]{items: []int{1, 2}}
	p.start(func(int) {})
	p.stop()
}

// A named function started with go through a helper: loop calls addWorker, which adds.
var workers sync.WaitGroup

func addWorker(f func()) {
	workers.Add(1) // want `workers.Add in addWorker runs in the goroutine started at sibling.go:\d+, which workers does not count, and may race with workers.Wait in shutdown: an Add when the counter is zero must happen before Wait`
	go func() {
		defer workers.Done()
		f()
	}()
}

func loop(jobs []func()) {
	for _, j := range jobs {
		addWorker(j)
	}
}

func launch(jobs []func()) { go loop(jobs) }

func shutdown() { workers.Wait() }

// A method value: go s.spawn, but spawn is also passed as a value to register, which
// may call it anywhere.
type valued struct {
	wg sync.WaitGroup
}

func (s *valued) spawn() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
	}()
}

func register(f func()) { f() }

func (s *valued) start() {
	go s.spawn()
	register(s.spawn)
}

func (s *valued) stop() { s.wg.Wait() }

// The caller of spawn holds s.mu, which stop takes too before it waits: the lock may
// order the Adds before the Wait (a stopped flag set under it).
type locked struct {
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

func (s *locked) spawn(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

func (s *locked) spawnAll(fs []func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	for _, f := range fs {
		s.spawn(f)
	}
}

func (s *locked) start(fs []func()) { go s.spawnAll(fs) }

func (s *locked) stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.wg.Wait()
}

// robfig/cron: stop sends on c.stop, which run's loop receives before it returns; only
// then does stop wait, so no startJob can run after the Wait begins.
type scheduler struct {
	jobs   chan func()
	stopc  chan struct{}
	waiter sync.WaitGroup
}

func (c *scheduler) startJob(j func()) {
	c.waiter.Add(1)
	go func() {
		defer c.waiter.Done()
		j()
	}()
}

func (c *scheduler) run() {
	for {
		select {
		case j := <-c.jobs:
			c.startJob(j)
		case <-c.stopc:
			return
		}
	}
}

func (c *scheduler) start() { go c.run() }

func (c *scheduler) stop() {
	c.stopc <- struct{}{}
	go func() {
		c.waiter.Wait()
	}()
}
