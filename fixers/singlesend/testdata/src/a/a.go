package a

import (
	"context"
	"errors"
	"log"
	"time"
)

func work() error { return nil }

func value() (int, error) { return 1, nil }

var errTimeout = errors.New("timeout")

// The classic: a timeout wins and nobody receives.
func timeout(d time.Duration) error {
	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc: the function can return without receiving`
	go func() {
		errc <- work()
	}()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		return errTimeout
	}
}

// ctx.Done wins.
func cancelled(ctx context.Context) (int, error) {
	type result struct {
		v   int
		err error
	}
	ch := make(chan result, 0) // want `goroutine may block forever sending on unbuffered channel ch`
	go func() {
		v, err := value()
		ch <- result{v, err} // the one result
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// An early error return before the receive.
func early(check func() error) error {
	done := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel done`
	go func() {
		defer log.Println("worker done")
		work()
		done <- struct{}{}
	}()
	if err := check(); err != nil {
		return err
	}
	<-done
	return nil
}

// The channel passed as an argument, sends on two paths, var declaration.
func argument(ctx context.Context) error {
	var errc = make(chan error) // want `unbuffered channel errc`
	go func(out chan<- error) {
		if err := work(); err != nil {
			out <- err
			return
		}
		out <- nil
	}(errc)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-errc:
		return err
	}
}

// Two goroutines, two go statements: two slots.
func two(ctx context.Context) (int, error) {
	c := make(chan int) // want `unbuffered channel c`
	go func() { c <- 1 }()
	go func() { c <- 2 }()
	sum := 0
	for i := 0; i < 2; i++ {
		select {
		case v := <-c:
			sum += v
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return sum, nil
}

// A single sender that closes after sending.
func closer(ctx context.Context) error {
	errc := make(chan error) // want `unbuffered channel errc`
	go func() {
		defer close(errc)
		errc <- work()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A select with a default case may skip the receive.
func poll() bool {
	ready := make(chan bool) // want `unbuffered channel ready`
	go func() { ready <- work() == nil }()
	select {
	case ok := <-ready:
		return ok
	default:
		return false
	}
}

// A function literal's own channel.
var lit = func(ctx context.Context) {
	ch := make(chan int) // want `unbuffered channel ch`
	go func() { ch <- 1 }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// The make inside a loop: each iteration abandons its channel on timeout (continue).
func perItem(items []int, d time.Duration) int {
	n := 0
	for range items {
		ch := make(chan int) // want `unbuffered channel ch`
		go func() { ch <- 1 }()
		select {
		case v := <-ch:
			n += v
		case <-time.After(d):
			continue
		}
	}
	return n
}

// ---- reported without a fix ----

// Goroutines started in a loop: a slot per item (the model bounds the sends by the loop).
func loop(ctx context.Context, items []int) error {
	errc := make(chan error) // want `unbuffered channel errc`
	for range items {
		go func() { errc <- work() }()
	}
	for range items {
		select {
		case err := <-errc:
			if err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// A goroutine that sends twice.
func twice(ctx context.Context) int {
	c := make(chan int) // want `unbuffered channel c`
	go func() {
		c <- 1
		c <- 2
	}()
	select {
	case v := <-c:
		return v
	case <-ctx.Done():
		return 0
	}
}

// A goroutine that keeps working after its send.
func after(ctx context.Context) int {
	c := make(chan int) // want `unbuffered channel c`
	go func() {
		c <- 1
		log.Println("sent")
	}()
	select {
	case v := <-c:
		return v
	case <-ctx.Done():
		return 0
	}
}

// A send from a deferred recover.
func recovered(ctx context.Context) error {
	errc := make(chan error) // want `unbuffered channel errc`
	go func() {
		defer func() {
			if r := recover(); r != nil {
				errc <- errors.New("panic")
			}
		}()
		errc <- work()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Fan-in that gives up at the first error: the other goroutines leak, a slot each.
func fanInEarly(n int) error {
	errc := make(chan error) // want `unbuffered channel errc`
	for i := 0; i < n; i++ {
		go func() { errc <- work() }()
	}
	for i := 0; i < n; i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}
