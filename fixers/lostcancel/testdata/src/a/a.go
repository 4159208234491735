// Package a holds lost cancel functions of every shape, and code that must not change.
package a

import (
	"context"
	"errors"
	"time"
)

var bg = context.Background()

func use(ctx context.Context) error { return ctx.Err() }

// --- discarded, every With function ---

func discardCancel() {
	ctx, _ := context.WithCancel(bg) // want `cancel function returned by context.WithCancel is discarded`
	use(ctx)
}

func discardTimeout() error {
	ctx, _ := context.WithTimeout(bg, time.Second) // want `cancel function returned by context.WithTimeout is discarded`

	return use(ctx)
}

func discardDeadline() {
	// The deadline is fixed.
	ctx, _ := context.WithDeadline(bg, time.Now().Add(time.Minute)) // want `context.WithDeadline is discarded`
	// Use it.
	use(ctx)
}

func discardCancelCause() {
	ctx, _ := context.WithCancelCause(bg) // want `context.WithCancelCause is discarded`
	use(ctx)
}

func discardTimeoutCause() {
	ctx, _ := context.WithTimeoutCause(bg, time.Second, errors.New("slow")) // want `context.WithTimeoutCause is discarded`
	use(ctx)
}

func discardDeadlineCause() {
	ctx, _ := context.WithDeadlineCause(bg, time.Now(), errors.New("late")) // want `context.WithDeadlineCause is discarded`
	use(ctx)
}

func discardVar() {
	var ctx, _ = context.WithCancel(bg) // want `discarded`
	use(ctx)
}

func discardPlainAssign(ctx context.Context, d time.Duration) {
	if d > 0 {
		// Bound the wait.
		ctx, _ = context.WithTimeout(ctx, d) // want `discarded`
	}
	use(ctx)
}

// --- silenced and never called ---

func silenced() {
	ctx, cancel := context.WithTimeout(bg, time.Second) // want `context.WithTimeout is never called`
	_ = cancel
	use(ctx)
}

func silencedWithComment() {
	ctx, cancel := context.WithCancel(bg) // want `never called`
	_ = cancel                            // keep the compiler quiet
	use(ctx)
}

func silencedCause() {
	ctx, stop := context.WithCancelCause(bg) // want `never called`

	_ = stop

	use(ctx)
}

// --- not called on every path ---

func somePath(fail bool) error {
	ctx, cancel := context.WithTimeout(bg, time.Second) // want `not called on all paths`
	if fail {
		return errors.New("failed")
	}
	defer cancel()
	return use(ctx)
}

func overwritten() {
	ctx, cancel := context.WithCancel(bg) // want `not called on all paths`
	ctx, cancel = context.WithTimeout(ctx, time.Second)
	defer cancel()
	use(ctx)
}

func inCase(k int) {
	switch k {
	case 1:
		ctx, _ := context.WithCancel(bg) // want `discarded`
		use(ctx)
	}
}

func inFuncLit() func() {
	return func() {
		ctx, _ := context.WithCancel(bg) // want `discarded`
		use(ctx)
	}
}

// --- loops ---

func loopFixable(xs []int) {
	for range xs {
		ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
		use(ctx)
		// done with this one
	}
}

func loopNested(xs []int) {
	for _, x := range xs {
		if x > 0 {
			ctx, cancel := context.WithCancel(bg) // want `never called`
			_ = cancel
			for i := 0; i < x; i++ {
				if i == 3 {
					break // leaves the inner loop only
				}
			}
			use(ctx)
		}
	}
}

func loopContinue(xs []int) {
	for _, x := range xs {
		ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
		if x == 0 {
			continue
		}
		use(ctx)
	}
}

func loopReturn(xs []int) error {
	for range xs {
		ctx, cancel := context.WithTimeout(bg, time.Second) // want `not called on all paths`
		if err := use(ctx); err != nil {
			return err
		}
		cancel()
	}
	return nil
}

