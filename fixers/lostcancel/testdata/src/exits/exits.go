// Package exits holds paths that end in calls that never return: log.Fatal, os.Exit, a
// panic, and the package's own fatal helpers. A cancel not called on such a path is not
// lost (the process ends, or the panic unwinds past the function), as go vet's
// lostcancel says with ctrlflow's facts; the concfix command, which has no facts from
// dependencies, says the same through the shared model's no-return policy.
package exits

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"
)

func work(ctx context.Context) error { return ctx.Err() }

// fatalf is the package's own fatal helper: every path ends in os.Exit.
func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// must ends in fatalf, which never returns: it never returns either.
func must(err error) {
	fatalf("fatal: %v", err)
}

type config struct{ timeout time.Duration }

// serve ends in log.Fatal: the implicit return at its end is never reached.
func (c *config) serve(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	if err := work(ctx); err == nil {
		cancel()
		return
	}
	log.Fatalf("serve: %v", work(ctx))
}

func exitEarly(ctx context.Context, verbose bool) {
	ctx, cancel := context.WithCancel(ctx)
	if verbose {
		_ = work(ctx)
		cancel()
		return
	}
	os.Exit(2)
}

func viaHelper(ctx context.Context) int {
	ctx, cancel := context.WithCancel(ctx)
	for i := 0; i < 3; i++ {
		if work(ctx) == nil {
			cancel()
			return i
		}
	}
	fatalf("gave up")
	panic("unreachable")
}

func viaTwoHelpers(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	switch err := work(ctx); {
	case err == nil:
		cancel()
	default:
		must(err)
	}
}

func panics(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	if err := work(ctx); err != nil {
		panic(err)
	}
	cancel()
	return nil
}

// Look-alikes: helpers that may return, and exits that are not on every path.

// logf only logs: it returns.
func logf(format string, args ...any) { log.Printf(format, args...) }

// fatalIf returns when err is nil.
func fatalIf(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func viaLogger(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx) // want `cancel function returned by context.WithCancel is not called on all paths`
	if err := work(ctx); err != nil {
		logf("work: %v", err)
		return err
	}
	cancel()
	return nil
}

func viaConditionalFatal(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx) // want `not called on all paths`
	err := work(ctx)
	fatalIf(err) // returns when err is nil
	if errors.Is(err, context.Canceled) {
		return err
	}
	cancel()
	return nil
}

func exitInLiteral(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx) // want `not called on all paths`
	defer func() {
		if recover() != nil {
			os.Exit(3) // in another function: the return below is still a lost path
		}
	}()
	if err := work(ctx); err != nil {
		return err
	}
	cancel()
	return nil
}
