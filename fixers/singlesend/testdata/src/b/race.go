package b

import (
	"context"
	"errors"
	"log"
	"time"
)

func lookup(key string) (string, error) { return key, nil }

func count() (int, error) { return 1, nil }

var errTimeout = errors.New("timeout")

// A goroutine that writes what its spawner uses after a timeout: buffering the channel
// stops the leak but keeps the data race, so the values travel through the channel.

// fetch: the goroutine writes the named results, which the function returns when ctx
// is done first (the "run with a timeout" helper; barrydeen/haven#100 is this race on a
// captured map, after its timeout).
func fetch(ctx context.Context, key string) (val string, err error) {
	done := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel done`
	go func() {
		val, err = lookup(key)
		done <- struct{}{}
	}()
	select {
	case <-done:
		return val, err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// probe: the goroutine writes n, which the timeout path logs.
func probe(d time.Duration) (int, error) {
	var n int

	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc`
	go func() {
		var err error
		n, err = count()
		errc <- err // the one result
	}()
	select {
	case err := <-errc:
		if err != nil {
			return 0, err
		}
	case <-time.After(d):
		log.Printf("probe: timeout after %d", n)
		return 0, errTimeout
	}
	return n, nil
}

// wait: a receive statement of its own.
func wait(check func() error) (val string, err error) {
	done := make(chan bool) // want `goroutine may block forever sending on unbuffered channel done`
	go func() {
		val, err = lookup("k")
		done <- true
	}()
	if err := check(); err != nil {
		return "", err
	}
	ok := <-done
	if !ok {
		return "", errTimeout
	}
	return val, err
}

// Look-alikes.

// compute: n is read only after the receive: the buffer alone is right.
func compute(ctx context.Context) (int, error) {
	var n int
	done := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel done`
	go func() {
		n, _ = count()
		done <- struct{}{}
	}()
	select {
	case <-done:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// sum updates its result in place: it cannot be carried.
func sum(ctx context.Context, xs []int) (total int, err error) {
	done := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel done: the function can return without receiving \(no fix: the goroutine writes the result total, which the function returns without waiting for it: buffering would keep the data race \(it cannot be carried through the channel: the goroutine reads total or updates it in place\)\)`
	go func() {
		for _, x := range xs {
			total += x
		}
		done <- struct{}{}
	}()
	select {
	case <-done:
		return total, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// early may send before it assigns val: the copy would lose val's value.
func early(ctx context.Context, skip bool) (val string, err error) {
	done := make(chan struct{}) // want `\(no fix: the goroutine writes val, err, which the function may use after returning without receiving: buffering would keep the data race \(it cannot be carried through the channel: the goroutine may send before it assigns val\)\)`
	go func() {
		if skip {
			done <- struct{}{}
			return
		}
		val, err = lookup("k")
		done <- struct{}{}
	}()
	select {
	case <-done:
		return val, err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// inReturn receives inside a return statement.
func inReturn(ctx context.Context) (n int, err error) {
	errc := make(chan error) // want `\(no fix: the goroutine writes the result n, which the function returns without waiting for it: buffering would keep the data race \(it cannot be carried through the channel: a receive from errc is part of an expression\)\)`
	go func() {
		n = 1
		errc <- nil
	}()
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	return n, <-errc
}
