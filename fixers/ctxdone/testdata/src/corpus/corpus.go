// Package corpus holds goroutine leaks modelled on upstream reports (issue 14, class 1:
// blocking sends and endless loops without an exit), one function or small type each,
// for counting what ctxdone reports and fixes (see corpus_test.go). Each case cites its
// report; the look-alikes at the end are correct code that must stay untouched.
//
// 11 cases, 10 reported (7 fixed, 3 without a fix: 2, whose error send is refused, 8,
// whose channel is handed to code that is not visible, and 11, whose blocking send is in
// a method the goroutine calls), 1 missed: 10 (a range over a ticker's channel;
// tickerstop reports it, its corpus case 10). The look-alikes stay untouched; the last
// is reported without a fix (session 10 fixed it wrongly: the early return skipped a WaitGroup's Done called
// through a func-typed field).
package corpus

import (
	"context"
	"errors"
	"log"
	"sync"
	"sync/atomic"
	"time"
)

// ---------------------------------------------------------------------------------------
// Class 1: blocking sends and endless loops that cannot return when their context is done.
// ---------------------------------------------------------------------------------------

// 1. graph-gophers/graphql-go#626 (subscriptions): the goroutine that forwards a
// subscription's responses blocks on c <- resp once the subscriber disconnected: the
// transport stopped reading c when the context was cancelled. The loop already selects
// on ctx.Done(); the send inside the case does not.
type Response struct {
	Data   []byte
	Errors []error
}

type Resolver struct {
	mu   sync.Mutex
	subs map[string]chan *Response
}

func (r *Resolver) Subscribe(ctx context.Context, name string) <-chan *Response {
	responses := make(chan *Response)
	r.mu.Lock()
	r.subs[name] = responses
	r.mu.Unlock()
	c := make(chan *Response)
	go r.forward(ctx, responses, c)
	return c
}

func (r *Resolver) forward(ctx context.Context, responses <-chan *Response, c chan<- *Response) {
	for {
		select {
		case <-ctx.Done():
			return
		case resp, more := <-responses:
			if !more {
				close(c)
				return
			}
			c <- resp // want `send on c blocks without a case for ctx.Done\(\)`
		}
	}
}

// 2. buildbuddy-io/buildbuddy#9070 (pubsub.Subscribe): once the context expires the
// merging goroutine has left, and the monitoring goroutine's error send on monChan has
// no reader. The poll loop returns on ctx.Done() but sends its result outside the select.
type PubSub struct {
	interval time.Duration
	exists   func(ctx context.Context, channel string) error
}

func (p *PubSub) monitor(ctx context.Context, channel string, monChan chan<- error) {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := p.exists(ctx, channel); err != nil {
			monChan <- err // want `send on monChan blocks without a case for ctx.Done\(\) .*no fix: the value sent may be the error that ends the stream`
		}
	}
}

// 3. ethersphere/bee#1456 (pusher flipflop detector): on termination the detector's
// timer case may already be selected and writes to d.out, which nobody reads any more;
// upstream selects on the quit channel in the timer case.
type detector struct {
	in         chan struct{}
	out        chan struct{}
	quit       chan struct{}
	bufferTime time.Duration
}

func newDetector(buf time.Duration) *detector {
	d := &detector{
		in:         make(chan struct{}),
		out:        make(chan struct{}),
		quit:       make(chan struct{}),
		bufferTime: buf,
	}
	go d.worker()
	return d
}

func (d *detector) worker() {
	var timer <-chan time.Time
	for {
		select {
		case <-d.in:
			timer = time.After(d.bufferTime)
		case <-timer:
			d.out <- struct{}{} // want `send on d.out blocks without a case for d.quit`
		case <-d.quit:
			return
		}
	}
}

func (d *detector) Close() error {
	close(d.quit)
	return nil
}

// 4. kubernetes/kubernetes#25331 (etcd3 watcher): the reflector may Stop() without
// draining ResultChan(); processEvent then blocks on wc.resultChan and cancelling the
// watcher's context does not unblock it. The context is a field of the receiver, set by
// createWatchChan before the value is shared (upstream's fix selects on wc.ctx.Done()).
type Event struct {
	Type   string
	Object any
}

