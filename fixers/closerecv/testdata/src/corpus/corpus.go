// Package corpus holds channels closed from the wrong side, modelled on upstream reports
// (issue 14, class 3: a subscriber's Close closes the channel the publisher sends on; a
// close while another goroutine may still send, including through methods), one function
// or small type each, for counting what closerecv reports (it has no fix; see
// corpus_test.go). Each case cites its report; the look-alikes at the end are correct
// code that must not be reported.
//
// 8 cases, 7 reported, 1 missed: 8 (a Close method that never receives from the
// channels it closes, whose senders are methods of its type: by design not reported).
// Session 11 found 5 and 6 (the send is on a parameter of the function the goroutine
// runs) and 7 (a loop that serves cancellations closes a channel that goroutines it
// started may still send on). The look-alikes are silent (session 10 reported the last:
// a close after joining the sender through the done channel it closes).
package corpus

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

// 1. edouardparis/lntop#77 (panic: send on closed channel in pubsub ticker): the UI
// closes the events channel that the pubsub's ticker goroutine sends on; "channels
// should be closed by writers, not readers".
type Event struct {
	Type string
	Data any
}

type app struct {
	events chan *Event
	fetch  func(ctx context.Context) (any, error)
}

func (a *app) tickerInfo(ctx context.Context) {
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			info, err := a.fetch(ctx)
			if err != nil {
				continue
			}
			a.events <- &Event{Type: "info", Data: info}
		}
	}
}

func (a *app) runUI(ctx context.Context, draw func(*Event)) error {
	defer close(a.events) // want `channel events is closed by a function that only receives from it while others send on it`
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e := <-a.events:
			draw(e)
		}
	}
}

// 2. sourcegraph/src-cli#444 (batch executor): when ctx.Done() is selected the function
// returns, its deferred close runs, and only then x.pair.Wait() returns in the goroutine,
// which sends on the closed channel.
type pair struct{ wait func() error }

func (p *pair) Wait() error { return p.wait() }

type executor struct {
	pair *pair
}

func (x *executor) wait(ctx context.Context) error {
	done := make(chan error)
	defer close(done) // want `channel done is closed by a function that only receives from it while others send on it`
	go func() {
		done <- x.pair.Wait()
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-done:
		return err
	}
}

// 3. razorpay/metro#112 (stream): the stream's run loop closes responseChan when the
// context ends while the receiving goroutine is still active and sends on it; upstream
// moved the close to the sender's goroutine.
type PullResponse struct{ Messages [][]byte }

type pullStream struct {
	ctx          context.Context
	pull         func(ctx context.Context) (*PullResponse, error)
	send         func(*PullResponse) error
	responseChan chan *PullResponse
	errChan      chan error
}

func (s *pullStream) receive() {
	for {
		resp, err := s.pull(s.ctx)
		if err != nil {
			s.errChan <- err
			return
		}
		s.responseChan <- resp
	}
}

func (s *pullStream) run() error {
	go s.receive()
	defer close(s.responseChan) // want `channel responseChan is closed by a function that only receives from it while others send on it`
	for {
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case err := <-s.errChan:
			return err
		case resp := <-s.responseChan:
			if err := s.send(resp); err != nil {
				return err
			}
		}
	}
}

// 4. gravitational/teleport#38061 (headless authentication watcher): a subscriber could
// be closed during an update, so its updates channel was closed before the update went
// through; upstream checks whether the subscriber is closing before it sends.
type HeadlessAuthentication struct {
	Name  string
	State string
}

type headlessSubscriber struct {
	name    string
	updates chan *HeadlessAuthentication
}

type headlessWatcher struct {
	mu          sync.Mutex
	subscribers map[*headlessSubscriber]struct{}
}

func (w *headlessWatcher) notify(ha *HeadlessAuthentication) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for s := range w.subscribers {
		if s.name != ha.Name {
			continue
		}
		select {
		case s.updates <- ha:
		default:
		}
	}
}

