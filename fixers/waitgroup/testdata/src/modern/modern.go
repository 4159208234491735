package modern

import "sync"

func work(int) {}

func start(n int) {
	var wg sync.WaitGroup
	for i := range n {
		// One per item.
		wg.Add(1) // want `wg.Add\(1\) and go func\(\) { defer wg.Done\(\) ... }\(\) can be wg.Go\(func\(\) { ... }\)`
		go func() {
			defer wg.Done()
			work(i)
		}() // started
	}
	wg.Wait()
}

// ---- negatives ----

// Add(2), arguments, another Done, no defer first; the inner one is fine.
func others(n int) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		work(0)
	}()
	wg.Add(1)
	go func(i int) {
		defer wg.Done()
		work(i)
	}(n)
	wg.Add(1)
	go func() {
		work(0)
		wg.Done()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		wg.Add(1) // want `can be wg.Go`
		go func() { defer wg.Done() }()
	}()
	wg.Wait()
}
