package local

import (
	"sync"
)

// sum adds in parallel; a local channel guards the total.
func sum(xs []int) int {
	total := 0
	lock := make(chan struct{}, 1) // want `channel lock of capacity 1 is used as a mutex`
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lock <- struct{}{}
			total += x
			<-lock
		}()
	}
	wg.Wait()
	return total
}

// deferred releases in a deferred closure.
func deferred(xs []string) map[string]int {
	m := map[string]int{}
	var guard = make(chan bool, 1) // want `channel guard of capacity 1 is used as a mutex`
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			guard <- true
			defer func() { <-guard }()
			m[x]++
		}()
	}
	wg.Wait()
	return m
}

// prefilled fills the channel right after make: receive locks, send unlocks.
func prefilled(n int) []int {
	var out []int
	var tok chan struct{} = make(chan struct{}, 1) // want `channel tok of capacity 1 is used as a mutex`
	tok <- struct{}{}
	done := make(chan struct{})
	for i := range n {
		go func() {
			<-tok
			out = append(out, i)
			tok <- struct{}{}
			done <- struct{}{}
		}()
	}
	for range n {
		<-done
	}
	return out
}

// loop locks and unlocks in the same function, with an early exit that unlocks.
func loop(xs []int) (n int) {
	mu := make(chan int, 1) // want `channel mu of capacity 1 is used as a mutex`
	for _, x := range xs {
		mu <- 1
		if x < 0 {
			<-mu
			break
		}
		n += x
		<-mu
	}
	return n
}