func (w *headlessWatcher) Wait(ctx context.Context, name string, cond func(*HeadlessAuthentication) bool) (*HeadlessAuthentication, error) {
	sub := &headlessSubscriber{name: name, updates: make(chan *HeadlessAuthentication, 1)}
	w.mu.Lock()
	w.subscribers[sub] = struct{}{}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.subscribers, sub)
		w.mu.Unlock()
	}()
	defer close(sub.updates) // want `channel updates is closed by a function that only receives from it while others send on it`
	for {
		select {
		case ha := <-sub.updates:
			if cond(ha) {
				return ha, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// 5. ObolNetwork/charon#3054 (cmd testpeers): the test closes resCh when its context is
// done while pingPeerContinuously, which gets the channel as an argument, may still send
// on it: "the channel shall normally be closed by the producer". Found since session 11:
// the send on the parameter resCh is tied to the argument of the go statement.
type pingResult struct {
	peer string
	rtt  time.Duration
	err  error
}

func pingPeerContinuously(ctx context.Context, peer string, ping func(context.Context, string) pingResult, resCh chan pingResult) {
	for {
		r := ping(ctx, peer)
		if r.err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case resCh <- r:
		}
	}
}

func pingPeers(ctx context.Context, peers []string, ping func(context.Context, string) pingResult) []pingResult {
	resCh := make(chan pingResult)
	for _, p := range peers {
		go pingPeerContinuously(ctx, p, ping, resCh)
	}
	var res []pingResult
	for {
		select {
		case <-ctx.Done():
			close(resCh) // want `channel resCh is closed by a function that only receives from it while others send on it`
			return res
		case r := <-resCh:
			res = append(res, r)
		}
	}
}

// 6. hashicorp/vault#24428 (use a stop chan to prevent sends on the closed result
// channel): if the context times out while goroutines are still calling reportResults,
// they panic sending to the closed channel. The send is in a method that receives the
// channel as an argument. Found since session 11, as 5: the call in the goroutine ties
// reportResults' parameter ch to Run's results.
type checkResult struct {
	Target string
	Err    error
}

type checker struct {
	check func(ctx context.Context, target string) error
}

func (c *checker) reportResults(ch chan<- checkResult, r checkResult) {
	ch <- r
}

func (c *checker) Run(ctx context.Context, targets []string) []checkResult {
	results := make(chan checkResult)
	defer close(results) // want `channel results is closed by a function that only receives from it while others send on it`
	for _, t := range targets {
		go func(t string) {
			c.reportResults(results, checkResult{Target: t, Err: c.check(ctx, t)})
		}(t)
	}
	var out []checkResult
	for range targets {
		select {
		case r := <-results:
			out = append(out, r)
		case <-ctx.Done():
			return out
		}
	}
	return out
}

// 7. libp2p/go-floodsub#34, fixing ipfs/kubo#4066 (pubsub panic: send on closed
// channel): publishMessage hands each message to a subscription in a goroutine of its
// own, while the processing loop closes the subscription's channel when the subscriber
// cancels. Found since session 11: the close is in the processing loop, which never
// receives from sub.ch (the receiver is Subscription.Next), but the loop runs
// publishMessage, whose goroutines synchronise with nothing but their send.
type Message struct{ Data []byte }

type Subscription struct {
	topic    string
	ch       chan *Message
	cancelCh chan<- *Subscription
}

func (sub *Subscription) Next(ctx context.Context) (*Message, error) {
	select {
	case msg, ok := <-sub.ch:
		if !ok {
			return nil, errors.New("subscription cancelled")
		}
		return msg, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (sub *Subscription) Cancel() {
	sub.cancelCh <- sub
}

type PubSub struct {
	cancelCh chan *Subscription
	incoming chan *Message
	topics   map[string]map[*Subscription]struct{}
}

func (p *PubSub) publishMessage(topic string, msg *Message) {
	for sub := range p.topics[topic] {
		go func(sub *Subscription) {
			sub.ch <- msg
		}(sub)
	}
}

func (p *PubSub) processLoop(ctx context.Context) {
	for {
		select {
		case sub := <-p.cancelCh:
			subs := p.topics[sub.topic]
			if _, ok := subs[sub]; !ok {
				continue
			}
			close(sub.ch) // want `channel ch is closed in a loop that starts goroutines sending on it, which may still send`
			delete(subs, sub)
		case msg := <-p.incoming:
			p.publishMessage("default", msg)
		case <-ctx.Done():
			return
		}
	}
}

// 8. antage/eventsource#17 ("send on closed channel" panics due to incorrect Close):
// Close closes the control channels while the goroutines that send on them may still
// be running; upstream: ensure all goroutines exited before closing.
// MISSED: Close never receives from the channels it closes (the rule reports closes by a
// function that receives, or in a loop that starts the goroutines that send), and by
// design a close in the Close method of the type whose fields the channels are, when
// their senders are methods of that type, is not reported either (a send after Close
// breaks the type's contract). The goroutines still running are the callers of
// SendEventMessage and of the HTTP handler, outside the package's view: no goroutine
// that the package starts is seen to be able to send after the close.
type eventSource struct {
	sink       chan []byte
	add        chan chan []byte
	staled     chan chan []byte
	consumers  []chan []byte
	closeOnce  sync.Once
	heartbeats time.Duration
}

func (es *eventSource) SendEventMessage(data []byte) {
	es.sink <- data
}

func (es *eventSource) addConsumer(c chan []byte) {
	es.add <- c
}

func (es *eventSource) controlProcess() {
	for {
		select {
		case data, ok := <-es.sink:
			if !ok {
				return
			}
			for _, c := range es.consumers {
				c <- data
			}
		case c := <-es.add:
			es.consumers = append(es.consumers, c)
		case c := <-es.staled:
			for i, cc := range es.consumers {
				if cc == c {
					es.consumers = append(es.consumers[:i], es.consumers[i+1:]...)
					break
				}
			}
		}
	}
}

func (es *eventSource) Close() {
	close(es.staled)
	close(es.add)
	close(es.sink)
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must not be reported.
// ---------------------------------------------------------------------------------------

// net/http's wantConn shape: the close is made under the mutex and a closed flag that
// every sender holds and tests before it sends.
type wantConn struct {
	mu     sync.Mutex
	closed bool
	ready  chan string
}

func (w *wantConn) tryDeliver(conn string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return false
	}
	w.ready <- conn
	return true
}

func (w *wantConn) waitAndCancel(ctx context.Context) (string, error) {
	select {
	case c := <-w.ready:
		return c, nil
	case <-ctx.Done():
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.closed = true
		close(w.ready)
	}
	return "", ctx.Err()
}

// A subscriber that closes its channel in a function run by sync.Once.Do, after the
// broker removed it under the broker's mutex.
type broker struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	once sync.Once
	ch   chan string
}

func (b *broker) publish(m string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case s.ch <- m:
		default:
		}
	}
}

func (b *broker) consume(s *subscriber, stop <-chan struct{}) {
	defer func() {
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
		s.once.Do(func() { close(s.ch) })
	}()
	for {
		select {
		case m := <-s.ch:
			log.Println(m)
		case <-stop:
			return
		}
	}
}

// Wait for the senders, then close, then drain.
func collect(ctx context.Context, jobs []string, run func(context.Context, string) error) []error {
	errs := make(chan error)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- run(ctx, j)
		}()
	}
	go func() {
		wg.Wait()
		close(errs)
	}()
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

// The closer joins the only sender through the done channel that the sender closes when
// it returns (<-stopped), after cancelling it: no send can follow the close. Silent
// (session 10 reported it: only Wait of a WaitGroup or an errgroup counted as a join).
type tailer struct {
	next func(ctx context.Context) (string, bool)
}

func (t *tailer) head(ctx context.Context, n int) []string {
	ctx, cancel := context.WithCancel(ctx)
	lines := make(chan string)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			l, ok := t.next(ctx)
			if !ok {
				return
			}
			select {
			case lines <- l:
			case <-ctx.Done():
				return
			}
		}
	}()
	var out []string
	for len(out) < n {
		select {
		case l := <-lines:
			out = append(out, l)
		case <-stopped:
			cancel()
			return out
		}
	}
	cancel()
	<-stopped
	close(lines)
	return out
}
