package done

import (
	"log"
	"sync"
	"time"
)

// A method deferred through the receiver that holds the WaitGroup: its body, in the
// package, decides whether it may call Done (ProtonMail/gluon#346's async.Group).

type group struct {
	wg     sync.WaitGroup
	name   string
	logger *log.Logger
}

func (g *group) logf(format string, args ...any) { g.logger.Printf(format, args...) }

// handlePanic recovers and logs, through another method and a function of the
// package: it never calls Done.
func (g *group) handlePanic() {
	if r := recover(); r != nil {
		g.logf("%s: panic: %v", g.name, r)
		describe(g, r)
	}
}

func describe(g *group, r any) { log.Println(g.name, r) }

func (g *group) once(fn func()) {
	g.wg.Add(1)
	go func() {
		defer g.handlePanic()
		fn()
		g.wg.Done() // want `g.wg.Done is not deferred and a recovered panic skips it: g.wg.Wait blocks forever`
	}()
}

func (g *group) wait() { g.wg.Wait() }

// Look-alike: the deferred method releases the WaitGroup itself on a panic, through a
// method it calls.
type server struct {
	wg      sync.WaitGroup
	onPanic func(s *server, r any)
	cleanup func()
}

func (s *server) release() { s.wg.Done() }

func (s *server) recoverConn() {
	if r := recover(); r != nil {
		log.Println("conn panic:", r)
		s.release()
	}
}

func (s *server) serve(handle func()) {
	s.wg.Add(1)
	go func() {
		defer s.recoverConn()
		handle()
		s.wg.Done()
	}()
}

// Look-alike: the deferred method hands the receiver to a function value, which may
// call Done.
func (s *server) reportPanic() {
	if r := recover(); r != nil {
		s.onPanic(s, r)
	}
}

func (s *server) serveReported(handle func()) {
	s.wg.Add(1)
	go func() {
		defer s.reportPanic()
		handle()
		s.wg.Done()
	}()
}

// Look-alike: the deferred method hands a method value that calls Done to another
// package, to run later.
func (s *server) recoverLater() {
	if r := recover(); r != nil {
		time.AfterFunc(time.Second, s.release)
	}
}

func (s *server) serveLater(handle func()) {
	s.wg.Add(1)
	go func() {
		defer s.recoverLater()
		handle()
		s.wg.Done()
	}()
}

// Look-alike: the deferred method calls a function field of the receiver (which may
// have been set to a closure that calls Done).
func (s *server) recoverCleanup() {
	if recover() != nil {
		s.cleanup()
	}
}

func (s *server) serveCleanup(handle func()) {
	s.wg.Add(1)
	go func() {
		defer s.recoverCleanup()
		handle()
		s.wg.Done()
	}()
}

// Look-alike: the deferred method runs an interface method that a type of the package
// implements by calling Done.
type panicHandler interface{ handle(r any) }

type releaser struct{ wg *sync.WaitGroup }

func (r releaser) handle(any) { r.wg.Done() }

type dispatcher struct {
	wg sync.WaitGroup
	ph panicHandler
}

func (d *dispatcher) recoverTo() {
	if r := recover(); r != nil {
		d.ph.handle(r)
	}
}

func (d *dispatcher) run(fn func()) {
	d.wg.Add(1)
	d.ph = releaser{&d.wg}
	go func() {
		defer d.recoverTo()
		fn()
		d.wg.Done()
	}()
}
