// Package owner holds cancel functions kept in a field for the life of a component that
// some code calls, but never the component's end of life: a keepalive cancelled only when
// it fails, a watcher cancelled only when Start fails, a restart that replaces the
// context, and a hand-written errgroup whose Wait does not cancel its context (x/sync's
// errgroup does; golang/go#57534). Upstream, the same leak was fixed by cancelling in the
// end-of-life method: newrelic/infrastructure-agent#1388 ("fix: cancel context on
// heartbeat stop"), taylorchu/work#53 ("worker.Stop should cancel existing context
// handler"), wandb/parallel#7 (executors' contexts cancelled when they are awaited).
package owner

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

type Pinger interface {
	Ping(ctx context.Context) error
}

// A keepalive client: the context is cancelled when a heartbeat fails, and Close only
// closes the connection, which the heartbeats do not use: the keepalive goroutine pings on.
type Client struct {
	conn   io.Closer
	hb     Pinger
	cancel context.CancelFunc
}

func NewClient(ctx context.Context, conn io.Closer, hb Pinger) *Client {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Client.cancel, which Client.Close never calls: the context lives on after Close`
	c := &Client{conn: conn, hb: hb, cancel: cancel}
	go c.keepAlive(ctx)
	return c
}

func (c *Client) keepAlive(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.hb.Ping(ctx); err != nil {
				c.cancel()
				return
			}
		}
	}
}

func (c *Client) Close() error {
	return c.conn.Close()
}

// A watcher cancelled only when Start fails; Stop ends the loop by its stop channel.
type Watcher struct {
	cancel context.CancelFunc
	stopc  chan struct{}
	events chan string
}

func (w *Watcher) Start(ctx context.Context) error {
	ctx, w.cancel = context.WithTimeout(ctx, time.Hour) // want `cancel function returned by context.WithTimeout is kept in Watcher.cancel, which Watcher.Stop never calls`
	if err := w.subscribe(ctx); err != nil {
		w.cancel()
		return err
	}
	go w.run(ctx)
	return nil
}

func (w *Watcher) subscribe(ctx context.Context) error { return ctx.Err() }

func (w *Watcher) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.stopc:
			return
		case <-w.events:
		}
	}
}

func (w *Watcher) Stop() {
	close(w.stopc)
}

// A generic pool cancelled only when filling it fails; its end of life is Shutdown.
type Pool[T any] struct {
	items  chan T
	cancel context.CancelFunc
}

func NewPool[T any](ctx context.Context, n int, mk func(context.Context) (T, error)) (*Pool[T], error) {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Pool.cancel, which Pool.Shutdown never calls`
	p := &Pool[T]{items: make(chan T, n), cancel: cancel}
	for range n {
		v, err := mk(ctx)
		if err != nil {
			cancel()
			return nil, err
		}
		p.items <- v
	}
	go p.refill(ctx, mk)
	return p, nil
}

func (p *Pool[T]) refill(ctx context.Context, mk func(context.Context) (T, error)) {
	for {
		v, err := mk(ctx)
		if err != nil {
			return
		}
		select {
		case p.items <- v:
		case <-ctx.Done():
			return
		}
	}
}

func (p *Pool[T]) Shutdown() {
	for {
		select {
		case <-p.items:
		default:
			return
		}
	}
}

// A renewer whose parent context comes from its options (etcd's concurrency.NewSession
// derives from ops.ctx): an options value is no component that ends the context, so the
// finding stands.
type renewOptions struct {
	ctx context.Context
}

type Renewer struct {
	cancel context.CancelFunc
	stopc  chan struct{}
}

func NewRenewer(opts renewOptions, renew func(context.Context) error) *Renewer {
	ctx, cancel := context.WithCancel(opts.ctx) // want `cancel function returned by context.WithCancel is kept in Renewer.cancel, which Renewer.Close never calls`
	r := &Renewer{cancel: cancel, stopc: make(chan struct{})}
	go func() {
		for {
			select {
			case <-r.stopc:
				return
			case <-time.After(time.Second):
				if renew(ctx) != nil {
					r.cancel()
					return
				}
			}
		}
	}()
	return r
}

func (r *Renewer) Close() {
	close(r.stopc)
}

