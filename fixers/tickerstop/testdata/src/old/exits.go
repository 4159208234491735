//go:build go1.22

package old

import (
	"fmt"
	"log"
	"os"
	"runtime"
	"time"
)

// Functions that never return by the shared model's no-return policy: a ticker made by
// time.Tick there lives as long as the program, which is not a leak.

// die is the package's own fatal helper.
func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format, args...)
	os.Exit(1)
}

const debug = false

// monitor ends in the package's fatal helper: it never returns.
func monitor(poll func() error) {
	tick := time.Tick(time.Minute)
	for i := 0; i < 3; i++ {
		<-tick
		if err := poll(); err == nil {
			i = 0
		}
	}
	die("monitor: 3 failed polls\n")
}

// worker ends its goroutine with runtime.Goexit.
func worker(jobs <-chan func()) {
	tick := time.Tick(time.Second)
	for job := range jobs {
		<-tick
		job()
	}
	runtime.Goexit()
}

// watch returns only in a branch that a constant false condition makes dead.
func watch(f func()) {
	for range time.Tick(time.Second) {
		if debug {
			return
		}
		f()
	}
}

// throttle returns only before it makes the ticker; once made, the range over it never
// ends (nsq v1.3.0 apps/to_nsq/to_nsq.go: the rate limiter's goroutine).
func throttle(enabled bool, refill func()) {
	if !enabled {
		return
	}
	for range time.Tick(time.Second) {
		refill()
	}
}

// Look-alikes: the helper may return, the condition is not constant, a return after
// the ticker is made.

func throttleUntil(enabled bool, refill func() bool) {
	if !enabled {
		return
	}
	for range time.Tick(time.Second) { // want `time.Tick in a function that returns`
		if !refill() {
			return
		}
	}
}

func warn(format string, args ...any) { log.Printf(format, args...) }

func monitorWarn(poll func() error) {
	tick := time.Tick(time.Minute) // want `time.Tick in a function that returns leaks its ticker`
	for i := 0; i < 3; i++ {
		<-tick
		if err := poll(); err == nil {
			i = 0
		}
	}
	warn("monitor: 3 failed polls\n")
}

var verbose = false

func watchVerbose(f func()) {
	for range time.Tick(time.Second) { // want `time.Tick in a function that returns`
		if verbose {
			return
		}
		f()
	}
}

// Tickers made by a function that never returns (a main that ends in select {}, with a
// goroutine reading them: uber-go/tally's example): they live as long as the program,
// and a deferred Stop would never run. Not reported.
func spinForever(tick func(), count func()) {
	fast := time.NewTicker(10 * time.Millisecond)
	slow := time.NewTicker(2300 * time.Millisecond)
	go func() {
		for {
			select {
			case <-fast.C:
				tick()
			case <-slow.C:
				count()
			}
		}
	}()
	select {}
}

// The same function with a way out leaks them: reported.
func spinUntil(done <-chan struct{}, tick func()) {
	fast := time.NewTicker(10 * time.Millisecond) // want `ticker from time.NewTicker is never stopped`
	go func() {
		for range fast.C {
			tick()
		}
	}()
	<-done
}
