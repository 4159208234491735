package a

import (
	"context"
	"sync"
	"sync/atomic"
)

// Slots writes each goroutine's own element of a preallocated slice.
func Slots(xs []int) []int {
	out := make([]int, len(xs))
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = x * x
		}()
	}
	wg.Wait()
	return out
}

// Locked holds a mutex around every write.
func Locked(xs []int) (int, map[int]bool) {
	var mu sync.Mutex
	sum := 0
	seen := map[int]bool{}
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			sum += x
			seen[x] = true
		}()
	}
	wg.Wait()
	return sum, seen
}

// Atomics counts with sync/atomic.
func Atomics(xs []int) (int64, int32) {
	var a int64
	var b atomic.Int32
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&a, 1)
			b.Add(1)
		}()
	}
	wg.Wait()
	return atomic.LoadInt64(&a), b.Load()
}

// Sent passes values through a channel.
func Sent(xs []int) int {
	out := make(chan int, len(xs))
	for _, x := range xs {
		go func() { out <- x * 2 }()
	}
	total := 0
	for range xs {
		total += <-out
	}
	return total
}

// ReadOnly goroutines only read what they share.
func ReadOnly(xs []int, scale int, names map[int]string) []string {
	out := make([]string, len(xs))
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = names[x*scale]
		}()
	}
	wg.Wait()
	return out
}

// Waited reads only after wg.Wait, and the single goroutine writes before.
func Waited(f func() int) int {
	var v int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		v = f()
	}()
	wg.Wait()
	return v
}

// Serial waits inside the loop: one goroutine at a time.
func Serial(xs []int) int {
	n := 0
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n++
		}()
		wg.Wait()
	}
	return n
}

// PerIteration declares the variable inside the loop: one per goroutine.
func PerIteration(xs []int, use func(int)) {
	var wg sync.WaitGroup
	for _, x := range xs {
		var y int
		wg.Add(1)
		go func() {
			defer wg.Done()
			y = x * 2
			use(y)
		}()
	}
	wg.Wait()
}

// Token serialises the goroutines with a channel of capacity 1 used as a lock.
func Token(xs []int) int {
	n := 0
	sem := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			n++
			<-sem
		}()
	}
	wg.Wait()
	return n
}

// Done is received once the goroutine closed it.
func Done(f func() string) string {
	var s string
	done := make(chan struct{})
	go func() {
		s = f()
		close(done)
	}()
	<-done
	return s
}

// Provoke races on purpose, as a test of the race detector does (the testing package's
// doRace): the comments say so.
func Provoke() {
	var x int
	c1 := make(chan bool)
	go func() {
		x = 1 // racy write
		c1 <- true
	}()
	_ = x // racy read
	<-c1
}

// connState admits one goroutine at a time: Await blocks until the state is idle and
// takes it, Release makes it idle again.
type connState struct {
	mu   sync.Mutex
	cond *sync.Cond
	busy bool
}

func (c *connState) Await() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.busy {
		c.cond.Wait()
	}
	c.busy = true
	return nil
}

func (c *connState) Release() {
	c.mu.Lock()
	c.busy = false
	c.mu.Unlock()
	c.cond.Signal()
}

// FIFOOrder reads order outside orderMu, between Await and Release of a state machine
// that admits one goroutine at a time (go-redis v9.23.0, internal/pool/conn_state_test.go,
// TestConnStateMachine_FIFOOrdering): the goroutines are serialised by it.
func FIFOOrder(n int, logf func(string, ...any)) []int {
	sm := &connState{}
	var order []int
	var orderMu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if err := sm.Await(); err != nil {
				logf("goroutine %d: %v", id, err)
				return
			}
			orderMu.Lock()
			order = append(order, id)
			orderMu.Unlock()
			logf("goroutine %d: position %d", id, len(order))
			sm.Release()
		}(i)
	}
	wg.Wait()
	return order
}

type partResult struct {
	size int
	err  error
}

// UploadParts reads opts in the workers and assigns it once every part has answered
// (minio-go v7.4.1, api-put-object-streaming.go, putObjectMultipartStreamFromReadAt):
// parts jobs, one result each, parts results received, so no worker still reads opts.
func UploadParts(ctx context.Context, parts, threads int, opts string, put func(string, int) (int, error)) (string, int, error) {
	jobs := make(chan int)
	results := make(chan partResult)
	go func() {
		defer close(jobs)
		for p := 1; p <= parts; p++ {
			select {
			case <-ctx.Done():
				return
			case jobs <- p:
			}
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for {
				var job int
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job, ok = <-jobs:
					if !ok {
						return
					}
				}
				n, err := put(opts, job)
				select {
				case <-ctx.Done():
				case results <- partResult{n, err}:
				}
			}
		}()
	}
	total := 0
	for u := 1; u <= parts; u++ {
		select {
		case <-ctx.Done():
			return "", 0, ctx.Err()
		case r := <-results:
			if r.err != nil {
				return "", 0, r.err
			}
			total += r.size
		}
	}
	opts = "complete"
	return opts, total, nil
}
