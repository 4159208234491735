package i

import (
	"fmt"
	"sync"
	"time"
)

func full() bool { return false }

// A channel that says a phase is over is not a stop channel. In cockroachdb/pebble's
// cmd/pebble runTest, workersDone is closed when the workers finish; the loop that
// receives done goes on after it (waiting for compactions) and then sets workersDone to
// nil. A select on workersDone around the send on done would drop the "max size" signal
// half the time, and read workersDone while the loop sets it (a data race).
func runTest(wg *sync.WaitGroup, wait bool) {
	done := make(chan struct{}, 3)
	workersDone := make(chan struct{})
	go func() {
		wg.Wait()
		close(workersDone)
	}()
	go func() {
		for {
			time.Sleep(time.Second)
			if full() {
				done <- struct{}{}
			}
		}
	}()
	for {
		select {
		case <-workersDone:
			workersDone = nil
			if !wait {
				return
			}
		case <-done:
			return
		}
	}
}

// The same without the nil: the receiver still goes on receiving from done after it
// has seen phase closed.
func phases(wg *sync.WaitGroup) {
	done := make(chan int)
	phase := make(chan struct{})
	go func() {
		wg.Wait()
		close(phase)
	}()
	go func() {
		for i := 0; ; i++ {
			done <- i
		}
	}()
	<-phase
	for v := range 3 {
		fmt.Println(v, <-done)
	}
}

// Look-alike: quit is a stop channel; its receiver leaves when it sees it closed.
func consume() {
	out := make(chan int)
	quit := make(chan struct{})
	time.AfterFunc(time.Second, func() { close(quit) })
	go func() {
		for i := 0; ; i++ { // want `endless loop blocks on channel operations without a case for quit`
			out <- i
		}
	}()
	for {
		select {
		case v := <-out:
			fmt.Println(v)
		case <-quit:
			return
		}
	}
}
