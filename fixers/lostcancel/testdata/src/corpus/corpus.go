// Package corpus holds context bugs modelled on upstream reports, one function or small
// type each, for counting what lostcancel reports and fixes (issue 15; see corpus_test.go).
// Each case cites its report; the look-alikes at the end are correct code that must not
// be reported.
//
// Counts: 16 cases, all reported, 10 of them fixed, 6 reported without a fix (4: the
// context is handed to the poller; 6, 7: in a loop; 14: the context is returned; 15, 16:
// signal.NotifyContext). 6
// look-alikes: 4 (17-20) not reported; 2 (21, 22: the context handed to work that
// outlives the function, through a goroutine of a package method or a stop channel)
// reported without a fix, as go vet reports them (session 10 fixed them, wrongly).
package corpus

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// ---------------------------------------------------------------------------------------
// Class 1: a cancel function held in a local but not called on every path.
// ---------------------------------------------------------------------------------------

// 1. projectcalico/calico#6187 ("Call context cancel() func on error"): the watcher's
// cancel is called when the list fails, and forgotten on the success path, which returns
// the first revision only.
type kvClient interface {
	List(ctx context.Context, prefix string) (rev int64, err error)
}

type syncer struct {
	kv      kvClient
	prefix  string
	timeout time.Duration
}

func (s *syncer) firstRevision(parent context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(parent, s.timeout) // want `cancel function returned by context.WithTimeout is not called on all paths`
	rev, err := s.kv.List(ctx, s.prefix)
	if err != nil {
		cancel()
		return 0, err
	}
	return rev, nil
}

// 2. ChainSafe/gossamer#1243 (dot/network/service.go:95: "the cancel function is not used
// on all paths ... this return statement may be reached without using the cancel var"):
// a clean-up closure calls cancel and closes the listener, and only the error paths run it.
type netService struct {
	ln   net.Listener
	addr string
}

func (s *netService) serveOnce(parent context.Context, handle func(context.Context, net.Conn) error) error {
	ctx, cancel := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is not called on all paths`
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	cleanup := func() {
		cancel()
		ln.Close()
	}
	conn, err := ln.Accept()
	if err != nil {
		cleanup()
		return err
	}
	if err := handle(ctx, conn); err != nil {
		cleanup()
		return err
	}
	s.ln = ln
	return nil
}

// 3. ne-sachirou/go-graceful#20 ("lostcancel: the cancel function is not used on all paths
// ... return errors.Join(errors.New(\"failed to start servers\"), err)"): the cause
// cancel is deferred only once the servers have started; the early return for a failed
// start skips it.
type server interface {
	Start(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

func runServers(ctx context.Context, servers []server) error {
	ctx, cancel := context.WithCancelCause(ctx) // want `cancel function returned by context.WithCancelCause is not called on all paths`
	var startErr error
	for _, s := range servers {
		if err := s.Start(ctx); err != nil {
			startErr = errors.Join(startErr, err)
		}
	}
	if startErr != nil {
		return errors.Join(errors.New("failed to start servers"), startErr)
	}
	defer cancel(nil)
	<-ctx.Done()
	return context.Cause(ctx)
}

// 4. xmtp/xmtpd#1909 ("Only the error-path defer invokes cancel()"): the subscription's
// cancel is deferred under `if err != nil` in a closure; the successful subscription keeps
// its poller's context for ever. Named result.
//
// Reported without a fix: the deferred literal holds every reference to cancel and calls
// it only when the named result err is not nil, and the return may succeed. No fix, since
// the poller keeps the context (its owner must get the cancel). go vet misses it. The
// look-alikes where the success path hands the cancel on (grpc) or a goroutine calls it
// (caddy) are in package held.
type subscriber struct {
	poll func(ctx context.Context, originator uint32) (<-chan []byte, error)
}

func (s *subscriber) subscribe(ctx context.Context, originator uint32) (ch <-chan []byte, err error) {
	subCtx, cancel := context.WithCancel(ctx) // want `cancel function returned by context\.WithCancel is not called on all paths`
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	ch, err = s.poll(subCtx, originator)
	return ch, err
}

// 5. nci/gsky#29 ("the ctxCancel function is not used on all paths"): `defer` written
// inside the error branch, so only a failed fetch releases the timeout.
type tileFetcher struct {
	fetch   func(ctx context.Context, url string) ([]byte, error)
	timeout time.Duration
}

func (f *tileFetcher) tile(ctx context.Context, url string) ([]byte, error) {
	ctx, ctxCancel := context.WithTimeout(ctx, f.timeout) // want `cancel function returned by context.WithTimeout is not called on all paths`
	b, err := f.fetch(ctx, url)
	if err != nil {
		defer ctxCancel()
		return nil, err
	}
	return b, nil
}

// 6. dgraph-io/dgraph#9632 ("Each retry accumulated an uncancelled context"): the retry
// loop assigns a fresh timeout context each attempt to the same variable; only the last
// one is cancelled after the loop.
type raftClient struct {
	propose func(ctx context.Context, data []byte) error
	backoff time.Duration
}

func (c *raftClient) proposeRetry(parent context.Context, data []byte, attempts int) error {
	var (
		ctx    context.Context
		cancel context.CancelFunc
		err    error
	)
	for i := 0; i < attempts; i++ {
		ctx, cancel = context.WithTimeout(parent, c.backoff) // want `cancel function returned by context.WithTimeout is not called on all paths \(no fix: in a loop, and ctx is declared outside the block\)`
		if err = c.propose(ctx, data); err == nil {
			break
		}
	}
	if cancel != nil {
		cancel()
	}
	return err
}

// 7. cadence-workflow/cadence#986 ("rpc call cancel function should not use defer in for
// loop"): the per-iteration cancel is called when the call succeeds; the `continue` of a
// retryable error skips it.
type historyClient struct {
	poll    func(ctx context.Context, task string) (string, error)
	timeout time.Duration
}

func (c *historyClient) pollLoop(ctx context.Context, task string, out chan<- string) error {
	for {
		pctx, cancel := context.WithTimeout(ctx, c.timeout) // want `cancel function returned by context.WithTimeout is not called on all paths \(no fix: in a loop, and control can leave the block here without calling cancel\)`
		r, err := c.poll(pctx, task)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				continue
			}
			cancel()
			return err
		}
		cancel()
		select {
		case out <- r:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// 8. superfly/flyctl#1155 (internal/command/ping: "this return statement may be reached
// without using the cancel var defined on line 142"): a switch on the probe kind; the ICMP
// arm returns its error without cancelling.
type pinger struct {
	icmp func(ctx context.Context, host string) (time.Duration, error)
	tcp  func(ctx context.Context, host string) (time.Duration, error)
}

func (p *pinger) ping(ctx context.Context, kind, host string) (time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is not called on all paths`
	switch kind {
	case "icmp":
		d, err := p.icmp(ctx, host)
		if err != nil {
			return 0, err
		}
		cancel()
		return d, nil
	case "tcp":
		defer cancel()
		return p.tcp(ctx, host)
	default:
		cancel()
		return 0, errors.New("unknown probe " + kind)
	}
}