type event struct {
	key   string
	value []byte
}

type watchChan struct {
	ctx               context.Context
	cancel            context.CancelFunc
	incomingEventChan chan *event
	resultChan        chan Event
}

func createWatchChan(ctx context.Context, incoming chan *event) *watchChan {
	wc := &watchChan{incomingEventChan: incoming, resultChan: make(chan Event, 100)}
	wc.ctx, wc.cancel = context.WithCancel(ctx)
	return wc
}

func watch(ctx context.Context, incoming chan *event) <-chan Event {
	wc := createWatchChan(ctx, incoming)
	go wc.run()
	return wc.resultChan
}

func (wc *watchChan) Stop() { wc.cancel() }

func (wc *watchChan) transform(e *event) *Event {
	if e.value == nil {
		return nil
	}
	return &Event{Type: "MODIFIED", Object: e.value}
}

func (wc *watchChan) processEvent(wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case e := <-wc.incomingEventChan:
			res := wc.transform(e)
			if res == nil {
				continue
			}
			wc.resultChan <- *res // want `send on wc.resultChan blocks without a case for wc.ctx.Done\(\)`
		case <-wc.ctx.Done():
			return
		}
	}
}

func (wc *watchChan) run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go wc.processEvent(&wg)
	wg.Wait()
	close(wc.resultChan)
}

// 5. rancher/wrangler#664 (summary client): the event-forward goroutine's unbuffered send
// blocks forever once the consumer stops reading; upstream selects on ctx.Done().
type summaryEvent struct {
	Type    string
	Summary string
}

type rawWatch interface {
	ResultChan() <-chan map[string]any
	Stop()
}

type summaryClient struct {
	watch func(ctx context.Context, ns string) (rawWatch, error)
}

func (c *summaryClient) Watch(ctx context.Context, ns string) (<-chan summaryEvent, error) {
	w, err := c.watch(ctx, ns)
	if err != nil {
		return nil, err
	}
	eventChan := make(chan summaryEvent)
	go func() {
		defer close(eventChan)
		defer w.Stop()
		for raw := range w.ResultChan() {
			eventChan <- summaryEvent{Type: "MODIFIED", Summary: summarize(raw)} // want `send on eventChan blocks without a case for ctx.Done\(\)`
		}
	}()
	return eventChan, nil
}

func summarize(m map[string]any) string {
	s, _ := m["status"].(string)
	return s
}

// 6. ipfs/kubo#5480 (pin add --progress): the progress goroutine sends on out, which the
// command's emitter stops reading when the request is cancelled; upstream wrapped each
// send in a select on ctx.Done().
type AddPinOutput struct {
	Pins     []string
	Progress int
}

type pinResult struct {
	pins []string
	err  error
}

