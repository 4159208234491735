//go:build go1.21

package oldloop

import "sync"

func fetch(string) {}

// Before go1.22 the goroutines share the loop variable u.
func serial(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(u)
		}()
		wg.Wait() // want `wg.Wait is called inside the loop that starts the goroutines`
	}
}

// Passed as an argument: fine at any version.
func param(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			fetch(u)
		}(u)
		wg.Wait() // want `wg.Wait is called inside the loop that starts the goroutines`
	}
}
