package a

import (
	"context"
	"sync"
)

// Closes in a loop that starts goroutines sending on the channel, which synchronise with
// nothing but their send (libp2p/go-floodsub#34, fixing ipfs/kubo#4066).

// ---- reported ----

type topicSub struct {
	topic string
	ch    chan []byte
}

type hub struct {
	cancel   chan *topicSub
	incoming chan []byte
	subs     map[*topicSub]bool
}

// The loop runs deliver, whose goroutines send on sub.ch; a later iteration closes the
// channel of a cancelled subscription while one of them may still be blocked on it.
func (h *hub) deliver(msg []byte) {
	for sub := range h.subs {
		go func(sub *topicSub) {
			sub.ch <- msg
		}(sub)
	}
}

func (h *hub) loop(ctx context.Context) {
	for {
		select {
		case sub := <-h.cancel:
			if !h.subs[sub] {
				continue
			}
			delete(h.subs, sub)
			close(sub.ch) // want `channel ch is closed in a loop that starts goroutines sending on it, which may still send`
		case msg := <-h.incoming:
			h.deliver(msg)
		case <-ctx.Done():
			return
		}
	}
}

// A dispatcher that hands each result to a goroutine of its own, and closes the results
// when it stops; the goroutine's select does not order its send before the close.
type dispatcher struct {
	jobs    chan int
	results chan int
	work    func(int) int
}

func (d *dispatcher) run(ctx context.Context) {
	for {
		select {
		case j := <-d.jobs:
			go func() {
				select {
				case d.results <- d.work(j):
				case <-ctx.Done():
				}
			}()
		case <-ctx.Done():
			close(d.results) // want `channel results is closed in a loop that starts goroutines sending on it, which may still send`
			return
		}
	}
}

// ---- not reported ----

// The goroutines are joined before the close.
type joinedDispatcher struct {
	jobs    chan int
	results chan int
	work    func(int) int
}

func (d *joinedDispatcher) run(ctx context.Context) {
	var wg sync.WaitGroup
	for {
		select {
		case j := <-d.jobs:
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case d.results <- d.work(j):
				case <-ctx.Done():
				}
			}()
		case <-ctx.Done():
			wg.Wait()
			close(d.results)
			return
		}
	}
}

// The goroutine reports that it is done on another channel, which the loop counts
// before it closes.
type countedDispatcher struct {
	jobs    chan int
	results chan int
	done    chan struct{}
	work    func(int) int
}

func (d *countedDispatcher) run(stop <-chan struct{}) {
	pending := 0
	stopping := false
	for {
		select {
		case j := <-d.jobs:
			pending++
			go func() {
				d.results <- d.work(j)
				d.done <- struct{}{}
			}()
		case <-d.done:
			pending--
			if stopping && pending == 0 {
				close(d.results)
				return
			}
		case <-stop:
			stopping = true
		}
	}
}

// The goroutine holds the subscription's mutex and tests its closed flag, which the
// loop sets under the mutex before it closes.
type lockedSub struct {
	mu     sync.Mutex
	closed bool
	ch     chan []byte
}

type lockedHub struct {
	cancel   chan *lockedSub
	incoming chan []byte
	subs     []*lockedSub
}

func (h *lockedHub) loop() {
	for {
		select {
		case sub := <-h.cancel:
			sub.mu.Lock()
			if !sub.closed {
				sub.closed = true
				close(sub.ch)
			}
			sub.mu.Unlock()
		case msg := <-h.incoming:
			for _, sub := range h.subs {
				go func() {
					sub.mu.Lock()
					defer sub.mu.Unlock()
					if !sub.closed {
						sub.ch <- msg
					}
				}()
			}
		}
	}
}

// The goroutine recovers from the panic of a send after the close.
type lossyHub struct {
	cancel   chan *topicSub
	incoming chan []byte
	subs     []*topicSub
}

func (h *lossyHub) loop() {
	for {
		select {
		case sub := <-h.cancel:
			close(sub.ch)
		case msg := <-h.incoming:
			for _, sub := range h.subs {
				go func() {
					defer func() { _ = recover() }()
					sub.ch <- msg
				}()
			}
		}
	}
}

// A loop that closes a quit channel that nobody sends on.
type quitter struct {
	quits chan chan struct{}
}

func (t *quitter) loop() {
	for q := range t.quits {
		close(q)
	}
}
