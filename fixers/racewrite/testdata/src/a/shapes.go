package a

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

// Map computes f for every key of a generic map, one goroutine each (prometheus-style
// fan-out into a map: concurrent map writes).
func Map[K comparable, V any](keys []K, f func(K) V) map[K]V {
	out := make(map[K]V, len(keys))
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := f(k)
			out[k] = v // want `goroutines started in a loop write map out`
		}()
	}
	wg.Wait()
	return out
}

// Pool is a generic worker pool.
type Pool[T any] struct {
	workers int
}

// Sum runs the workers over a select loop; they add to one total (etcd-style stress
// workers sharing a counter).
func (p *Pool[T]) Sum(in <-chan int, done <-chan struct{}) int {
	total := 0
	var wg sync.WaitGroup
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case v := <-in:
					total += v // want `goroutines started in a loop write total`
				case <-done:
					return
				}
			}
		}()
	}
	wg.Wait()
	return total
}

type stats struct {
	ok, failed int
}

// Run counts outcomes in a struct from an errgroup's goroutines (cockroach-style
// errgroup fan-out with shared stats).
func Run(tasks []func() error) (stats, error) {
	var st stats
	var g errgroup.Group
	for _, task := range tasks {
		g.Go(func() error {
			if err := task(); err != nil {
				st.failed++ // want `goroutines started in a loop write st.failed`
				return err
			}
			st.ok++
			return nil
		})
	}
	err := g.Wait()
	return st, err
}

// Subtests starts the goroutines from a closure called on the spot.
func Subtests(names []string, check func(string) bool) []string {
	var failed []string
	func() {
		var wg sync.WaitGroup
		for _, n := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if !check(n) {
					failed = append(failed, n) // want `goroutines started in a loop write failed .*\(no fix: a goroutine started in another function uses failed \(line 87\)\)`
				}
			}()
		}
		wg.Wait()
	}()
	return failed
}
