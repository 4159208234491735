package a

import (
	"context"
	"sync"
	"time"
)

// Fetch writes its named results from a goroutine and returns on a timeout without
// waiting (cloudwego/eino #1279): reported, no lock can fix it.
func Fetch(ctx context.Context, recv func() (string, bool)) (v string, ok bool, timedOut bool) {
	done := make(chan struct{})
	go func() {
		v, ok = recv() // want `the goroutine writes v, which Fetch returns: Fetch may return while the goroutine still runs, a data race \(no fix: Fetch can return before the goroutine is done with v: a lock would not keep it from writing after the return; its results need a channel of their own\)` `the goroutine writes ok, which Fetch returns`
		close(done)
	}()
	select {
	case <-done:
		return v, ok, false
	case <-ctx.Done():
		return "", false, true
	}
}

// Progress reads the count before it waits (moby-style status polling).
func Progress(jobs []func(), report func(int)) int {
	n := 0
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job()
			n++ // want `goroutines started in a loop write n .*\(no fix: Progress uses n while the goroutine may still run: a lock would not make it wait for the goroutine\)`
		}()
	}
	report(n)
	wg.Wait()
	return n
}

// Slow computes under what would be the lock.
func Slow(keys []string, load func(string) int) map[string]int {
	m := map[string]int{}
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m[k] = load(k) // want `goroutines started in a loop write map m .*\(no fix: the statement at line 50 calls load, which would run under the lock\)`
		}()
	}
	wg.Wait()
	return m
}

// Server counts through its receiver: other methods may use s.hits at the same time.
type Server struct {
	hits int
}

func (s *Server) Warm(paths []string, get func(string)) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			get(p)
			s.hits++ // want `goroutines started in a loop write s.hits .*\(no fix: s.hits is reached through a pointer, which other code may share \(line 69\)\)`
		}()
	}
	wg.Wait()
}

// Handed passes the map to a function the model does not follow.
func Handed(keys []string, fill func(map[string]bool)) map[string]bool {
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen[k] = true // want `goroutines started in a loop write map seen .*\(no fix: seen is handed on at line 84, where the model does not follow it\)`
			fill(seen)
		}()
	}
	wg.Wait()
	return seen
}

var cache = map[string]int{}

// Warmup writes a package-level map.
func Warmup(keys []string) {
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cache[k] = i // want `goroutines started in a loop write map cache .*\(no fix: cache is a package-level variable, which other functions may use at the same time\)`
		}()
	}
	wg.Wait()
}

// Later runs a callback at any time.
func Later(d time.Duration, xs []int) int {
	sum := 0
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum += x // want `goroutines started in a loop write sum .*\(no fix: a function literal that may run at any time uses sum \(line 117\)\)`
		}()
	}
	time.AfterFunc(d, func() { sum = 0 })
	wg.Wait()
	return sum
}

// InFlight reads the goroutine's err after receiving its signal, though it wrote err
// itself in between (client-go rest/connection_test.go, TestReconnectBrokenTCPInFlight):
// the goroutine's err is what it wants, so the goroutine cannot get its own.
func InFlight(get func(string) ([]byte, error), fatal func(string)) {
	data, err := get("/")
	done := make(chan error, 1)
	go func() {
		_, err = get("/hang") // want `the goroutine writes err while InFlight writes it.*\(no fix: InFlight uses err while the goroutine may still run`
		done <- err
	}()
	data, err = get("/")
	if err != nil || data == nil {
		fatal("get")
	}
	<-done
	if err == nil {
		fatal("expected to time out")
	}
}

// The goroutine's own err is not the fix when a later := of the same block declares err
// (gomodule/redigo's connmux_test: err = c.Send("PING"), then _, err := c.Receive()).
func Pipeline(n int, send func() error, receive func() (int, error), check func(error)) {
	var err error
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				err = send() // want `goroutines started in a loop write err .*\(no fix: the statement at line \d+ calls send, which would run under the lock\)`
				check(err)
				_, err := receive()
				check(err)
			}
		}()
	}
	wg.Wait()
}

// counter locks only around its own work, and waits for nobody: calling its methods
// orders nothing between the calls.
type counter struct {
	mu   sync.Mutex
	hits int
}

func (c *counter) Begin() {
	c.mu.Lock()
	c.hits++
	c.mu.Unlock()
}

func (c *counter) End() {
	c.mu.Lock()
	c.hits--
	c.mu.Unlock()
}

// Bracketed reads order between two calls on an object that cannot serialise the
// goroutines: still a race.
func Bracketed(n int, logf func(string, ...any)) []int {
	c := &counter{}
	var order []int
	var orderMu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			c.Begin()
			orderMu.Lock()
			order = append(order, id) // want `goroutines started in a loop read and write order with no lock, atomic or channel between them: a data race \(no fix: the statement at line \d+ calls logf, which would run under the lock\)`
			orderMu.Unlock()
			logf("goroutine %d: position %d", id, len(order))
			c.End()
		}(i)
	}
	wg.Wait()
	return order
}

// UploadSome leaves the loop on the first error, before every part has answered: a
// worker may still read opts while it is assigned.
func UploadSome(parts, threads int, opts string, put func(string, int) error) (string, error) {
	jobs := make(chan int)
	results := make(chan error)
	go func() {
		defer close(jobs)
		for p := 0; p < parts; p++ {
			jobs <- p
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for job := range jobs {
				results <- put(opts, job) // want `the goroutine reads opts while UploadSome writes it, with nothing ordering them: a data race \(no fix: .*\)`
			}
		}()
	}
	var err error
	for u := 0; u < parts; u++ {
		if err = <-results; err != nil {
			break
		}
	}
	opts = "complete"
	return opts, err
}
