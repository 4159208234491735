// Package kept holds cancel functions kept in a field for the life of a component, which
// nothing calls: projectdiscovery/ratelimit#19 ("The context.CancelFunc never gets called
// leaking the context"): New keeps the limiter's cancel and starts its run goroutine, and
// nothing ever cancels it.
package kept

import (
	"context"
	"sync"
	"time"
)

type Limiter struct {
	ticker     *time.Ticker
	tokens     chan struct{}
	cancelFunc context.CancelFunc
}

func New(ctx context.Context, max int, d time.Duration) *Limiter {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Limiter.cancelFunc, which nothing calls: the context is never released`
	l := &Limiter{ticker: time.NewTicker(d), tokens: make(chan struct{}, max), cancelFunc: cancel}
	go l.run(ctx)
	return l
}

func (l *Limiter) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			l.ticker.Stop()
			return
		case <-l.ticker.C:
			select {
			case l.tokens <- struct{}{}:
			default:
			}
		}
	}
}

// Stop is the limiter's end of life: the fix releases the context when it returns.
func (l *Limiter) Stop() {
	l.ticker.Reset(time.Hour)
}

// A keepalive kept by a session whose Close does not cancel it (etcd's concurrency
// Session shape), set with the context in one assignment.
type session struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newSession(parent context.Context) *session {
	s := &session{done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(parent) // want `cancel function returned by context.WithCancel is kept in session.cancel, which nothing calls`
	go func() {
		<-s.ctx.Done()
		close(s.done)
	}()
	return s
}

func (s *session) Close() error {
	return nil
}

// No end-of-life method: reported without a fix.
type watcher struct {
	stop context.CancelFunc
}

func watch(ctx context.Context) *watcher {
	_, cancel := context.WithTimeout(ctx, time.Minute) // want `cancel function returned by context.WithTimeout is kept in watcher.stop, which nothing calls: the context is never released \(no fix: watcher has no Close, Stop or Shutdown method to release it in\)`
	return &watcher{stop: cancel}
}

// Look-alikes: a kept cancel that its Close calls, one that is handed on, and an
// exported field (other packages may call it).
type pool struct {
	cancel context.CancelFunc
}

func newPool(ctx context.Context) *pool {
	_, cancel := context.WithCancel(ctx)
	return &pool{cancel: cancel}
}

func (p *pool) Close() { p.cancel() }

type handed struct {
	cancel context.CancelFunc
}

func newHanded(ctx context.Context, register func(func())) *handed {
	_, cancel := context.WithCancel(ctx)
	h := &handed{cancel: cancel}
	register(h.cancel)
	return h
}

type Public struct {
	Cancel context.CancelFunc
}

func NewPublic(ctx context.Context) *Public {
	_, cancel := context.WithCancel(ctx)
	return &Public{Cancel: cancel}
}

// Look-alike: a generic type whose kept cancel is called through an instance.
type cache[K comparable] struct {
	cancel context.CancelFunc
	items  map[K]int
}

func newCache[K comparable](ctx context.Context) *cache[K] {
	_, cancel := context.WithCancel(ctx)
	return &cache[K]{cancel: cancel, items: map[K]int{}}
}

func drop(c *cache[string]) { c.cancel() }

func (c *cache[K]) restart(ctx context.Context) {
	_, c.cancel = context.WithCancel(ctx)
}

// A Stop that waits for its loop and then flushes under the context: the release cannot
// go before the wait (the flush would see a cancelled context), and a deferred one would
// run after a wait that only it can end. Reported without a fix.
type flusher struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	flush  func(context.Context) error
}

func newFlusher(parent context.Context) *flusher {
	f := &flusher{}
	f.ctx, f.cancel = context.WithCancel(parent) // want `kept in flusher.cancel, which nothing calls: the context is never released \(no fix: flusher.Stop uses ctx after it waits: releasing it before the wait would cancel that use\)`
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		<-f.ctx.Done()
	}()
	return f
}

func (f *flusher) Stop() error {
	f.wg.Wait()
	return f.flush(f.ctx)
}
