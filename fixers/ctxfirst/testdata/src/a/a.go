package a

import "context"

// Positives: fixed.

func one(x int, ctx context.Context) {} // want `context.Context should be the first parameter of function one`

func grouped(a, b string, ctx context.Context) {} // want `parameter of function grouped`

func twoCtx(x int, ctx, parent context.Context) {} // want `parameter of function twoCtx`

func unnamed(int, context.Context) {} // want `parameter of function unnamed`

func variadic(s string, ctx context.Context, rest ...int) {} // want `parameter of function variadic`

func blank(x int, _ context.Context) {} // want `parameter of function blank`

func multiline(
	x int, // the x
	ctx context.Context, // the context // want `parameter of function multiline`
) {
}

type T struct{}

func (T) m(x int, ctx context.Context) {} // want `parameter of method T.m`

func (t *T) pm(x int, ctx context.Context) int { return x } // want `parameter of method T.pm`

type E struct{ T }

type G[P any] struct{}

func (G[P]) gm(x P, ctx context.Context) {} // want `parameter of method G.gm`

func generic[P any](x P, ctx context.Context) {} // want `parameter of function generic`

func recursive(n int, ctx context.Context) { // want `parameter of function recursive`
	if n > 0 {
		recursive(n-1, ctx)
	}
}

func compute() int { return 0 }

func callers(ctx context.Context) {
	one(1, ctx)
	grouped("a", "b", ctx)
	twoCtx(1, ctx, context.Background())
	unnamed(2, context.TODO())
	variadic("s", ctx)
	variadic("s", ctx, 1, 2)
	variadic("s", ctx, []int{1}...)
	blank(0, nil)
	multiline(1, ctx)
	defer one(3, ctx)
	go one(4, ctx)
	var t T
	t.m(5, ctx)
	(&t).pm(6, ctx)
	E{}.m(7, ctx)
	G[int]{}.gm(8, ctx)
	generic(9, ctx)
	generic[string]("x", ctx)
	(one)(10, ctx)
	T.m(t, 11, ctx)
	(*T).pm(&t, 12, ctx)
	one(
		13,  // thirteen
		ctx, // the context
	)
	one(compute(), ctx)                  // ctx is never reassigned: reading it first is safe
	one(compute(), context.Background()) // so is a fresh background context
	recursive(14, ctx)
}

// Negatives: reported without a fix.

func valued(x int, ctx context.Context) {} // want `parameter of function valued`

var hook = valued

func methodValue(x int, ctx context.Context) {} // want `parameter of function methodValue`

func passes(f func(int, context.Context)) { f(0, context.Background()) }

func usesMethodValue() {
	passes(methodValue)
}

type V struct{}

func (V) mv(x int, ctx context.Context) {} // want `parameter of method V.mv`

func (V) mx(x int, ctx context.Context) {} // want `parameter of method V.mx`

func vUses() {
	var v V
	f := v.mv
	g := V.mx
	_, _ = f, g
}

func pair() (int, context.Context) { return 0, context.Background() }

func multi(x int, ctx context.Context) {} // want `parameter of function multi`

func callsMulti() { multi(pair()) }

func order(x int, ctx context.Context) {} // want `parameter of function order`

func reorders(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	derive := func() int { ctx = context.WithValue(ctx, key{}, 1); return 0 }
	order(derive(), ctx) // the closure writes ctx while the arguments are evaluated: no fix
}

type key struct{}

func deadline(x int, ctx context.Context) {} // want `parameter of function deadline`

// A context reassigned by the function's own statements (temporalio/sdk-go's
// interceptor_test: ctx = context.WithValue(ctx, ...) before the call) cannot change while
// the call's arguments are evaluated: the move is safe.
func reassigned(ctx context.Context, explicit bool) {
	if explicit {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
	}
	ctx = context.WithValue(ctx, key{}, 2)
	deadline(compute(), ctx)
	for i := 0; i < 2; i++ {
		ctx = context.WithValue(ctx, key{}, 3) // a loop body is the function's own statement
	}
}

func iterated(x int, ctx context.Context) {} // want `parameter of function iterated`

// The address of a variable lets any call write it: the call is not moved (the body of a
// range-over-func loop, which the iterator runs, counts the same way: a_iter.go).
func iterates(ctx context.Context, p func(*context.Context) int) {
	iterated(compute(), ctx)
	other := ctx
	iterated(p(&other), other)
}

func commented(x int, ctx context.Context) {} // want `parameter of function commented`

func callsCommented(ctx context.Context) {
	commented( /* x */ 1 /* ctx */, ctx)
}

type I interface {
	Do(x int, ctx context.Context) // want `parameter of interface method I.Do`
}

type impl struct{}

func (impl) Do(x int, ctx context.Context) {} // want `parameter of method impl.Do`

var _ I = impl{}

func Exported(x int, ctx context.Context) {} // want `parameter of function Exported`

// Negatives: not reported.

func first(ctx context.Context, x int) {}

func none(x int) {}

func onlyCtx(ctx context.Context) {}

func results(x int) (context.Context, int) { return nil, x }

type ctxLike interface{ Done() <-chan struct{} }

func notContext(x int, c ctxLike) {}

var lit = func(x int, ctx context.Context) {}

// Negative: a file that this build ignores calls it.

func tagged(x int, ctx context.Context) {} // want `parameter of function tagged`

func callsTagged(ctx context.Context) { tagged(1, ctx) }