func pinWithProgress(ctx context.Context, pin func(context.Context) ([]string, error), progress func() int) <-chan *AddPinOutput {
	out := make(chan *AddPinOutput)
	ch := make(chan pinResult, 1)
	go func() {
		added, err := pin(ctx)
		ch <- pinResult{pins: added, err: err}
	}()
	go func() {
		defer close(out)
		ticker := time.NewTicker(500 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case val := <-ch:
				if val.err != nil {
					log.Println(val.err)
					return
				}
				out <- &AddPinOutput{Pins: val.pins} // want `send on out blocks without a case for ctx.Done\(\)`
				return
			case <-ticker.C:
				out <- &AddPinOutput{Progress: progress()} // want `send on out blocks without a case for ctx.Done\(\)`
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// 7. rhosocial/go-dag#10 (simple.DAG BuildWorkflowInput): in rare cases the method
// blocks on sending to a vertex's channel because it does not check ctx.Done(). Generic
// workflow type, the send in a goroutine started per input: a one-shot send, the
// goroutine's last act, in a literal that captures the method's ctx, on a channel the
// method did not make (not singlesend's), and the method waits for the goroutines.
type Workflow[TInput, TOutput any] struct {
	mu       sync.RWMutex
	channels map[string]chan any
}

func (d *Workflow[TInput, TOutput]) channel(name string) (chan any, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	ch, ok := d.channels[name]
	return ch, ok
}

func (d *Workflow[TInput, TOutput]) BuildWorkflowInput(ctx context.Context, result any, inputs ...string) {
	var wg sync.WaitGroup
	for _, next := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ch, ok := d.channel(next); ok {
				ch <- result // want `send on ch blocks without a case for ctx.Done\(\)`
			}
		}()
	}
	wg.Wait()
}

// 8. envoyproxy/go-control-plane#370 (sotw StreamHandler): the goroutine that turns the
// blocking stream.Recv() into a channel is leaked blocked on reqCh <- req after the
// handler returned (gRPC-Go's leak checker found it).
// Reported without a fix by stopflag.go: the goroutine checks reqStop, which the handler
// sets on its way out, only between sends, so once the handler has returned it blocks
// on the send without seeing the flag. No context and no stop channel is in scope, and
// reqCh is handed to s.process, a func-typed field whose code is not visible: where a
// done channel would be closed is not known, so there is no fix.
type DiscoveryRequest struct {
	TypeURL string
	Nonce   string
}

type Stream interface {
	Context() context.Context
	Recv() (*DiscoveryRequest, error)
	Send(string) error
}

type xdsServer struct {
	process func(Stream, <-chan *DiscoveryRequest, string) error
}

func (s *xdsServer) StreamHandler(stream Stream, typeURL string) error {
	reqCh := make(chan *DiscoveryRequest)
	reqStop := int32(0)
	go func() {
		for {
			req, err := stream.Recv()
			if atomic.LoadInt32(&reqStop) != 0 {
				return
			}
			if err != nil {
				close(reqCh)
				return
			}
			reqCh <- req // want `the goroutine checks reqStop, which StreamHandler sets when it returns, only between sends: once StreamHandler has returned, nothing receives from reqCh and it blocks on reqCh <- req forever \(select on a done channel that StreamHandler closes instead\) .*no fix: reqCh is handed to s.process, whose code cannot be seen`
		}
	}()
	err := s.process(stream, reqCh, typeURL)
	atomic.StoreInt32(&reqStop, 1)
	return err
}

// 9. DataDog/datadog-agent#47044 (language detection handler): the cleanup goroutine's
// ctx.Done() case ends in break, which leaves the select, not the loop: after
// cancellation the goroutine spins on the closed Done channel forever. Fixed by breaks.go:
// the break leaves the labelled loop (staticcheck SA4011 reports the break itself).
type languageHandler struct {
	mu       sync.Mutex
	owners   map[string]time.Time
	ttl      time.Duration
	interval time.Duration
}

func (h *languageHandler) cleanup() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, seen := range h.owners {
		if time.Since(seen) > h.ttl {
			delete(h.owners, k)
		}
	}
}

func (h *languageHandler) startCleanupInBackground(ctx context.Context) {
	cleanupTicker := time.NewTicker(h.interval)
	go func() {
		defer cleanupTicker.Stop()
		for {
			select {
			case <-cleanupTicker.C:
				h.cleanup()
			case <-ctx.Done():
				break // want `break in the ctx.Done\(\) case leaves only the select: the loop spins on the closed channel forever`
			}
		}
	}()
}

// 10. InVisionApp/go-health#35 (health checker Stop): Stop() stops the tickers, but
// ticker.Stop() does not close ticker.C, so the checkers' for range ticker.C never ends;
// upstream added a stop channel.
// MISSED: a range over a ticker's channel, which nobody closes, is an endless loop with
// no channel operation to wrap, and no context or stop channel is in scope. tickerstop
// reports it (Stop in Stop does not end the range), without a fix.
type healthChecker struct {
	mu      sync.Mutex
	tickers map[string]*time.Ticker
	states  map[string]error
}

func (h *healthChecker) startRunner(name string, interval time.Duration, check func() error) {
	ticker := time.NewTicker(interval)
	h.mu.Lock()
	h.tickers[name] = ticker
	h.mu.Unlock()
	go func() {
		for range ticker.C {
			err := check()
			h.mu.Lock()
			h.states[name] = err
			h.mu.Unlock()
		}
	}()
}

