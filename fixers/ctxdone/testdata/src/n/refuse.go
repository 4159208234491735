package n

import (
	"context"
	"sync"
)

// Look-alikes: contexts in fields that are not the goroutine's exit. None is reported
// (a finding on a field's context comes with its fix or not at all).

// restarter sets its context again in Reset, while the goroutine may read it.
type restarter struct {
	ctx    context.Context
	cancel context.CancelFunc
	in     chan int
	out    chan int
}

func newRestarter(ctx context.Context) *restarter {
	r := &restarter{in: make(chan int), out: make(chan int)}
	r.ctx, r.cancel = context.WithCancel(ctx)
	go r.loop()
	return r
}

func (r *restarter) Reset() {
	r.cancel()
	r.ctx, r.cancel = context.WithCancel(context.Background())
}

func (r *restarter) loop() {
	for {
		select {
		case <-r.ctx.Done():
			return
		case v := <-r.in:
			r.out <- v
		}
	}
}

func (r *restarter) Out() <-chan int { return r.out }

// late publishes the value (go l.loop()) before it sets the context.
type late struct {
	ctx context.Context
	in  chan int
	out chan int
}

func newLate(ctx context.Context) *late {
	l := &late{in: make(chan int), out: make(chan int)}
	go l.loop()
	l.ctx = ctx
	return l
}

func (l *late) loop() {
	for {
		select {
		case <-l.ctx.Done():
			return
		case v := <-l.in:
			l.out <- v
		}
	}
}

func (l *late) Out() <-chan int { return l.out }

// unused holds a context its goroutine never looks at: it may be the context of the
// requests the type makes, not the goroutine's lifetime.
type unused struct {
	ctx context.Context
	in  chan int
	out chan int
}

func newUnused(ctx context.Context) *unused {
	u := &unused{ctx: ctx, in: make(chan int), out: make(chan int)}
	go u.forward()
	return u
}

func (u *unused) forward() {
	for v := range u.in {
		u.out <- v
	}
}

func (u *unused) Out() <-chan int      { return u.out }
func (u *unused) Ctx() context.Context { return u.ctx }

// announcer sends its closing event once its context is known done: a case on it
// would be ready at once (a random choice between the two).
type announcer struct {
	ctx    context.Context
	in     chan string
	events chan string
}

func newAnnouncer(ctx context.Context) *announcer {
	a := &announcer{ctx: ctx, in: make(chan string), events: make(chan string)}
	go a.loop()
	return a
}

func (a *announcer) loop() {
	for {
		select {
		case m := <-a.in:
			_ = m
		case <-a.ctx.Done():
			a.events <- "closed"
			return
		}
	}
}

func (a *announcer) Events() <-chan string { return a.events }

// relay's early return would skip the WaitGroup's Done called after the loop through a
// function value: no fix, and so no report.
type relay struct {
	ctx    context.Context
	wg     sync.WaitGroup
	in     chan []byte
	out    chan []byte
	onDone func()
}

func newRelay(ctx context.Context) *relay {
	r := &relay{ctx: ctx, in: make(chan []byte), out: make(chan []byte)}
	r.onDone = r.wg.Done
	r.wg.Add(1)
	go r.pump()
	return r
}

func (r *relay) pump() {
	for m := range r.in {
		if r.ctx.Err() != nil {
			continue
		}
		r.out <- m
	}
	r.onDone()
}

func (r *relay) Out() <-chan []byte { return r.out }

// Exported: another package may set Ctx at any time.
type Exported struct {
	Ctx context.Context
	in  chan int
	out chan int
}

func NewExported(ctx context.Context) *Exported {
	e := &Exported{Ctx: ctx, in: make(chan int), out: make(chan int)}
	go e.loop()
	return e
}

func (e *Exported) loop() {
	for {
		select {
		case <-e.Ctx.Done():
			return
		case v := <-e.in:
			e.out <- v
		}
	}
}

func (e *Exported) Out() <-chan int { return e.out }

// background's context is context.Background(): its Done channel is nil.
type background struct {
	ctx context.Context
	in  chan int
	out chan int
}

func newBackground() *background {
	b := &background{ctx: context.Background(), in: make(chan int), out: make(chan int)}
	go b.loop()
	return b
}

func (b *background) loop() {
	for {
		select {
		case <-b.ctx.Done():
			return
		case v := <-b.in:
			b.out <- v
		}
	}
}

func (b *background) Out() <-chan int { return b.out }

// conditional sets its context only on one branch of its constructor, after the value
// was passed to register.
type conditional struct {
	ctx context.Context
	in  chan int
	out chan int
}

var registry []*conditional

func register(c *conditional) { registry = append(registry, c) }

func newConditional(ctx context.Context, b bool) *conditional {
	c := &conditional{in: make(chan int), out: make(chan int)}
	register(c)
	if b {
		c.ctx = ctx
	}
	go c.loop()
	return c
}

func (c *conditional) loop() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case v := <-c.in:
			c.out <- v
		}
	}
}

func (c *conditional) Out() <-chan int { return c.out }

// sibling's Start sets its own context, then starts the loop of another value, whose
// context it did not set.
type sibling struct {
	ctx    context.Context
	cancel context.CancelFunc
	next   *sibling
	in     chan int
	out    chan int
}

func (s *sibling) Start(ctx context.Context) {
	s.ctx, s.cancel = context.WithCancel(ctx)
	go s.next.loop()
}

func (s *sibling) loop() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case v := <-s.in:
			s.out <- v
		}
	}
}

func (s *sibling) Out() <-chan int { return s.out }

// early's constructor starts a goroutine that captures the value before it sets the
// context: only field reads in between, but in a goroutine.
type early struct {
	ctx context.Context
	in  chan int
	out chan int
}

type earlyOpts struct{ ctx context.Context }

func newEarly(o earlyOpts) *early {
	e := &early{in: make(chan int), out: make(chan int)}
	go func() {
		for {
			select {
			case <-e.ctx.Done():
				return
			case v := <-e.in:
				e.out <- v
			}
		}
	}()
	e.ctx = o.ctx
	return e
}

func (e *early) Out() <-chan int { return e.out }

// franz-go's fetch manager (pkg/kgo/consumer.go, manageFetchConcurrency): the goroutine
// reacts to its context by draining (ctxCh := fm.ctx.Done(); case <-ctxCh: wantQuit =
// true), and must not return while sources are registered; each source's channel has
// room for its one value. The send to a registered source gets no ctx.Done() case.
type fetchManager struct {
	ctx    context.Context
	desire chan chan chan bool
}

func newFetchManager(ctx context.Context) *fetchManager {
	return &fetchManager{ctx: ctx, desire: make(chan chan chan bool)}
}

func (fm *fetchManager) start() { go fm.manage() }

func (fm *fetchManager) manage() {
	var (
		want     []chan chan bool
		done     = make(chan bool, 20)
		active   int
		ctxCh    = fm.ctx.Done()
		wantQuit bool
	)
	for {
		select {
		case r := <-fm.desire:
			want = append(want, r)
		case <-done:
			active--
		case <-ctxCh:
			wantQuit = true
			ctxCh = nil
		}
		if len(want) > 0 && active < 1 {
			want[0] <- done
			want = want[1:]
			active++
			continue
		}
		if wantQuit && active == 0 && len(want) == 0 {
			return
		}
	}
}
