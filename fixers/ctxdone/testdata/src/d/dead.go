package d

import (
	"context"
	"log"
)

const debug = false

var verbose = false

func handle(int) {}

// Dead branches are no way out of a loop: if false { return }, a constant false debug,
// and a return after a call that does not return.

// deadReturn: the return under if false never runs.
func deadReturn(ctx context.Context, in <-chan int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		v := <-in
		if false {
			return
		}
		handle(v)
	}
}

// debugReturn: debug is a constant false.
func debugReturn(ctx context.Context, in <-chan int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		v := <-in
		if debug {
			log.Println("stopping")
			return
		}
		handle(v)
	}
}

// fatalReturn: the return after log.Fatal never runs.
func fatalReturn(ctx context.Context, in <-chan int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		v, ok := <-in
		if !ok {
			log.Fatal("input closed")
			return
		}
		handle(v)
	}
}

// die never returns: the break after it never runs.
func die(msg string) { log.Fatalf("fatal: %s", msg) }

func helperBreak(ctx context.Context, in <-chan int) {
	for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
		v := <-in
		if v < 0 {
			die("negative")
			break
		}
		handle(v)
	}
}

// Look-alikes: these loops have a way out.

// verboseReturn: verbose is a variable.
func verboseReturn(ctx context.Context, in <-chan int) {
	for {
		v := <-in
		if verbose {
			return
		}
		handle(v)
	}
}

// trueReturn: if true returns on the first iteration.
func trueReturn(ctx context.Context, in <-chan int) {
	for {
		v := <-in
		if true {
			return
		}
		handle(v)
	}
}

// logReturn: log.Print returns.
func logReturn(ctx context.Context, in <-chan int) {
	for {
		v, ok := <-in
		if !ok {
			log.Print("input closed")
			return
		}
		handle(v)
	}
}