// A restartable replicator: Start replaces the context of the previous run (consul#6115's
// Start/Stop/Start/Stop shape), and Stop leaves the last one alive.
type Replicator struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (r *Replicator) Start(ctx context.Context) {
	if r.cancel != nil {
		r.cancel()
	}
	ctx, r.cancel = context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Replicator.cancel, which Replicator.Stop never calls`
	r.done = make(chan struct{})
	go func() {
		defer close(r.done)
		<-ctx.Done()
	}()
}

func (r *Replicator) Stop() {
	r.done = nil
}

// A hand-written errgroup whose Wait does not cancel the group's context: x/sync's
// errgroup.Wait calls g.cancel(g.err) after g.wg.Wait().
type Group struct {
	cancel  func(error)
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
}

func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx) // want `cancel function returned by context.WithCancelCause is kept in Group.cancel, which Group.Wait never calls: the context lives on after Wait`
	return &Group{cancel: cancel}, ctx
}

func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.errOnce.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel(err)
				}
			})
		}
	}()
}

func (g *Group) Wait() error {
	g.wg.Wait()
	return g.err
}

// A session written under its lock: reported, but the release would read the field
// without the lock.
type Session struct {
	mu     sync.Mutex
	cancel context.CancelFunc
}

func (s *Session) Open(ctx context.Context, dial func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, s.cancel = context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Session.cancel, which Session.Close never calls: the context lives on after Close \(no fix: Session.cancel is assigned where a lock is taken, which the release would not hold\)`
	go func() {
		if err := dial(ctx); err != nil {
			s.cancel()
		}
	}()
}

func (s *Session) Close() error { return nil }

// Look-alike: the loop defers the cancel and Close ends the loop by closing its stop
// channel: the context is released already.
type ticker struct {
	cancel context.CancelFunc
	stopc  chan struct{}
}

func newTicker(ctx context.Context) *ticker {
	ctx, cancel := context.WithCancel(ctx)
	t := &ticker{cancel: cancel, stopc: make(chan struct{})}
	go t.loop(ctx)
	return t
}

func (t *ticker) loop(ctx context.Context) {
	defer t.cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.stopc:
			return
		}
	}
}

func (t *ticker) Close() { close(t.stopc) }

// Look-alike: the loop cancels in the case that Close brings about.
type notifier struct {
	cancel context.CancelFunc
	quit   chan struct{}
}

func newNotifier(ctx context.Context) *notifier {
	ctx, cancel := context.WithCancel(ctx)
	n := &notifier{cancel: cancel, quit: make(chan struct{})}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-n.quit:
				n.cancel()
				return
			}
		}
	}()
	return n
}

func (n *notifier) Close() { close(n.quit) }

// Look-alike: the heartbeat fails, and cancels, because Close closes the connection it
// pings on.
type pingConn interface {
	io.Closer
	Ping() error
}

type keeper struct {
	conn   pingConn
	cancel context.CancelFunc
}

func newKeeper(ctx context.Context, conn pingConn) *keeper {
	ctx, cancel := context.WithCancel(ctx)
	k := &keeper{conn: conn, cancel: cancel}
	go func() {
		for ctx.Err() == nil {
			if err := k.ping(); err != nil {
				k.cancel()
				return
			}
			time.Sleep(time.Second)
		}
	}()
	return k
}

func (k *keeper) ping() error { return k.conn.Ping() }

func (k *keeper) Close() error { return k.conn.Close() }

// Look-alike: Close calls a helper that calls it.
type stream struct {
	cancel context.CancelFunc
}

