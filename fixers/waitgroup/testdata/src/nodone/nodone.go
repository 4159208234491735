// Package nodone: goroutines counted by Add, and nothing calls Done
// (iterative/terraform-provider-iterative#404), and look-alikes.
package nodone

import (
	"log"
	"sync"
	"time"
)

type fetcher struct {
	mu      sync.Mutex
	results map[string][]byte
	get     func(url string) ([]byte, error)
}

// The goroutines store their result and return: nothing releases the WaitGroup.
func (f *fetcher) fetchAll(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1) // want `wg.Add counts a goroutine, but nothing calls wg.Done: wg.Wait blocks forever`
		go func() {
			b, err := f.get(u)
			if err != nil {
				log.Println(u, err)
				return
			}
			f.mu.Lock()
			f.results[u] = b
			f.mu.Unlock()
		}()
	}
	wg.Wait()
}

func (f *fetcher) warm()  {}
func (f *fetcher) prune() {}

// Two goroutines, named methods that never see the WaitGroup.
func (f *fetcher) maintain() {
	wg := sync.WaitGroup{}
	wg.Add(1) // want `wg.Add counts a goroutine, but nothing calls wg.Done`
	go f.warm()
	wg.Add(1) // want `wg.Add counts a goroutine, but nothing calls wg.Done`
	go f.prune()
	wg.Wait()
}

// ---- Look-alikes ----

// One goroutine and a Wait that never returns: a way to block forever.
func serveForever(addr string, listenAndServe func(string) error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		log.Println(listenAndServe(addr))
	}()
	wg.Wait()
}

// Workers that never return: the Wait blocks with them.
func workers(n int, jobs <-chan func()) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			for {
				select {
				case job := <-jobs:
					job()
				case <-time.After(time.Minute):
					log.Println("idle")
				}
			}
		}()
	}
	wg.Wait()
}

func release(wg *sync.WaitGroup) { wg.Done() }

// The WaitGroup is handed to a helper that calls Done.
func viaHelper(items []string, handle func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			handle(it)
			release(&wg)
		}()
	}
	wg.Wait()
}

// Add(-1) is a Done.
func negative(items []string, handle func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Add(-1)
			handle(it)
		}()
	}
	wg.Wait()
}

// A method value of Done, called by the goroutine.
func methodValue(items []string, handle func(string)) {
	var wg sync.WaitGroup
	done := wg.Done
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer done()
			handle(it)
		}()
	}
	wg.Wait()
}

// An Add that is not a constant may be negative.
func variable(items []string, delta int, handle func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go handle(it)
	}
	wg.Add(delta)
	wg.Wait()
}

// No Wait: the Adds are pointless, but nothing blocks.
func noWait(items []string, handle func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go handle(it)
	}
}

// A field: other methods, or tests, may call Done.
type server struct{ wg sync.WaitGroup }

func (s *server) start(items []string, handle func(string)) {
	for _, it := range items {
		s.wg.Add(1)
		go handle(it)
	}
	s.wg.Wait()
}