// 9. line/centraldogma-go#41 (watch_cmd.go:55, "Fix possible context leak in watch_cmd"):
// the watch command's timeout is released in a select loop's result case; the
// early return for a bad revision skips it.
//
// Missed before session 11: the select's `case <-ctx.Done():` was taken for a receive on
// every path through the select, because the cfg evaluates each case's comm statement in
// the block before the select (fixers/internal/cfg/builder.go:306, as go/cfg does). doneAt
// now skips comm statements; only the Done case's body is done.
type watchResult struct {
	Revision int
	Err      error
}

type dogma struct {
	watch func(ctx context.Context, repo string) <-chan watchResult
}

func (d *dogma) watchFile(ctx context.Context, repo string, timeout time.Duration, onChange func(int)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout) // want `cancel function returned by context.WithTimeout is not called on all paths`
	ch := d.watch(ctx, repo)
	for {
		select {
		case r := <-ch:
			if r.Err != nil {
				cancel()
				return r.Err
			}
			if r.Revision < 0 {
				return errors.New("bad revision")
			}
			onChange(r.Revision)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ---------------------------------------------------------------------------------------
// Class 2: a cancel function stored for a component's lifetime.
// ---------------------------------------------------------------------------------------

// 10. gravitational/teleport#1993 ("Use a close context to signal server closing", fixes
// #1966): the forwarding server keeps closeCancel for its keep-alive loop, and Close closes
// the connection without cancelling: the keep-alive goroutine lives on.
type fwdServer struct {
	conn        net.Conn
	closeCtx    context.Context
	closeCancel context.CancelFunc
	interval    time.Duration
}

func newFwdServer(conn net.Conn, interval time.Duration) *fwdServer {
	s := &fwdServer{conn: conn, interval: interval}
	s.closeCtx, s.closeCancel = context.WithCancel(context.Background()) // want `cancel function returned by context.WithCancel is kept in fwdServer.closeCancel, which nothing calls: the context is never released`
	go s.keepAlive()
	return s
}

func (s *fwdServer) keepAlive() {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.conn.Write([]byte("keepalive@openssh.com"))
		case <-s.closeCtx.Done():
			return
		}
	}
}

func (s *fwdServer) Close() error {
	return s.conn.Close()
}

