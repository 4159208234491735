// Package corpus holds abandoned single results modelled on upstream reports (issue 14,
// class 2: a goroutine sends its one result on an unbuffered channel and the spawner can
// return first), one function or small type each, for counting what singlesend reports
// and fixes (see corpus_test.go). Each case cites its report; the look-alikes at the end
// are correct code that must stay untouched.
//
// 12 cases, all reported (9 fixed, 3 without a fix: 1 and 10, whose goroutines are
// started in a loop the rules cannot bound, and 12, whose maker is exported, so that
// its callers in other packages are unseen), none missed. Case 9's two fixes, each
// right alone, declare the same type result in one function: applied together (go vet
// -fix, analysistest) they do not type-check, and the concfix driver drops the second,
// which a second run then makes (one run does not reach the fixpoint).
package corpus

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"time"
)

// 1. ethereum/go-ethereum#20657 (event.resubscribeSub.subscribe): the send
// subscribed <- err blocks forever when unsub is selected; upstream gave the channel a
// buffer of one.
type Subscription interface {
	Err() <-chan error
	Unsubscribe()
}

type resubscribeSub struct {
	fn    func(context.Context) (Subscription, error)
	unsub chan struct{}
	err   chan error
}

func (s *resubscribeSub) subscribe() Subscription {
	subscribed := make(chan error) // want `goroutine may block forever sending on unbuffered channel subscribed: the function can return without receiving .*no fix: the goroutine is started in a loop`
	var sub Subscription
	for {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			rsub, err := s.fn(ctx)
			sub = rsub
			subscribed <- err
		}()
		select {
		case err := <-subscribed:
			cancel()
			if err == nil {
				if sub == nil {
					panic("event: ResubscribeFunc returned nil subscription and no error")
				}
				return sub
			}
			if s.backoffWait() {
				return nil
			}
		case <-s.unsub:
			cancel()
			return nil
		}
	}
}

func (s *resubscribeSub) backoffWait() bool {
	select {
	case <-time.After(time.Second):
		return false
	case <-s.unsub:
		return true
	}
}

// 2. ethereum/go-ethereum#20657 (p2p/simulations/adapters ExecNode.Stop): on timeout
// Stop kills the process and returns, and the goroutine waiting for it is left blocked
// on waitErr <- n.Cmd.Wait(). Named result.
type ExecNode struct {
	Cmd  *exec.Cmd
	stop func() error
}

func (n *ExecNode) Stop() (err error) {
	if n.Cmd == nil {
		return nil
	}
	if err := n.stop(); err != nil {
		return n.Cmd.Process.Kill()
	}
	waitErr := make(chan error) // want `goroutine may block forever sending on unbuffered channel waitErr: the function can return without receiving`
	go func() {
		waitErr <- n.Cmd.Wait()
	}()
	select {
	case err := <-waitErr:
		return err
	case <-time.After(5 * time.Second):
		return n.Cmd.Process.Kill()
	}
}

// 3. kubernetes-sigs/controller-runtime#2527 (manager Start): errChan is unbuffered;
// when Start's context ends first, the goroutine that reports the runnables' error
// cannot send and never exits.
type runnables struct {
	start func(ctx context.Context) error
}

type controllerManager struct {
	runnables      *runnables
	internalCtx    context.Context
	internalCancel context.CancelFunc
}

func (cm *controllerManager) Start(ctx context.Context) error {
	cm.internalCtx, cm.internalCancel = context.WithCancel(ctx)
	defer cm.internalCancel()
	errChan := make(chan error) // want `goroutine may block forever sending on unbuffered channel errChan: the function can return without receiving`
	go func() {
		if err := cm.runnables.start(cm.internalCtx); err != nil {
			errChan <- err
		}
	}()
	select {
	case <-ctx.Done():
		return nil
	case err := <-errChan:
		return err
	}
}