func (h *healthChecker) Stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range h.tickers {
		t.Stop()
	}
}

// 11. moby/moby#51301 (daemon/logger ring buffer): when reading a log message times
// out, the ring logger's run goroutine stays blocked in the wrapped logger's
// l.c <- msg.
// Reported without a fix: run returns when r.closed is set, which Close does, but the
// flag is read only between messages, and the send it blocks on is in Log, on a channel
// that Close does not touch.
type logMessage struct{ Line []byte }

type channelLogger struct{ c chan *logMessage }

func (l *channelLogger) Log(msg *logMessage) error {
	l.c <- msg
	return nil
}

type ringLogger struct {
	buffer chan *logMessage
	l      *channelLogger
	closed atomic.Bool
}

func newRingLogger(l *channelLogger, size int) *ringLogger {
	r := &ringLogger{buffer: make(chan *logMessage, size), l: l}
	go r.run()
	return r
}

func (r *ringLogger) run() {
	for {
		if r.closed.Load() {
			return
		}
		msg, ok := <-r.buffer
		if !ok {
			return
		}
		if err := r.l.Log(msg); err != nil { // want `run returns when r.closed is set, which Close does, but it blocks in channelLogger.Log on l.c <- msg, where the flag cannot reach it: nothing Close does unblocks that send .*no fix: the send is in channelLogger.Log`
			log.Println("ring logger:", err)
		}
	}
}

func (r *ringLogger) Close() error {
	r.closed.Store(true)
	close(r.buffer)
	return nil
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// A goroutine that sends its one error on a channel of capacity one cannot block.
func startServer(ctx context.Context, serve func(context.Context) error) <-chan error {
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx)
	}()
	return errc
}

// A fan-out of one goroutine per item, each sending once, on a channel of capacity
// len(items): no send can block even when the caller stops reading at its first error.
func fetchAll(ctx context.Context, urls []string, get func(context.Context, string) error) error {
	errs := make(chan error, len(urls))
	for _, u := range urls {
		go func() {
			errs <- get(ctx, u)
		}()
	}
	for range urls {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// A send in the body of case <-ctx.Done(): the context is known to be done there, and a
// ctx.Done() case around it would be ready at once (a random choice). The channel has
// room for it: closing is announced once, on a buffered channel.
type session struct {
	events chan string
	in     chan string
}

func (s *session) loop(ctx context.Context) {
	for {
		select {
		case m := <-s.in:
			log.Println(m)
		case <-ctx.Done():
			s.events <- "closed"
			return
		}
	}
}

// A raft-like loop whose select has a ctx.Done() case that leaves the labeled loop.
type raftNode struct {
	propc   chan []byte
	readyc  chan []byte
	stopped chan struct{}
}

func (n *raftNode) run(ctx context.Context) error {
	var pending [][]byte
loop:
	for {
		select {
		case p := <-n.propc:
			pending = append(pending, p)
		case n.readyc <- first(pending):
			pending = pending[1:]
		case <-ctx.Done():
			break loop
		}
	}
	close(n.stopped)
	return errors.Join(ctx.Err(), nil)
}

func first(p [][]byte) []byte {
	if len(p) == 0 {
		return nil
	}
	return p[0]
}

// Was a WRONG FIX (session 10): returning early from pump skipped r.onDone(), which is
// r.wg.Done (a method value stored in a field), so Wait blocked forever once the context
// was done. A function value called for its effect is now code a return must not skip:
// reported without a fix.
type relay struct {
	wg     sync.WaitGroup
	out    chan []byte
	onDone func()
}

func newRelay(ctx context.Context, in <-chan []byte) *relay {
	r := &relay{out: make(chan []byte)}
	r.onDone = r.wg.Done
	r.wg.Add(1)
	go r.pump(ctx, in)
	return r
}

func (r *relay) pump(ctx context.Context, in <-chan []byte) {
	for m := range in {
		r.out <- m // want `send on r.out blocks without a case for ctx.Done\(\) \(no fix: returning early would skip r.onDone\(\)`
	}
	r.onDone()
}

func (r *relay) Wait() { r.wg.Wait() }
