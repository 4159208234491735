//go:build go1.22

// Package corpus holds timer and ticker leaks modelled on upstream reports (issue 14,
// class 5: time.After in a select loop, a ticker that the goroutine Close or Stop ends
// does not stop), one function or small type each, for counting what tickerstop reports
// and fixes (see corpus_test.go). The build line puts the file before Go 1.23, whose
// runtime collects unstopped timers. Each case cites its report; the look-alikes at the
// end are correct code that must stay untouched.
//
// 10 cases, 9 reported (7 fixed: 1–4 with a deferred Stop, the time.After in the select
// loops of 6, 7 and 8 with a timer the other cases stop; 2 without a fix: time.Tick in
// 5, and 10, a range over a ticker that Stop does not end, a goroutine leak in every Go
// version), 1 missed: 9 (by design: one pending timer at most). No upstream
// report was found for a ticker kept in a field that Close does not stop (testdata/src/
// fields has that shape); the last look-alike is that type done right.
package corpus

import (
	"context"
	"log"
	"sync"
	"time"
)

// 1. prep/average#5 (fix leaking ticker): the sliding window's shifter goroutine returns
// when Stop signals stopC, without stopping its ticker; upstream deferred ticker.Stop().
type SlidingWindow struct {
	sync.RWMutex
	granularity time.Duration
	samples     []int64
	pos         int
	size        int
	stopOnce    sync.Once
	stopC       chan struct{}
}

func New(window, granularity time.Duration) *SlidingWindow {
	sw := &SlidingWindow{
		granularity: granularity,
		samples:     make([]int64, int(window/granularity)),
		stopC:       make(chan struct{}),
	}
	go sw.shifter()
	return sw
}

func (sw *SlidingWindow) shifter() {
	ticker := time.NewTicker(sw.granularity) // want `ticker from time.NewTicker is never stopped: before Go 1.23 it ticks forever`
	for {
		select {
		case <-ticker.C:
			sw.Lock()
			if sw.pos = sw.pos + 1; sw.pos >= len(sw.samples) {
				sw.pos = 0
			}
			sw.samples[sw.pos] = 0
			if sw.size < len(sw.samples) {
				sw.size++
			}
			sw.Unlock()
		case <-sw.stopC:
			return
		}
	}
}

func (sw *SlidingWindow) Stop() {
	sw.stopOnce.Do(func() {
		sw.stopC <- struct{}{}
	})
}

// 2. segmentio/analytics-go#35 (fixed resource leak with ticker): the client's loop
// exits when Close asks it to, without stopping its flush ticker. An RPC-like client
// whose Close ends the loop.
type Client struct {
	Interval time.Duration
	msgs     chan any
	quit     chan struct{}
	shutdown chan struct{}
	send     func([]any) error
}

func (c *Client) loop() {
	var msgs []any
	tick := time.NewTicker(c.Interval) // want `ticker from time.NewTicker is never stopped: before Go 1.23 it ticks forever`
	for {
		select {
		case msg := <-c.msgs:
			msgs = append(msgs, msg)
		case <-tick.C:
			if len(msgs) > 0 {
				if err := c.send(msgs); err != nil {
					log.Println("analytics:", err)
				}
				msgs = nil
			}
		case <-c.quit:
			close(c.msgs)
			for msg := range c.msgs {
				msgs = append(msgs, msg)
			}
			if err := c.send(msgs); err != nil {
				log.Println("analytics:", err)
			}
			close(c.shutdown)
			return
		}
	}
}

func (c *Client) Close() error {
	c.quit <- struct{}{}
	<-c.shutdown
	return nil
}

// 3. BOXFoundation/boxd#27 (ticker leaks, p2p table): the routing table's loop returns
// when its process is closing; "Ticker should be closed before the method returns".
type table struct {
	refresh  func()
	interval time.Duration
}

func (t *table) loop(ctx context.Context) {
	loopTicker := time.NewTicker(t.interval) // want `ticker from time.NewTicker is never stopped: before Go 1.23 it ticks forever`
	for {
		select {
		case <-loopTicker.C:
			t.refresh()
		case <-ctx.Done():
			return
		}
	}
}

// 4. containerd/containerd#9384 (fix ticker leak): the ticker leaks when tctx is done;
// the stop channel's case stops it, the context's case does not. The ticker is made
// by the goroutine's own literal. The deferred Stop of the fix is what upstream did; the
// quit case's own Stop stays, harmless.
type taskMonitor struct {
	check func() error
}

func (m *taskMonitor) watch(tctx context.Context, interval time.Duration, quit <-chan struct{}) {
	go func() {
		ticker := time.NewTicker(interval) // want `ticker from time.NewTicker is not stopped on every return: before Go 1.23 it ticks forever`
		for {
			select {
			case <-tctx.Done():
				return
			case <-ticker.C:
				if err := m.check(); err != nil {
					log.Println("task check:", err)
				}
			case <-quit:
				ticker.Stop()
				return
			}
		}
	}()
}