// 4. open-telemetry/opentelemetry-collector-contrib#1505 (groupbytraceprocessor
// doWithTimeout): when the timeout fires first nobody receives from done.
type eventMachine struct {
	timeout time.Duration
}

func (em *eventMachine) doWithTimeout(do func() error) (bool, error) {
	done := make(chan error) // want `goroutine may block forever sending on unbuffered channel done: the function can return without receiving`
	go func() {
		done <- do()

	}()
	select {
	case <-time.After(em.timeout):
		return false, nil
	case err := <-done:
		return true, err
	}
}

// 5. containerd/containerd#4310 (process I/O): the goroutine executing b.cmd.Wait()
// leaks when the wait times out and there is no reader for done.
type binaryIO struct {
	cmd *exec.Cmd
}

var errWaitTimeout = errors.New("timed out waiting for the logging binary")

func (b *binaryIO) cancel(timeout time.Duration) error {
	if b.cmd == nil || b.cmd.Process == nil {
		return nil
	}
	if err := b.cmd.Process.Kill(); err != nil {
		return err
	}
	done := make(chan error) // want `goroutine may block forever sending on unbuffered channel done: the function can return without receiving`
	go func() {
		done <- b.cmd.Wait()

	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return errWaitTimeout
	}
}

// 6. erigontech/erigon#16665 (cl/sentinel httpreqresp.Do): if r.Context().Done() wins
// the race, the goroutine running handler.ServeHTTP() stays blocked on ans <- resp.
func Do(handler http.Handler, r *http.Request) (*http.Response, error) {
	ans := make(chan *http.Response) // want `goroutine may block forever sending on unbuffered channel ans: the function can return without receiving`
	go func() {
		res := httptest.NewRecorder()
		handler.ServeHTTP(res, r)
		resp := res.Result()
		ans <- resp
	}()
	select {
	case res := <-ans:
		return res, nil
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

// 7. eapache/go-resiliency#23 (deadline.Deadline.Run): if Run returns ErrTimedOut the
// work function's goroutine blocks on sending to result.
var ErrTimedOut = errors.New("timed out waiting for function to finish")

type Deadline struct {
	timeout time.Duration
}

func (d *Deadline) Run(work func(<-chan struct{}) error) error {
	result := make(chan error) // want `goroutine may block forever sending on unbuffered channel result: the function can return without receiving`
	stopper := make(chan struct{})
	go func() {
		result <- work(stopper)
	}()
	select {
	case ret := <-result:
		return ret
	case <-time.After(d.timeout):
		close(stopper)
		return ErrTimedOut
	}
}

// 8. PaesslerAG/gval#107 (EvalWithContext): when the context is done first nobody
// receives from errCh (or resCh), and the evaluating goroutine leaks. Two channels,
// each sent on at most once.
type Evaluable func(ctx context.Context, parameter any) (any, error)

func (e Evaluable) EvalWithContext(ctx context.Context, parameter any) (any, error) {
	resCh := make(chan any)   // want `goroutine may block forever sending on unbuffered channel resCh: the function can return without receiving`
	errCh := make(chan error) // want `goroutine may block forever sending on unbuffered channel errCh: the function can return without receiving`
	go func() {
		v, err := e(ctx, parameter)
		if err != nil {
			errCh <- err
			return
		}
		resCh <- v
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case err := <-errCh:
		return nil, err
	case v := <-resCh:
		return v, nil
	}
}

// 9. authzed/spicedb#242 (hedging proxy): see hedged/hedged.go, kept apart (its two
// fixes together do not type-check, and fixers.FuzzFix takes this package's files as
// seeds).

// 10. hightouchio/passage#25 (healthcheckManager.CheckHealth): when several checks fail,
// each goroutine sends into cerr but CheckHealth returns at the first error: the others
// block forever. Fan-out over a field of the receiver.
type healthcheck interface {
	Check(ctx context.Context) error
}

type healthcheckManager struct {
	checks []healthcheck
}

func (m *healthcheckManager) CheckHealth(ctx context.Context) error {
	cerr := make(chan error) // want `goroutine may block forever sending on unbuffered channel cerr: the function can return without receiving .*no fix: the goroutine is started in a loop`
	for _, c := range m.checks {
		go func(c healthcheck) {
			cerr <- c.Check(ctx)
		}(c)
	}
	for range m.checks {
		select {
		case err := <-cerr:
			if err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// 11. prebid/prebid-server#3911 (hooks execution group): when a hook rejects the
// request, collectHookResponses stops reading resp and the goroutines of the other hooks
// stay blocked on their send; upstream gave resp a capacity of len(group.Hooks).
// collectHookResponses only receives from its parameter: it is the receiver, and its
// early return abandons the senders; the fix is upstream's.
type hookResponse struct {
	name string
	err  error
}

type hookGroup struct {
	Hooks []func(ctx context.Context) error
	Names []string
}

var errReject = errors.New("rejected")

func executeGroup(ctx context.Context, group hookGroup) []hookResponse {
	resp := make(chan hookResponse) // want `goroutine may block forever sending on unbuffered channel resp: the function can return without receiving`
	for i, h := range group.Hooks {
		go func(i int, h func(context.Context) error) {
			resp <- hookResponse{name: group.Names[i], err: h(ctx)}
		}(i, h)
	}
	return collectHookResponses(resp, len(group.Hooks))
}

func collectHookResponses(resp <-chan hookResponse, n int) []hookResponse {
	var out []hookResponse
	for i := 0; i < n; i++ {
		r := <-resp
		if errors.Is(r.err, errReject) {
			return out
		}
		out = append(out, r)
	}
	return out
}

// 12. uber/ringpop-go#63 (forward.requestSender): when a forwarded request timed out,
// the goroutine in MakeCall hung forever, as the caller never read its result;
// upstream gave errC a buffer of one. The channel is returned by MakeCall and received
// in send's select, which can time out: reported without a fix, as MakeCall is exported
// and the rule changes the make only when it has seen every caller.
type requestSender struct {
	timeout time.Duration
	call    func(ctx context.Context) ([]byte, error)
}

func (s *requestSender) MakeCall(ctx context.Context, res *[]byte) <-chan error {
	errC := make(chan error) // want `goroutine may block forever sending on unbuffered channel errC: a caller of MakeCall can return without receiving .*no fix: MakeCall is exported: its callers in other packages are unseen`
	go func() {
		b, err := s.call(ctx)
		if err == nil {
			*res = b
		}
		errC <- err
	}()
	return errC
}

var errForwardTimeout = errors.New("forwarded request timed out")

func (s *requestSender) send(ctx context.Context) ([]byte, error) {
	var res []byte
	select {
	case err := <-s.MakeCall(ctx, &res):
		return res, err
	case <-time.After(s.timeout):
		return nil, errForwardTimeout
	}
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// Already buffered: the send cannot block.
func waitBuffered(cmd *exec.Cmd, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return errWaitTimeout
	}
}

// The goroutine gives up its send when the context is done.
func fetchOrGiveUp(ctx context.Context, fetch func() ([]byte, error)) ([]byte, error) {
	ch := make(chan []byte)
	go func() {
		b, err := fetch()
		if err != nil {
			return
		}
		select {
		case ch <- b:
		case <-ctx.Done():
		}
	}()
	select {
	case b := <-ch:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Every path receives: no return before the receive.
func runAndWait(run func() error) error {
	errc := make(chan error)
	go func() {
		errc <- run()
	}()
	err := <-errc
	return err
}

// A fan-out followed by a fan-in with the same trip count and no early exit.
func pingAll(ctx context.Context, addrs []string, ping func(context.Context, string) error) []error {
	errs := make(chan error)
	for _, a := range addrs {
		go func() {
			errs <- ping(ctx, a)
		}()
	}
	var out []error
	for range addrs {
		out = append(out, <-errs)
	}
	return out
}
