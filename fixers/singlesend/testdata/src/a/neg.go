package a

import (
	"context"
	"os"
	"sync"
	"time"
)

// Always receives: no leak.
func always() error {
	errc := make(chan error)
	go func() { errc <- work() }()
	return <-errc
}

// Already buffered.
func buffered(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The goroutine gives up by itself.
func givesUp(ctx context.Context) error {
	errc := make(chan error)
	go func() {
		select {
		case errc <- work():
		case <-ctx.Done():
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The channel escapes: returned.
func returned() <-chan error {
	errc := make(chan error)
	go func() { errc <- work() }()
	return errc
}

// The channel escapes: passed to a function.
func passed(ctx context.Context, consume func(chan error)) {
	errc := make(chan error)
	go func() { errc <- work() }()
	if ctx.Err() != nil {
		return
	}
	consume(errc)
}

// The sender is a named function: unknown number of sends.
func named(ctx context.Context) error {
	errc := make(chan error)
	go produce(errc)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func produce(errc chan error) { errc <- work() }

// Ranges over the channel.
func ranged() int {
	c := make(chan int)
	go func() {
		c <- 1
		close(c)
	}()
	n := 0
	for v := range c {
		n += v
	}
	return n
}

// Paths without a receive end the program or the test.
func fatal(check func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	if err := check(); err != nil {
		os.Exit(1)
	}
	if check() != nil {
		panic("bad")
	}
	return <-errc
}

// The goroutine sends on another channel.
func other(ctx context.Context) {
	c := make(chan int)
	res := make(chan int, 1)
	go func() { res <- 1 }()
	go func() { <-c }()
	c <- 1
}

// A capacity is read: buffering would change it.
func capped(ctx context.Context) int {
	c := make(chan int)
	go func() { c <- 1 }()
	if ctx.Err() != nil {
		return cap(c)
	}
	return <-c
}

// Reassigned to disable a select case.
func reassigned(ctx context.Context) {
	c := make(chan int)
	go func() { c <- 1 }()
	for c != nil {
		select {
		case <-c:
			c = nil
		case <-ctx.Done():
			return
		}
	}
}

// Blocked forever by design.
func forever() {
	c := make(chan int)
	go func() { c <- 1 }()
	if time.Now().IsZero() {
		select {}
	}
	<-c
}

// Sync via a WaitGroup and no channel receive is needed: the goroutine does not send.
func noSend() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = done
	}()
	wg.Wait()
}

// Receives in a loop until all arrived.
func allArrive() int {
	c := make(chan int)
	go func() { c <- 1 }()
	go func() { c <- 2 }()
	n := 0
	for i := 0; i < 2; i++ {
		n += <-c
	}
	return n
}

// The loop's only return follows the receive (a select without default cannot fall
// through).
func loopUntilDone(tick <-chan time.Time) {
	done := make(chan bool)
	go func() { done <- true }()
	for {
		select {
		case <-done:
			return
		case <-tick:
		}
	}
}

// Fan-out, fan-in: the second loop receives once per goroutine of the first.
func fanIn(n int, items []string) int {
	done := make(chan bool)
	for i := 0; i < n; i++ {
		go func() {
			work()
			done <- true
		}()
	}
	for i := 0; i < n; i++ {
		<-done
	}
	results := make(chan int)
	for _, it := range items {
		go func() { results <- len(it) }()
	}
	total := 0
	for range items {
		total += <-results
	}
	return total
}

// Fan-in in an if statement's init (grpc's alts TestClientHandshake): each goroutine's
// error is received, and the goroutine goes on after its send (chs.Close()).
func fanInIf(n int, errorf func(error)) {
	errc := make(chan error)
	for i := 0; i < n; i++ {
		go func() {
			errc <- nil
			work()
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errc; err != nil {
			errorf(err)
		}
	}
}