func openStream(ctx context.Context, open func(context.Context) error) (*stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	s := &stream{cancel: cancel}
	if err := open(ctx); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

func (s *stream) Close() error {
	s.release()
	return nil
}

func (s *stream) release() {
	if s.cancel != nil {
		s.cancel()
	}
}

// Look-alike: the cancel is handed to another struct, whose owner calls it.
type worker struct{ stop context.CancelFunc }

type server struct {
	cancel  context.CancelFunc
	workers []*worker
}

func newServer(ctx context.Context) *server {
	ctx, cancel := context.WithCancel(ctx)
	s := &server{cancel: cancel}
	s.workers = append(s.workers, &worker{stop: s.cancel})
	go func() {
		if ctx.Err() != nil {
			s.cancel()
		}
	}()
	return s
}

func (s *server) Close() {}

// Look-alike: a restartable Start/Stop that calls it in Stop.
type poller struct {
	cancel context.CancelFunc
}

func (p *poller) Start(ctx context.Context) {
	if p.cancel != nil {
		p.cancel()
	}
	ctx, p.cancel = context.WithCancel(ctx)
	go func() { <-ctx.Done() }()
}

func (p *poller) Stop() {
	if p.cancel != nil {
		p.cancel()
	}
}

// Look-alike: a cancel called by a callback, which may run at any time (at Close too).
type lease struct {
	cancel context.CancelFunc
	timer  *time.Timer
}

func newLease(ctx context.Context, ttl time.Duration) *lease {
	_, cancel := context.WithCancel(ctx)
	l := &lease{cancel: cancel}
	l.timer = time.AfterFunc(ttl, func() { l.cancel() })
	return l
}

func (l *lease) Close() { l.timer.Stop() }

// Look-alike: an exported field, which other packages may call.
type Conn struct {
	Cancel context.CancelFunc
}

func Dial(ctx context.Context, dial func(context.Context) error) (*Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	if err := dial(ctx); err != nil {
		cancel()
		return nil, err
	}
	return &Conn{Cancel: cancel}, nil
}

func (c *Conn) Close() error { return nil }

// Look-alike: an election, whose Resign is no end of life (etcd's concurrency.Election
// can Campaign again after it): no end-of-life method, and the cancel is called.
type election struct {
	cancel context.CancelFunc
}

func (e *election) Campaign(ctx context.Context, win func(context.Context) error) error {
	ctx, e.cancel = context.WithCancel(ctx)
	if err := win(ctx); err != nil {
		e.cancel()
		return err
	}
	return nil
}

func (e *election) Resign() error { return errors.New("not leader") }

// Look-alike: a Wait that waits on a WaitGroup, of a type that returns no context: no
// group in x/sync's sense, no end of life.
type batch struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newBatch(ctx context.Context, jobs []func(context.Context) error) *batch {
	ctx, cancel := context.WithCancel(ctx)
	b := &batch{cancel: cancel}
	for _, j := range jobs {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			if j(ctx) != nil {
				b.cancel()
			}
		}()
	}
	return b
}

func (b *batch) Wait() { b.wg.Wait() }

// Look-alike: each stream's context derives from the lessor's own, which Close cancels
// (etcd clientv3's lessor.resetRecv: l.streamCancel is replaced per stream and only
// l.stopCancel is called by Close).
type lessor struct {
	stopCtx      context.Context
	stopCancel   context.CancelFunc
	streamCancel context.CancelFunc
}

func newLessor(ctx context.Context) *lessor {
	l := &lessor{}
	l.stopCtx, l.stopCancel = context.WithCancel(ctx)
	return l
}

func (l *lessor) resetRecv(open func(context.Context) error) error {
	sctx, cancel := context.WithCancel(l.stopCtx)
	if err := open(sctx); err != nil {
		cancel()
		return err
	}
	if l.streamCancel != nil {
		l.streamCancel()
	}
	l.streamCancel = cancel
	return nil
}

func (l *lessor) Close() error {
	l.stopCancel()
	return nil
}

// A daemon whose Start may run again after Stop under the context its constructor made
// (consul#6115's Replicator was restarted so): reported, without a fix, since a release
// in Stop would end the next run at its start.
type Daemon struct {
	ctx    context.Context
	cancel context.CancelFunc
	stopc  chan struct{}
}

func NewDaemon(ctx context.Context, check func(context.Context) error) (*Daemon, error) {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Daemon.cancel, which Daemon.Stop never calls: the context lives on after Stop \(no fix: Daemon.Start starts goroutines under Daemon's context, and may run again after Stop\)`
	if err := check(ctx); err != nil {
		cancel()
		return nil, err
	}
	return &Daemon{ctx: ctx, cancel: cancel}, nil
}

func (d *Daemon) Start() {
	d.stopc = make(chan struct{})
	go d.run(d.ctx, d.stopc)
}

func (d *Daemon) run(ctx context.Context, stop chan struct{}) {
	select {
	case <-ctx.Done():
	case <-stop:
	}
}

func (d *Daemon) Stop() { close(d.stopc) }

// A flusher whose writer drains the queue under the context after Close closes it, and
// whose heartbeat cancels the context when it fails: reported, without a fix, since a
// release when Close returns would cut the drain short.
type Flusher struct {
	cancel context.CancelFunc
	queue  chan []byte
}

func NewFlusher(ctx context.Context, hb Pinger, write func(context.Context, []byte) error) *Flusher {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in Flusher.cancel, which Flusher.Close never calls: the context lives on after Close \(no fix: a goroutine works under a context after Flusher.Close signals it, which the release could cut short\)`
	f := &Flusher{cancel: cancel, queue: make(chan []byte, 16)}
	go func() {
		for b := range f.queue {
			_ = write(ctx, b)
		}
	}()
	go func() {
		for {
			if err := hb.Ping(ctx); err != nil {
				f.cancel()
				return
			}
			time.Sleep(time.Second)
		}
	}()
	return f
}

func (f *Flusher) Close() { close(f.queue) }
