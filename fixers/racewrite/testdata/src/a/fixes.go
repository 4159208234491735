package a

import (
	"errors"
	"fmt"
	"sync"
)

// Count is a counter incremented by goroutines started in a loop: it becomes atomic.
func Count(jobs []func() bool) int {
	n := 0
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if job() {
				n++ // want `goroutines started in a loop write n with no lock, atomic or channel between them: a data race`
			}
		}()
	}
	wg.Wait()
	return n
}

// Total adds sizes from goroutines; the int64 keeps its type.
func Total(sizes []int64) int64 {
	var total int64
	var wg sync.WaitGroup
	for _, s := range sizes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total += s // want `goroutines started in a loop write total`
		}()
	}
	wg.Wait()
	return total
}

// FirstErr keeps the first error of several goroutines (kubernetes #91187, containerd
// #4261: a shared error variable written by goroutines): a mutex next to it.
func FirstErr(tasks []func() error) error {
	var firstErr error
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := task(); err != nil {
				// Keep the first failure only.
				if firstErr == nil { // want `goroutines started in a loop read and write firstErr`
					firstErr = fmt.Errorf("task: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// Collect appends results and errors from goroutines (kubernetes #134107, dragonfly
// #4774: appends to shared slices): one mutex for both, held around each append.
func Collect(urls []string, fetch func(string) (string, error)) ([]string, []error) {
	var pages []string
	var errs []error
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			page, err := fetch(u)
			if err != nil {
				errs = append(errs, err) // want `goroutines started in a loop write errs`
				return
			}
			pages = append(pages, page) // want `goroutines started in a loop write pages`
		}()
	}
	wg.Wait()
	return pages, errs
}

// Index writes a map from goroutines: concurrent map writes crash the program (contiv/vpp
// #963).
func Index(keys []string) map[string]int {
	seen := make(map[string]int)
	done := make(chan struct{})
	for i, k := range keys {
		go func() {
			seen[k] = i // want `goroutines started in a loop write map seen with no lock between them: a data race, and concurrent map writes crash the program`
			done <- struct{}{}
		}()
	}
	for range keys {
		<-done
	}
	return seen
}

// Abort shares the function's err with its goroutines by mistake (kubevirt #17185,
// fixed by kubevirt #17186 with :=): each goroutine gets its own.
func Abort(names []string, del func(string) error, errCh chan<- error) error {
	err := check(names)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err = del(name) // want `goroutines started in a loop write err`
			if err != nil {
				errCh <- err
			}
		}()
	}
	wg.Wait()
	return nil
}

func check(names []string) error {
	if len(names) == 0 {
		return errors.New("no names")
	}
	return nil
}

// Retry's goroutines assign err in an if header.
func Retry(ids []int, do func(int) error, log func(error)) {
	var err error
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err = do(id); err != nil { // want `goroutines started in a loop write err`
				log(err)
			}
		}()
	}
	wg.Wait()
}

// Forgot holds mu around the append of results but not around the append of skipped
// names (temporalio/temporal #11352: a read before the lock the rest holds): mu is held
// there too.
func Forgot(items []string, ok func(string) bool) ([]string, []string) {
	var mu sync.Mutex
	var out, skipped []string
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !ok(it) {
				skipped = append(skipped, it) // want `goroutines started in a loop write skipped`
				return
			}
			mu.Lock()
			out = append(out, it)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out, skipped
}

// Found is a flag set by goroutines: an atomic.Bool.
func Found(xs []int, want int) bool {
	found := false
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if x == want {
				found = true // want `goroutines started in a loop write found`
			}
		}()
	}
	wg.Wait()
	return found
}

// Squares appends from one goroutine per element (ollama #3320: appends to a shared
// slice from goroutines): each goroutine gets the slot of its index.
func Squares(xs []int) []int {
	var out []int
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sq := x * x
			out = append(out, sq) // want `goroutines started in a loop write out`
		}()
	}
	wg.Wait()
	return out
}

// Filtered appends only some results: the slots would leave zeros, so a mutex.
func Filtered(xs []int, keep func(int) bool) []int {
	kept := make([]int, 0, len(xs))
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if keep(x) {
				kept = append(kept, x) // want `goroutines started in a loop write kept`
			}
		}()
	}
	wg.Wait()
	return kept
}

// Reconnect shares err between a goroutine's request and the function's own (client-go
// rest/connection_test.go, v0.37.2): the goroutine gets its own err.
func Reconnect(get func(string) ([]byte, error), errCh chan<- error) ([]byte, error) {
	data, err := get("/")
	if err != nil {
		return nil, err
	}
	go func() {
		_, err = get("/hang") // want `the goroutine writes err while Reconnect writes it`
		errCh <- err
	}()
	data, err = get("/")
	if err != nil {
		return nil, err
	}
	return data, nil
}

// Publish shares the test's err with its producers, assigned in an if inside their loop
// (nats-server jetstream_cluster_1_test.go, v2.15.3): the if gets its own err.
func Publish(producers, n int, publish func(int) (int, error), errorf func(error)) error {
	var err error
	var wg sync.WaitGroup
	for range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				if _, err = publish(i); err != nil { // want `goroutines started in a loop write err`
					errorf(err)
				}
			}
		}()
	}
	wg.Wait()
	err = nil
	return err
}

// Scratch assigns err in the loop's block, then reads it there: the block gets its own.
func Scratch(n int, step func(int) error, report chan<- error) {
	var err error
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				err = step(i) // want `goroutines started in a loop write err`
				if err != nil {
					report <- err
				}
			}
		}()
	}
	wg.Wait()
}

// Outlives reads err after the loop that assigns it: not a variable of the loop's block.
func Outlives(n int, step func(int) error, report func(error)) {
	var err error
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				err = step(i) // want `goroutines started in a loop write err .*\(no fix: the statement at line \d+ calls step, which would run under the lock\)`
			}
			report(err)
		}()
	}
	wg.Wait()
}

// Beside appends names outside the section where mu guards sizes: mu, the one mutex the
// goroutines take, is taken for the names too.
func Beside(files []string, size func(string) int) (map[string]int, []string) {
	var mu sync.Mutex
	sizes := map[string]int{}
	var empty []string
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := size(f)
			if n == 0 {
				empty = append(empty, f) // want `goroutines started in a loop write empty`
			}
			mu.Lock()
			sizes[f] = n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sizes, empty
}

// Held appends while mu is held until the goroutine returns (a deferred unlock): a
// look-alike, nothing to fix.
func Held(files []string, size func(string) int) (int, []string) {
	var mu sync.Mutex
	total := 0
	var big []string
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			total += size(f)
			big = append(big, f)
		}()
	}
	wg.Wait()
	return total, big
}