// 5. milvus-io/milvus#16346 (fix ticker leakage in datanode flowgraph): time.Tick in a
// loop that returns when the node is closed; upstream used time.NewTicker with a
// deferred Stop.
type flowGraphNode struct {
	interval time.Duration
	flush    func()
}

func (n *flowGraphNode) Start(ctx context.Context) {
	tick := time.Tick(n.interval) // want `time.Tick in a function that returns leaks its ticker before Go 1.23: use time.NewTicker and Stop it`
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			n.flush()
		}
	}
}

// 6. hashicorp/vault#14814 (VAULT-4240: time.After() in a select statement can lead to
// memory leak): a new timer per iteration of the for/select, each kept until it fires.
type expiration struct {
	pending chan string
	revoke  func(string)
	timeout time.Duration
}

func (e *expiration) run(ctx context.Context) {
	for {
		select {
		case id := <-e.pending:
			e.revoke(id)
		case <-time.After(e.timeout): // want `time.After in a loop's select makes a timer per iteration that is not freed until it fires before Go 1.23`
			log.Println("no expiration in", e.timeout)
		case <-ctx.Done():
			return
		}
	}
}

// 7. cloudflare/cloudflared#384 (use time.Timer instead of time.After, h2mux): the
// other case of the select inside the for loop may be ready first, each time leaving a
// timer behind.
type muxWriter struct {
	idleTimeout time.Duration
	frames      chan []byte
	write       func([]byte) error
	sendPing    func() error
}

func (w *muxWriter) run() error {
	for {
		select {
		case f, ok := <-w.frames:
			if !ok {
				return nil
			}
			if err := w.write(f); err != nil {
				return err
			}
		case <-time.After(w.idleTimeout): // want `time.After in a loop's select makes a timer per iteration that is not freed until it fires before Go 1.23`
			if err := w.sendPing(); err != nil {
				return err
			}
		}
	}
}

// 8. tektoncd/pipeline#5362 (avoid using time.After() in select statements,
// pipelinerunmetrics): the metrics recorder's reporting loop.
type Recorder struct {
	ReportingPeriod time.Duration
	report          func()
	updates         chan struct{}
}

func (r *Recorder) ReportRunningPipelineRuns(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.updates:
			r.report()
		case <-time.After(r.ReportingPeriod): // want `time.After in a loop's select makes a timer per iteration that is not freed until it fires before Go 1.23`
			r.report()
		}
	}
}

// 9. go-mysql-org/go-mysql#423 (time.After in a loop may cause memory leaks,
// binlogsyncer): the retry wait's other case returns, so "the timer may be only leaked
// when Context is done".
// MISSED by design: a select whose other cases all return leaves at most one timer
// pending, which the rule does not report (the maintainers agreed the leak is small).
type BinlogSyncer struct {
	ctx     context.Context
	retry   func() error
	retries int
}

func (b *BinlogSyncer) retrySync() error {
	var err error
	for i := 0; i < b.retries; i++ {
		select {
		case <-b.ctx.Done():
			return b.ctx.Err()
		case <-time.After(time.Second):
		}
		if err = b.retry(); err == nil {
			return nil
		}
	}
	return err
}

// 10. InVisionApp/go-health#35 (health checker Stop): Stop() stops the tickers, but
// ticker.Stop() does not close ticker.C, so the checkers' for range ticker.C never ends;
// upstream added a stop channel. (Also ctxdone's corpus case 10, which ctxdone misses:
// there is no exit in scope to select on.)
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
		for range ticker.C { // want `range over ticker.C never ends: Stop \(in Stop\) does not close the channel`
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

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// The ticker is stopped by a deferred call.
func poll(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			f()
		case <-ctx.Done():
			return
		}
	}
}

// A timer reset in the loop instead of a time.After per iteration.
func idleLoop(ctx context.Context, in <-chan string, idle time.Duration, onIdle func()) {
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case s := <-in:
			log.Println(s)
			if !timer.Stop() {
				<-timer.C
			}
			timer.Reset(idle)
		case <-timer.C:
			onIdle()
			timer.Reset(idle)
		case <-ctx.Done():
			return
		}
	}
}

// A ticker kept in a field and stopped by Close.
type heartbeater struct {
	ticker *time.Ticker
	done   chan struct{}
	beat   func()
}

func newHeartbeater(d time.Duration, beat func()) *heartbeater {
	h := &heartbeater{ticker: time.NewTicker(d), done: make(chan struct{}), beat: beat}
	go h.run()
	return h
}

func (h *heartbeater) run() {
	for {
		select {
		case <-h.ticker.C:
			h.beat()
		case <-h.done:
			return
		}
	}
}

func (h *heartbeater) Close() {
	h.ticker.Stop()
	close(h.done)
}