// 11. gopcua/opcua#235 ("Force cancellation of the monitorChannel() goroutine when the
// session is closed"): Connect keeps cancelMonitor; Close closes the secure channel and
// relies on Receive failing to end the monitor.
type secureChannel interface {
	Receive(ctx context.Context) ([]byte, error)
	Close() error
}

type opcClient struct {
	sechan        secureChannel
	cancelMonitor context.CancelFunc
	mu            sync.Mutex
	last          []byte
}

func (c *opcClient) Connect(ctx context.Context, sc secureChannel) error {
	c.sechan = sc
	ctx, c.cancelMonitor = context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in opcClient.cancelMonitor, which nothing calls: the context is never released`
	go c.monitorChannel(ctx)
	return nil
}

func (c *opcClient) monitorChannel(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		default:
			msg, err := c.sechan.Receive(ctx)
			if err != nil {
				continue
			}
			c.mu.Lock()
			c.last = msg
			c.mu.Unlock()
		}
	}
}

func (c *opcClient) Close() error {
	return c.sechan.Close()
}

// 12. etcd-io/etcd#6326 ("fix routine leak with cluster proxy"; review: "this should
// really be a l.stopCancel() in recvKeepAliveLoop()'s defer"): the lessor's stopCancel is
// called by the keep-alive loop when its stream fails, and Close, which ends the lessor's
// life, only waits for the loop.
//
// Missed before session 11, when only a field that nothing calls was followed. Now
// reported, and fixed with the release before Close's wait for the loop (a deferred one
// would run after a wait that only the release can end).
type leaseStream interface {
	Recv() (int64, error)
}

type lessor struct {
	stopCtx    context.Context
	stopCancel context.CancelFunc
	stream     leaseStream
	donec      chan struct{}
}

func newLessor(s leaseStream) *lessor {
	l := &lessor{stream: s, donec: make(chan struct{})}
	l.stopCtx, l.stopCancel = context.WithCancel(context.Background()) // want `cancel function returned by context.WithCancel is kept in lessor.stopCancel, which lessor.Close never calls`
	go l.recvKeepAliveLoop()
	return l
}

func (l *lessor) recvKeepAliveLoop() {
	defer close(l.donec)
	for {
		if _, err := l.stream.Recv(); err != nil {
			l.stopCancel()
			return
		}
		select {
		case <-l.stopCtx.Done():
			return
		default:
		}
	}
}

func (l *lessor) Close() error {
	<-l.donec
	return nil
}

// 13. DataDog/datadog-agent#32331 ("quit leader election if context was cancelled ...
// Avoid go routine leaks"): Start keeps the election's cancel; Stop waits for the
// campaign goroutine, which only returns when that context ends.
//
// Fixed, with the release right before Stop's e.wg.Wait() (session 10 deferred it, after
// the Wait that only the release can end: Stop still hung).
type elector struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	campaign func(ctx context.Context) error
}

func (e *elector) Start(ctx context.Context) {
	ctx, e.cancel = context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is kept in elector.cancel, which nothing calls: the context is never released`
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		for ctx.Err() == nil {
			_ = e.campaign(ctx)
		}
	}()
}

func (e *elector) Stop() {
	e.wg.Wait()
}

// 14. sonm-io/core#149 (hub New, review: "Move it as much close as possible to &Hub to
// avoid cancel leak in err != nil"): the constructor derives the hub's context first and
// returns on a failed listen before the cancel is stored.
type hub struct {
	ctx    context.Context
	cancel context.CancelFunc
	ln     net.Listener
}

func newHub(ctx context.Context, addr string) (*hub, error) {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is not called on all paths \(no fix: the context is returned\)`
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &hub{ctx: ctx, cancel: cancel, ln: ln}, nil
}

func (h *hub) Close() error {
	h.cancel()
	return h.ln.Close()
}

// ---------------------------------------------------------------------------------------
// Class 3: signal.NotifyContext's stop never called.
// ---------------------------------------------------------------------------------------

// 15. hemilabs/heminetwork#763 ("as soon as the context is cancelled by the first signal
// being received, stop receiving signals to allow Go to handle further signals"): the
// daemon's run calls stop only when it fails, so a second Ctrl-C is swallowed while it
// shuts down.
type daemon struct {
	run      func(ctx context.Context) error
	shutdown func(ctx context.Context) error
}

func (d *daemon) serve(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM) // want `stop function returned by signal.NotifyContext is not called on all paths \(no fix: stopping the notification restores the signals' default behaviour\)`
	err := d.run(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		stop()
		return err
	}
	return d.shutdown(context.WithoutCancel(ctx))
}

// 16. golang/go#37255 (os/signal: add NotifyContext, the double-signal problem: "Future
// interrupts received will not trigger the default (exit) behavior until the returned
// stop function is called"): a CLI command discards stop.
type command struct {
	exec func(ctx context.Context, args []string) error
}

func (c *command) Execute(args []string) error {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt) // want `stop function returned by signal.NotifyContext is discarded \(no fix: stopping the notification restores the signals' default behaviour\)`
	return c.exec(ctx, args)
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must not be reported.
// ---------------------------------------------------------------------------------------

// 17. sethvargo/go-signalcontext#2 ("return a new closure that also calls signal.Stop"):
// the cancel is handed on to the caller inside the returned release function.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	go func() {
		select {
		case <-c:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(c)
		cancel()
	}
}

