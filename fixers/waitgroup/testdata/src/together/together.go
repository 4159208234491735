// Package together holds the cases where one fix would expose another bug on the same
// path (issue 12): an Add moved out of its goroutine while a return still skips the
// goroutine's Done turns a race into a certain deadlock. Both parts in one fix, or
// neither. And an Add before the go statement of the goroutine it counts is never
// reported as inside a goroutine.
package together

import (
	"errors"
	"net"
	"sync"
)

var errClosed = errors.New("closed")

type Server struct {
	wg    sync.WaitGroup
	conns int
	mu    sync.Mutex
}

func handle(c net.Conn) error { return c.Close() }

func dial() (net.Conn, error) { return nil, errClosed }

// Modelled on gansidui/gotcp#8 (Start adds inside the goroutine, Stop's Wait races with
// it), with an early return that skips Done: moving the Add alone would make Wait block
// forever whenever dial fails. The Add moves and the Done is deferred, in one fix.
func (s *Server) Start() {
	go func() {
		s.wg.Add(1) // want `s.wg.Add is called inside the goroutine it counts`
		c, err := dial()
		if err != nil {
			return
		}
		handle(c)
		s.wg.Done() // want `s.wg.Done is not deferred and a return skips it: s.wg.Wait blocks forever \(no fix: the fix of the Add at line 31 defers it\)`
	}()
}

func (s *Server) Stop() { s.wg.Wait() }

// The same, but the goroutine works after its Done: the Done cannot be deferred, so the
// Add is not moved either (each finding says why).
func (s *Server) StartLate() {
	go func() {
		s.wg.Add(1) // want `s.wg.Add is called inside the goroutine it counts: s.wg.Wait may return before it runs \(no fix: a return skips s.wg.Done, which cannot be deferred \(the goroutine does more work after Done\): moving the Add alone would make s.wg.Wait block forever\)`
		c, err := dial()
		if err != nil {
			return
		}
		s.wg.Done() // want `s.wg.Done is not deferred and a return skips it: s.wg.Wait blocks forever \(no fix: the goroutine does more work after Done\)`
		handle(c)
	}()
}

// Look-alike: nothing skips Done: the Add moves alone.
func (s *Server) StartPlain() {
	go func() {
		s.wg.Add(1) // want `s.wg.Add is called inside the goroutine it counts`
		if c, err := dial(); err == nil {
			handle(c)
		}
		s.wg.Done()
	}()
}

// An accept loop that counts each connection's goroutine before starting it: the Add is
// before the go statement of the goroutine it counts (serve is a closure: its Done is
// not visible at the go statement), and the loop's goroutine has its own count. Nothing
// to report.
func (s *Server) Serve(ln net.Listener) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve := func() {
				defer s.wg.Done()
				handle(c)
			}
			s.wg.Add(1)
			go serve()
		}
	}()
}

type pool struct {
	wg sync.WaitGroup
	n  int
}

func (p *pool) worker() { defer p.wg.Done() }

// The same through a method value: the Add is for run's goroutine.
func (p *pool) spawn() {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		run := p.worker
		p.wg.Add(1)
		go run()
	}()
}

// Look-alike: the nested goroutine is a function of another package that is given
// nothing holding the WaitGroup: the Add is the outer goroutine's own, inside it.
func (p *pool) log(ln net.Listener) {
	go func() {
		p.wg.Add(1) // want `p.wg.Add is called inside the goroutine it counts`
		defer p.wg.Done()
		go ln.Close()
		p.n++
	}()
}

const debug = false

// A return under a constant-false switch is dead code: nothing skips the Done.
func (p *pool) quiet() {
	p.wg.Add(1)
	go func() {
		if debug {
			return
		}
		p.n++
		p.wg.Done()
	}()
}
