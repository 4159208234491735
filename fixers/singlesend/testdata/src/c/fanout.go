package c

import (
	"context"
	"errors"
)

func query(string) string { return "" }

func check(int) error { return nil }

// Fan-outs whose caller can leave before every goroutine sent: a slot per goroutine, the
// loop's trip count (kubevirt/kubevirt#6168: one goroutine per proxied direction, one
// error read).

// hedged: the first reply wins; the other replicas' goroutines block forever.
func hedged(ctx context.Context, replicas []string) (string, error) {
	replies := make(chan string) // want `goroutine may block forever sending on unbuffered channel replies`
	for _, r := range replicas {
		go func() { replies <- query(r) }()
	}
	select {
	case v := <-replies:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// firstError returns at the first failure of n checks.
func firstError(n int) error {
	errc := make(chan error) // want `goroutine may block forever sending on unbuffered channel errc`
	for i := 0; i < n; i++ {
		go func() { errc <- check(i) }()
	}
	for range n {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// Look-alikes: the bound is not the loop's.

// late: the replicas are known only after the make.
func late(ctx context.Context, get func() []string) (string, error) {
	replies := make(chan string) // want `unbuffered channel replies: the function can return without receiving \(no fix: the goroutine is started in a loop\)`
	replicas := get()
	for _, r := range replicas {
		go func() { replies <- query(r) }()
	}
	select {
	case v := <-replies:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// grown: the slice grows between the make and the loop.
func grown(ctx context.Context, replicas []string) (string, error) {
	replies := make(chan string) // want `\(no fix: the goroutine is started in a loop\)`
	replicas = append(replicas, "backup")
	for _, r := range replicas {
		go func() { replies <- query(r) }()
	}
	select {
	case v := <-replies:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// byZone: goroutines per replica per zone.
func byZone(ctx context.Context, zones [][]string) (string, error) {
	replies := make(chan string) // want `\(no fix: the goroutine is started in a loop\)`
	for _, zone := range zones {
		for _, r := range zone {
			go func() { replies <- query(r) }()
		}
	}
	select {
	case v := <-replies:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// overMap: a map's length may change while it is ranged over.
func overMap(ctx context.Context, replicas map[string]bool) (string, error) {
	replies := make(chan string) // want `\(no fix: the goroutine is started in a loop\)`
	for r := range replicas {
		go func() { replies <- query(r) }()
	}
	select {
	case v := <-replies:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// lastOne: only the goroutine that sees the count reach n sends (runtime's
// TestGoroutineParallelism2): how many send is unknown, and so is the leak.
func lastOne(ctx context.Context, n int32, inc func() int32) error {
	done := make(chan bool) // want `\(no fix: the goroutine is started in a loop\)`
	for i := int32(0); i < n; i++ {
		go func() {
			if inc() == n {
				done <- true
			}
		}()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errNone = errors.New("none")