// 18. golang/go#20576 (WithTimeout and a select on ctx.Done()): the path that returns
// after <-ctx.Done() has its context already done; the other path cancels.
func waitReady(ready <-chan struct{}, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ready:
		cancel()
		return nil
	}
}

// 19. kubernetes/kubernetes#124012 (coordinated leader election: OnStartedLeading derives
// the runner's context, OnStoppedLeading cancels it): the cancel is kept in a variable of
// the enclosing function that another callback calls.
type callbacks struct {
	OnStartedLeading func(ctx context.Context)
	OnStoppedLeading func()
}

func runWithLeaderElection(run func(ctx context.Context)) callbacks {
	var cancel context.CancelFunc
	return callbacks{
		OnStartedLeading: func(ctx context.Context) {
			ctx, cancel = context.WithCancel(ctx)
			run(ctx)
		},
		OnStoppedLeading: func() {
			if cancel != nil {
				cancel()
			}
		},
	}
}

// 20. gravitational/teleport#1993, after the fix: Close cancels the keep-alive context.
type fixedServer struct {
	conn        net.Conn
	closeCtx    context.Context
	closeCancel context.CancelFunc
}

func newFixedServer(conn net.Conn) *fixedServer {
	s := &fixedServer{conn: conn}
	s.closeCtx, s.closeCancel = context.WithCancel(context.Background())
	go func() {
		<-s.closeCtx.Done()
	}()
	return s
}

func (s *fixedServer) Close() error {
	s.closeCancel()
	return s.conn.Close()
}

// ---------------------------------------------------------------------------------------
// Look-alikes that must not be fixed, which session 10's code fixed wrongly: the context
// outlives the function on purpose, handed to work that keeps running. Reporting them is
// what go vet does; a fix would stop that work when the function returns.
// ---------------------------------------------------------------------------------------

// 21. MasterOfBinary/gobatch#1 ("Don't close context at the end of Go()": "removed the
// `defer cancel()` part. The statement results in the batch being instantly cancelled as
// soon as Go() returns"): Go hands the context to start, a method of the package, which
// runs the reader in a goroutine.
//
// Was a WRONG FIX: `defer cancel()` ended the reader as soon as Go returned. start's body
// passes ctx to a go statement (model.Retains): reported without a fix.
type batch struct {
	mu      sync.Mutex
	running bool
	process func(ctx context.Context, items []int) error
}

func (b *batch) Go(ctx context.Context, src <-chan int) error {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is not called on all paths \(no fix: start keeps the context after it returns\)`
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running {
		cancel()
		return errors.New("batch already running")
	}
	b.running = true
	b.start(ctx, src)
	return nil
}

func (b *batch) start(ctx context.Context, src <-chan int) {
	go b.doReader(ctx, src)
}

func (b *batch) doReader(ctx context.Context, src <-chan int) {
	var items []int
	for {
		select {
		case <-ctx.Done():
			return
		case it, ok := <-src:
			if !ok {
				_ = b.process(ctx, items)
				return
			}
			items = append(items, it)
		}
	}
}

// 22. kubernetes-sigs/external-dns#2145 ("Informers aren't explicitly stopped on
// shutdown": informerFactory.Start(wait.NeverStop)) and grafana/beyla#747 ("Informers had
// their own stopChan but it was never closed ... We replace the stopChan by just receiving
// a cancellable context"): the factory runs its informers until the stop channel, the
// context's Done channel, closes.
//
// Was a WRONG FIX: `defer cancel()` closed the stop channel when run returned, which
// stopped every informer right after their caches synced. A Done channel handed on is
// kept, as stop channels are: reported without a fix.
type informerFactory interface {
	Start(stopCh <-chan struct{})
	WaitForCacheSync(stopCh <-chan struct{}) map[string]bool
}

type dnsSource struct {
	factory informerFactory
}

func (s *dnsSource) run(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is not called on all paths \(no fix: the context.s Done channel is handed on, and the callee may keep it\)`
	s.factory.Start(ctx.Done())
	for typ, ok := range s.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			cancel()
			return errors.New("failed to sync " + typ)
		}
	}
	return nil
}
