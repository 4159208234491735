//go:build go1.24

package modernold

import "sync"

func work() {}

// wg.Go does not exist before go1.25.
func start() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		work()
	}()
	wg.Wait()
}
