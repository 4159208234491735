package group

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

var _ errgroup.Group // the package depends on errgroup already

// Fetch keeps the first error of its goroutines: with -racewrite.errgroup, an
// errgroup.Group does (argoproj/gitops-engine #46 moved to errgroup).
func Fetch(urls []string, get func(string) error) error {
	var wg sync.WaitGroup
	var firstErr error
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := get(u); err != nil {
				if firstErr == nil { // want `goroutines started in a loop read and write firstErr`
					firstErr = err
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// Last keeps the last error: an errgroup would keep the first, so a mutex.
func Last(urls []string, get func(string) error) error {
	var wg sync.WaitGroup
	var lastErr error
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := get(u); err != nil {
				lastErr = err // want `goroutines started in a loop write lastErr`
			}
		}()
	}
	wg.Wait()
	return lastErr
}
