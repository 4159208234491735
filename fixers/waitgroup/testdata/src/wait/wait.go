package wait

import (
	"bufio"
	"context"
	"strings"
	"sync"
	"testing"
)

func fetch(context.Context, string) int { return 0 }

// Wait at the end of the loop body: the goroutines run one at a time.
func serial(ctx context.Context, urls []string) []int {
	results := make([]int, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = fetch(ctx, u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop that starts the goroutines: they run one at a time`
	}
	return results
}

// Already followed by a Wait: the inner one goes.
func twice(ctx context.Context, urls []string, out chan<- int) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			out <- fetch(ctx, u)
		}(u)
		// Wait for it.
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
	wg.Wait()
	close(out)
}

// A labelled loop, left by break.
func labelled(ctx context.Context, urls []string) {
	var wg sync.WaitGroup
loop:
	for _, u := range urls {
		if u == "" {
			break loop
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(ctx, u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
	fetch(ctx, "done")
}

// ---- reported, not fixed ----

// The goroutines append to a shared slice.
func appends(ctx context.Context, urls []string) []int {
	var res []int
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res = append(res, fetch(ctx, u))
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
	return res
}

// The loop header and the goroutine share the scanner.
func scan(ctx context.Context, sc *bufio.Scanner) {
	var wg sync.WaitGroup
	for sc.Scan() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(ctx, sc.Text())
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
}

// The next iteration reads what the goroutine wrote.
func chained(ctx context.Context, urls []string) {
	results := make([]int, len(urls)+1)
	var wg sync.WaitGroup
	for i, u := range urls {
		if results[i] < 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i+1] = fetch(ctx, u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
}

// A return leaves the loop: goroutines would be left running.
func returns(ctx context.Context, urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		if u == "" {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(ctx, u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
}

// An endless loop: the goroutines would pile up.
func endless(ctx context.Context, next func() string) {
	var wg sync.WaitGroup
	for {
		u := next()
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(ctx, u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
}

// A counter incremented by every goroutine.
func counter(ctx context.Context, urls []string) int {
	n := 0
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n += fetch(ctx, u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
	return n
}

// Goroutines that isolate a panic or runtime.Goexit, one after the other.
func isolate(f func()) {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { recover() }()
			f()
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
}

// An object shared by the goroutines.
func sharedObject(b *strings.Builder, urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.WriteString(u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop`
	}
}

// ---- negatives ----

// Batches: an inner loop starts them, the outer one waits for each batch.
func batches(ctx context.Context, batches [][]string) {
	var wg sync.WaitGroup
	for _, b := range batches {
		for _, u := range b {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fetch(ctx, u)
			}()
		}
		wg.Wait()
	}
}

// A WaitGroup per iteration.
func perIteration(ctx context.Context, urls []string) {
	for _, u := range urls {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(ctx, u)
		}()
		wg.Wait()
	}
}

// Wait not last: the rest of the body depends on it.
func notLast(ctx context.Context, urls []string) {
	var wg sync.WaitGroup
	var r int
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r = fetch(ctx, u)
		}()
		wg.Wait()
		fetch(ctx, string(rune(r)))
	}
}

// A goroutine counted by another WaitGroup.
func other(ctx context.Context, urls []string) {
	var wg, wg2 sync.WaitGroup
	for _, u := range urls {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			fetch(ctx, u)
		}()
		wg.Wait()
	}
	wg2.Wait()
}

// A benchmark's iterations are what it times: the Wait that ends each one is the
// measured unit (Workiva/go-datastructures futures BenchmarkFuture). Not reported, in the
// b.N loop, a b.Loop() loop, a RunParallel body or a helper given b.
func BenchmarkRoundTrip(b *testing.B) {
	completer := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-completer
		}()
		completer <- "test"
		wg.Wait()
	}
}

func BenchmarkParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		var wg sync.WaitGroup
		for pb.Next() {
			wg.Add(1)
			go func() {
				defer wg.Done()
			}()
			wg.Wait()
		}
	})
}

func benchHelper(b *testing.B, n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.StopTimer()
		}()
		wg.Wait()
	}
}