func loopOuterCtx(xs []int) {
	var ctx context.Context
	for range xs {
		ctx, _ = context.WithCancel(bg) // want `discarded`
		use(ctx)
	}
	use(ctx)
}

func loopDeferUse(xs []int) {
	for range xs {
		ctx, _ := context.WithCancel(bg) // want `discarded`
		defer use(ctx)
	}
}

func loopReassigned(xs []int) {
	for range xs {
		ctx, cancel := context.WithCancel(bg) // want `not called on all paths`
		_ = cancel
		ctx, cancel = context.WithTimeout(ctx, time.Second)
		defer cancel()
		use(ctx)
	}
}

// --- report only: the context or cancel escapes ---

func returnsCtx() context.Context {
	ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
	return ctx
}

func returnsDerived() context.Context {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	ctx2 := context.WithValue(ctx, "k", 1)
	return ctx2
}

func returnsDone() <-chan struct{} {
	ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
	return ctx.Done()
}

func goroutine() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	go use(ctx)
}

func goroutineLit() {
	ctx, cancel := context.WithCancel(bg) // want `never called`
	_ = cancel
	go func() {
		use(ctx)
	}()
}

type server struct {
	ctx    context.Context
	cancel context.CancelFunc
	hooks  []func()
}

func (s *server) storesCtx() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	s.ctx = ctx
}

func (s *server) storesCtxInLiteral() *server {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	t := &server{ctx: ctx}
	return t
}

func (s *server) storesClosure() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	s.hooks = append(s.hooks, func() { use(ctx) })
}

func sends(ch chan context.Context) {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	ch <- ctx
}

func register(f func()) { f() }

func passesClosure() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	register(func() { use(ctx) })
}

func passesClosureVar() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	f := func() { use(ctx) }
	register(f)
}

func cancelPassedOnOnePath(b bool) {
	ctx, cancel := context.WithCancel(bg) // want `not called on all paths`
	if b {
		register(cancel)
		return
	}
	use(ctx)
}

func ifInit() {
	if ctx, cancel := context.WithCancel(bg); use(ctx) == nil { // want `never called`
		_ = cancel
	}
}

func outerCapture() {
	var ctx context.Context
	func() {
		ctx, _ = context.WithCancel(bg) // want `discarded`
	}()
	use(ctx)
}

func namedResult() (ctx context.Context) {
	ctx, _ = context.WithCancel(bg) // want `discarded`
	return
}

// --- correct or not ours: untouched, no diagnostic ---

func correct() error {
	ctx, cancel := context.WithTimeout(bg, time.Second)
	defer cancel()
	return use(ctx)
}

func correctCause() {
	ctx, cancel := context.WithCancelCause(bg)
	defer cancel(errors.New("done"))
	use(ctx)
}

func returnsCancel() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(bg)
	return ctx, cancel
}

func (s *server) storesCancel() {
	ctx, cancel := context.WithCancel(bg)
	s.ctx, s.cancel = ctx, cancel
}

func (s *server) storesDirect() {
	s.ctx, s.cancel = context.WithCancel(bg)
}

// shutdown calls the kept cancel: storing it in the field above is not a leak.
func (s *server) shutdown() { s.cancel() }

func passesCancel() {
	ctx, cancel := context.WithCancel(bg)
	context.AfterFunc(ctx, cancel)
	register(cancel)
}

func cancelInGoroutine() {
	ctx, cancel := context.WithCancel(bg)
	go func() {
		defer cancel()
		use(ctx)
	}()
}

func loopCalled(xs []int) {
	for range xs {
		ctx, cancel := context.WithCancel(bg)
		use(ctx)
		cancel()
	}
}

func outerCancelUsed() {
	var cancel context.CancelFunc
	func() {
		var ctx context.Context
		ctx, cancel = context.WithCancel(bg)
		use(ctx)
	}()
	cancel()
}

func panics() {
	ctx, cancel := context.WithCancel(bg)
	if ctx == nil {
		panic("nil")
	}
	defer cancel()
}
