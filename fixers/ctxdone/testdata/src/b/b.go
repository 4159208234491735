package b

import "context"

type server struct {
	reqs chan int
	done chan struct{}
	kick chan struct{} // a signal: sent on, not a stop channel
	idle chan struct{} // never closed
}

func newServer() *server {
	s := &server{reqs: make(chan int), done: make(chan struct{}), kick: make(chan struct{})}
	go s.loop()
	return s
}

// loop is started with go: it stops when s.done is closed.
func (s *server) loop() {
	for { // want `endless loop blocks on channel operations without a case for s.done`
		select {
		case r := <-s.reqs:
			handle(r)
		case <-s.kick:
		}
	}
}

func (s *server) Do(r int) bool {
	select {
	case s.reqs <- r:
		return true
	case <-s.done:
		return false
	}
}

func (s *server) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *server) Close() { close(s.done) }

func handle(int) {}

// tick stops when its stop parameter is closed.
func tick(stop <-chan struct{}, out chan<- int) {
	for { // want `endless loop blocks on channel operations without a case for stop`
		out <- 1
	}
}

func startTick(out chan<- int) func() {
	stop := make(chan struct{})
	go tick(stop, out)
	go drain(stop, out)
	return func() { close(stop) }
}

// drain is only started with go: its result is discarded.
func drain(stop <-chan struct{}, in chan<- int) error {
	for { // want `endless loop blocks on channel operations without a case for stop`
		in <- 2
	}
}

// captured stops when the captured quit is closed.
func captured(in <-chan int) func() {
	quit := make(chan struct{})
	go func() {
		for { // want `endless loop blocks on channel operations without a case for quit`
			v := <-in
			_ = v
		}
	}()
	return func() { close(quit) }
}

// pump returns an error that its callers read: no error fits a closed s.done.
func (s *server) pump() error {
	for { // want `endless loop blocks on channel operations without a case for s.done`
		<-s.reqs
	}
}

func (s *server) startPump() {
	go s.pump()
	_ = s.pump
}

// Start has a context it does not pass to its goroutine, and the receiver has a stop
// channel: which one ends the goroutine?
func (s *server) Start(ctx context.Context) {
	go func() {
		for { // want `endless loop blocks on channel operations without a case for a Done channel`
			r := <-s.reqs
			handle(r)
		}
	}()
}

// Negatives.

// selfDone closes its own done channel: it is not a stop signal for it.
func selfDone(in <-chan int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			<-in
		}
	}()
	return done
}

type twoStops struct {
	a, b chan struct{}
	in   chan int
}

func (t *twoStops) start() { go t.run() }

// run has two stop channels.
func (t *twoStops) run() {
	for { // want `endless loop blocks on channel operations without a case for a Done channel`
		<-t.in
	}
}

func (t *twoStops) stop() {
	close(t.a)
	close(t.b)
}

type plain struct {
	reqs chan int
	done chan struct{}
}

func (p *plain) start() { go p.loop() }

// loop's senders wait unconditionally.
func (p *plain) loop() {
	for { // want `endless loop blocks on channel operations without a case for p.done`
		<-p.reqs
	}
}

func (p *plain) Do(r int) { p.reqs <- r }

func (p *plain) Close() { close(p.done) }
