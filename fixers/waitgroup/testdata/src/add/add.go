package add

import (
	"fmt"
	"sync"
	"testing"
)

func work(int) {}

// Add as the first statement of the goroutine.
func first(n int) {
	var wg sync.WaitGroup
	for i := range n {
		go func() {
			wg.Add(1) // want `wg.Add is called inside the goroutine it counts: wg.Wait may return before it runs`
			defer wg.Done()
			work(i)
		}()
	}
	wg.Wait()
}

// Add after other statements (vet only looks at the first one).
func later(n int) {
	var wg sync.WaitGroup
	for i := range n {
		// Start a worker.
		go func() {
			fmt.Println("starting", i)

			// counted here
			wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
			defer wg.Done()
			work(i)
		}()
	}
	wg.Wait()
}

type server struct {
	wg sync.WaitGroup
}

// A field of a captured pointer.
func (s *server) start() {
	go func() {
		s.wg.Add(1) // want `s.wg.Add is called inside the goroutine it counts`
		work(0)
		s.wg.Done()
	}()
}

// A named function started with go: the Add moves to the caller.
func worker(wg *sync.WaitGroup, i int) {
	wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
	defer wg.Done()
	work(i)
}

func startWorker() {
	var wg sync.WaitGroup
	go worker(&wg, 1)
	wg.Wait()
}

// A count that is a captured variable never assigned.
func captured(jobs []int) {
	var wg sync.WaitGroup
	n := len(jobs)
	go func() {
		wg.Add(n) // want `wg.Add is called inside the goroutine it counts`
		for range n {
			wg.Done()
		}
	}()
	wg.Wait()
}

// ---- reported, not fixed ----

// A return before the Add skips it: after the move, Wait would block.
func earlyReturn(ok bool) {
	var wg sync.WaitGroup
	go func() {
		if !ok {
			return
		}
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		defer wg.Done()
	}()
	wg.Wait()
}

// The count is computed by the goroutine.
func computed() {
	var wg sync.WaitGroup
	go func() {
		n := 2
		wg.Add(n) // want `wg.Add is called inside the goroutine it counts`
		wg.Done()
		wg.Done()
	}()
	wg.Wait()
}

// The Add is conditional.
func conditional(ok bool) {
	var wg sync.WaitGroup
	go func() {
		if ok {
			wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		}
		wg.Done()
	}()
	wg.Wait()
}

// A named function started by several go statements.
func shared(wg *sync.WaitGroup) {
	wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
	defer wg.Done()
}

func startShared() {
	var wg sync.WaitGroup
	go shared(&wg)
	go shared(&wg)
	wg.Wait()
}

// A value parameter: the goroutine counts a copy.
func copied(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of copied is passed by value`
	go func(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of func literal is passed by value: the goroutine works on a copy \(no fix: the argument wg is a parameter passed by value itself\)`
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		defer wg.Done()
	}(wg)
}

// A pointer variable that is reassigned.
func reassigned() {
	wg := new(sync.WaitGroup)
	go func() {
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		defer wg.Done()
	}()
	wg.Wait()
	wg = new(sync.WaitGroup)
	wg.Wait()
}

// A deferred call before the Add may recover a panic.
func recovered() {
	var wg sync.WaitGroup
	go func() {
		defer func() { recover() }()
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		defer wg.Done()
	}()
	wg.Wait()
}

// t.Fatal before the Add ends the goroutine (runtime.Goexit).
func fatal(t *testing.T) {
	var wg sync.WaitGroup
	go func() {
		if t == nil {
			t.Fatal("no t")
		}
		wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
		defer wg.Done()
	}()
	wg.Wait()
}

// ---- negatives: must stay as they are ----

func correct(n int) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(i)
		}()
	}
	wg.Wait()
}

// The goroutine counts the goroutines it starts, not itself.
func coordinator(n int) {
	var wg sync.WaitGroup
	done := make(chan struct{})
	go func() {
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(i)
			}()
		}
		wg.Wait()
		close(done)
	}()
	<-done
}

// An Add for work the goroutine hands to others.
func producer(jobs chan int) {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		jobs <- 1
	}()
	go func() {
		for range jobs {
			wg.Done()
		}
	}()
	wg.Wait()
}

// A WaitGroup of the goroutine's own.
func local() {
	go func() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done() }()
		wg.Wait()
	}()
}

// A helper that adds for its caller, called directly too: reported, not fixed.
func helper(wg *sync.WaitGroup) {
	wg.Add(1) // want `wg.Add is called inside the goroutine it counts`
	defer wg.Done()
}

func callsHelper() {
	var wg sync.WaitGroup
	helper(&wg)
	go helper(&wg)
	wg.Wait()
}

type mirrorSrv struct{ wg sync.WaitGroup }

func (s *mirrorSrv) startGoRoutine(f func()) bool { go f(); return true }

// An Add before a call that starts a function literal in a goroutine of its own is that
// goroutine's Add (nats-server's stream mirror: mirror.wg.Add(1), then
// s.startGoRoutine(func() { ... }), and Done if it did not start). Not reported.
func (s *mirrorSrv) setup(ready chan struct{}) {
	go func() {
		<-ready
		s.wg.Add(1)
		if !s.startGoRoutine(func() { defer s.wg.Done(); work(0) }) {
			s.wg.Done()
		}
	}()
}
