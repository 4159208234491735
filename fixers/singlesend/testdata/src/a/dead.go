package a

import (
	"context"
	"log"
	"os"
)

const debug = false

var verbose = false

// fail never returns: the package's own no-return helper.
func fail(format string, args ...any) {
	log.Printf(format, args...)
	os.Exit(2)
}

// Dead branches and calls that do not return are not returns without receiving.

// deadBranch: the early return is under if false.
func deadBranch() error {
	errc := make(chan error)
	go func() { errc <- work() }()
	if false {
		return errTimeout
	}
	return <-errc
}

// debugBranch: debug is a constant false.
func debugBranch() error {
	errc := make(chan error)
	go func() { errc <- work() }()
	if debug {
		log.Println("skipping the wait")
		return nil
	}
	return <-errc
}

// helperExit: fail exits the process.
func helperExit(check func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	if err := check(); err != nil {
		fail("check: %v", err)
		return err
	}
	return <-errc
}

// Look-alikes: these paths do return without receiving.

// verboseBranch: verbose is a variable.
func verboseBranch() error {
	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc`
	go func() { errc <- work() }()
	if verbose {
		return nil
	}
	return <-errc
}

// logOnly: log.Printf returns.
func logOnly(ctx context.Context) error {
	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc`
	go func() { errc <- work() }()
	if ctx.Err() != nil {
		log.Printf("cancelled")
		return ctx.Err()
	}
	return <-errc
}
