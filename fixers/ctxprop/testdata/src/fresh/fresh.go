package fresh

import (
	"context"
	"errors"
	"time"
)

func work(ctx context.Context, n int) error { return nil }

func open(ctx context.Context) (*conn, error) { return &conn{}, nil }

type conn struct{}

func (c *conn) Close() error                             { return nil }
func (c *conn) Send(ctx context.Context, s string) error { return nil }

type server struct {
	c  *conn
	cs []*conn
}

// Positives.

func todoArg(ctx context.Context) error {
	return work(context.TODO(), 1) // want `context.TODO\(\) passed while ctx is in scope`
}

func backgroundArg(ctx context.Context) {
	_ = work(context.Background(), 2) // want `context.Background\(\) passed while ctx is in scope`
}

func derived(parent context.Context) error {
	tctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	work(tctx, 0)
	return work(context.TODO(), 3) // want `context.TODO\(\) passed while a context is in scope \(no fix: several contexts in scope: parent, tctx\)`
}

func reassigned(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work(context.TODO(), 4) // want `context.TODO\(\) passed while ctx is in scope`
}

func innerScope(ctx context.Context) {
	if true {
		ctx := context.WithValue(ctx, key{}, 1)
		work(context.TODO(), 5) // want `context.TODO\(\) passed while ctx is in scope`
		_ = ctx
	}
}

type key struct{}

func spot(ctx context.Context) {
	func() {
		work( /* keep */ context.TODO(), 6) // want `context.TODO\(\) passed while ctx is in scope`
	}()
}

func resultUsedLocally(ctx context.Context) error {
	c, err := open(context.TODO()) // want `context.TODO\(\) passed while ctx is in scope`
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Send(context.TODO(), "x") // want `context.TODO\(\) passed while ctx is in scope`
}

func literalOwnParam() {
	f := func(ctx context.Context) error {
		return work(context.TODO(), 7) // want `context.TODO\(\) passed while ctx is in scope`
	}
	_ = f
}

func selectOtherCase(ctx context.Context, ch chan int) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-ch:
			work(context.TODO(), n) // want `context.TODO\(\) passed while ctx is in scope`
		}
	}
}

func multiline(ctx context.Context) {
	work(
		context.TODO(), // want `context.TODO\(\) passed while ctx is in scope`
		8,
	)
}

// Negatives.

func noCtx() {
	work(context.TODO(), 10)
}

func blank(_ context.Context) {
	work(context.TODO(), 11)
}

func deferred(ctx context.Context, c *conn) {
	defer work(context.Background(), 12)
	defer func() {
		work(context.Background(), 13)
	}()
}

func goroutine(ctx context.Context) {
	go work(context.Background(), 14)
	go func() {
		work(context.Background(), 15)
	}()
	f := func() { work(context.TODO(), 16) }
	f()
}

func afterDone(ctx context.Context, ch chan int) {
	select {
	case <-ctx.Done():
		work(context.Background(), 17)
	case <-ch:
	}
	<-ctx.Done()
	work(context.Background(), 18)
}

func afterErr(ctx context.Context) {
	if ctx.Err() != nil {
		work(context.Background(), 19)
		return
	}
	work(context.Background(), 20) // want `context.Background\(\) passed while ctx is in scope`
}

func doneVar(ctx context.Context) {
	done := ctx.Done()
	<-done
	work(context.Background(), 21)
}

// The derived context is used only for the function's work (canonical/go-dqlite#381):
// its parent should be ctx. The other two fresh contexts are made by the context package
// itself (WithoutCancel) or kept in a variable, and left alone.
func derivedParent(ctx context.Context) {
	c2, cancel := context.WithTimeout(context.Background(), time.Second) // want `context.Background\(\) is the parent of c2 while ctx is in scope`
	defer cancel()
	work(c2, 22)
	_ = context.WithoutCancel(ctx)
	bg := context.Background()
	work(bg, 23)
}

func declaredAfter(n int) {
	work(context.TODO(), 24)
	ctx := context.Background()
	work(ctx, 25)
}

func reassignedUnknown(ctx context.Context) {
	ctx = context.Background()
	work(context.TODO(), 26)
}

func addressTaken(ctx context.Context) {
	p := &ctx
	_ = p
	work(context.TODO(), 27)
}

func (s *server) stored(ctx context.Context) {
	s.c, _ = open(context.Background())
	c, _ := open(context.Background())
	s.cs = append(s.cs, c)
	c2, _ := open(context.Background())
	go c2.Close()
}

