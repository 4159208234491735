package n

import (
	"context"
	"sync"
)

// A context held in a field of the receiver is the goroutine's exit when it is set
// before the goroutine starts and never again, and the goroutine already lives by it
// (kubernetes/kubernetes#25331: the etcd3 watcher's processEvent blocked on
// wc.resultChan after the reflector stopped reading, although wc.ctx was cancelled).

type event struct{ key string }

type watchChan struct {
	ctx        context.Context
	cancel     context.CancelFunc
	incoming   chan *event
	resultChan chan event
}

// newWatchChan sets the context after the literal, before the value is shared.
func newWatchChan(ctx context.Context) *watchChan {
	wc := &watchChan{incoming: make(chan *event), resultChan: make(chan event)}
	wc.ctx, wc.cancel = context.WithCancel(ctx)
	go wc.run()
	return wc
}

func (wc *watchChan) run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go wc.processEvent(&wg)
	wg.Wait()
	close(wc.resultChan)
}

func (wc *watchChan) processEvent(wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case e := <-wc.incoming:
			if e == nil {
				continue
			}
			wc.resultChan <- *e // want `send on wc.resultChan blocks without a case for wc.ctx.Done\(\)`
		case <-wc.ctx.Done():
			return
		}
	}
}

func (wc *watchChan) ResultChan() <-chan event { return wc.resultChan }

func (wc *watchChan) Stop() { wc.cancel() }

// A pump whose Start sets the context, then starts the goroutine (a function literal)
// that selects on it.
type pump struct {
	ctx    context.Context
	cancel context.CancelFunc
	in     chan int
	out    chan int
}

func (p *pump) Start(ctx context.Context) {
	p.ctx, p.cancel = context.WithCancel(ctx)
	go func() {
		for {
			select {
			case <-p.ctx.Done():
				return
			case v := <-p.in:
				p.out <- v * 2 // want `send on p.out blocks without a case for p.ctx.Done\(\)`
			}
		}
	}()
}

func (p *pump) Out() <-chan int { return p.out }

func (p *pump) Stop() { p.cancel() }

// An endless loop that passes the field's context to its work, set by a keyed literal.
type worker struct {
	ctx  context.Context
	jobs chan int
	done chan int
}

func newWorker(ctx context.Context, work func(context.Context, int) int) *worker {
	w := &worker{ctx: ctx, jobs: make(chan int), done: make(chan int)}
	go w.loop(work)
	return w
}

func (w *worker) loop(work func(context.Context, int) int) {
	for { // want `endless loop blocks on channel operations without a case for w.ctx.Done\(\)`
		j := <-w.jobs
		w.done <- work(w.ctx, j)
	}
}

func (w *worker) Jobs() chan<- int         { return w.jobs }
func (w *worker) Done() <-chan int         { return w.done }
func (w *worker) Context() context.Context { return w.ctx }
