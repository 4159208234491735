// Package togethergo: with -go, a fix whose result -go would rewrite as wg.Go is written
// as wg.Go at once, so that a second run has nothing to do.
package togethergo

import (
	"errors"
	"sync"
)

func step() error { return errors.New("x") }
func work()       {}

// The Add moves and the Done is deferred: wg.Go does both.
func both() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		if err := step(); err != nil {
			return
		}
		work()
		wg.Done() // want `wg.Done is not deferred and a return skips it: wg.Wait blocks forever \(no fix: the fix of the Add at line 17 defers it\)`
	}()
	wg.Wait()
}

// The Done is deferred already: the Add moves, and wg.Go takes both.
func addOnly() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		defer wg.Done()
		work()
	}()
	wg.Wait()
}

// The Add is before the go statement already: deferring the Done makes wg.Go.
func doneOnly() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if err := step(); err != nil {
			return
		}
		work()
		wg.Done() // want `wg.Done is not deferred and a return skips it`
	}()
	wg.Wait()
}

// Look-alike: Add(2) is no wg.Go.
func two() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		if err := step(); err != nil {
			return
		}
		wg.Done() // want `wg.Done is not deferred and a return skips it`
	}()
	go func() { defer wg.Done() }()
	wg.Wait()
}

// A deferred Done in an endless retry loop moves before the loop: wg.Go does the rest.
func retry(try func() error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for {
			defer wg.Done() // want `wg.Done is deferred inside a loop`
			if try() == nil {
				return
			}
		}
	}()
	wg.Wait()
}