func returned(ctx context.Context) (*conn, error) {
	return open(context.TODO()) // want `context.TODO\(\) passed while ctx is in scope`
}

func returnedCancelled(ctx context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return open(context.TODO())
}

func notContextParam(ctx context.Context) {
	var x any = context.TODO()
	_ = x
	println(context.TODO())
	useAny(context.TODO())
}

func useAny(v any) {}

func outerCtxInsideLiteral(ctx context.Context) []func() error {
	return []func() error{func() error { return work(context.TODO(), 28) }}
}

func readWithin(ctx context.Context, d time.Duration) error { return nil }

func explicitTimeout(ctx context.Context) {
	readWithin(context.Background(), time.Second) // the call's own time bound, on purpose
}

func derivedLater(parent context.Context) {
	work(context.TODO(), 29) // want `context.TODO\(\) passed while parent is in scope`
	c2, cancel := context.WithCancel(parent)
	defer cancel()
	work(c2, 30)
}

func outerShadowed(ctx context.Context) {
	f := func(ctx context.Context) {
		work(context.TODO(), 31) // want `context.TODO\(\) passed while ctx is in scope`
	}
	f(ctx)
}

var errX = errors.New("x")

// Parents of derived contexts that are left alone: the derived context goes to a
// clean-up (its own shutdown timeout), is kept by a struct or a goroutine, is derived
// after ctx ended, or a comment says why.
type daemon struct {
	ctx  context.Context
	jobs chan context.Context
}

func (s *daemon) shutdown(ctx context.Context) {}

func (s *daemon) stop(ctx context.Context) {
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.shutdown(sctx)
}

func (s *daemon) keep(ctx context.Context) {
	kctx, cancel := context.WithCancel(context.Background())
	_ = cancel
	s.ctx = kctx
	work(ctx, 40)
}

func (s *daemon) spawn(ctx context.Context) {
	gctx, cancel := context.WithTimeout(context.Background(), time.Second)
	go func() {
		defer cancel()
		work(gctx, 41)
	}()
	work(ctx, 42)
}

func (s *daemon) afterEnd(ctx context.Context) {
	<-ctx.Done()
	fctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	work(fctx, 43)
}

func (s *daemon) commented(ctx context.Context) {
	// The flush must finish even when the caller gives up.
	fctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	work(fctx, 44)
}

// nil given to the package's own functions: a sentinel test (no transaction) or a kept
// context is left alone; a function that only turns nil into context.Background() gets
// a context (influxdata/influxdb#18137).
func inTx(ctx context.Context, q string) error {
	if ctx == nil {
		return errors.New("no transaction")
	}
	return work(ctx, 45)
}

func (s *daemon) keepCtx(ctx context.Context) { s.ctx = ctx }

func query(ctx context.Context, q string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return work(ctx, 46)
}

func (s *daemon) queries() {
	_ = inTx(nil, "a")
	s.keepCtx(nil)
	_ = query(nil, "b") // want `nil passed as a context\.Context`
}

// A fresh timeout derived on an error path to report the failure (temporal's Go SDK,
// internal_task_handlers.go: the activity task is failed with a context of its own when
// its heartbeat cannot be encoded): clean-up, which the caller's context must not cut
// short. Left alone.
func (s *daemon) heartbeat(ctx context.Context) error {
	if err := work(ctx, 47); err != nil {
		fctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = work(fctx, 48)
		return err
	}
	return nil
}

// A method whose own name is a clean-up gives its work a time bound of its own, whatever
// the caller's context says (the behaviour script's Shutdown). Left alone.
func (s *daemon) Close(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return work(cctx, 49)
}

// nilDefault starts a span on a context that may be nil, and a fresh one is the default
// for nil (asim/go-micro v3.7.1 debug/trace/default.go, memTracer.Start: passing ctx
// there would hand a nil context on). After the nil test, ctx is not nil.
func nilDefault(ctx context.Context, name string) error {
	if ctx == nil {
		return work(context.Background(), 20)
	}
	if ctx != nil && name != "" {
		_ = work(context.TODO(), 21) // want `context.TODO\(\) passed while ctx is in scope`
	} else {
		_ = work(context.TODO(), 22)
	}
	switch {
	case name == "" || ctx == nil:
		_ = work(context.TODO(), 23)
	}
	return work(context.TODO(), 24) // want `context.TODO\(\) passed while ctx is in scope`
}
