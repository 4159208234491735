package done

import (
	"errors"
	"log"
	"runtime"
	"sync"
)

func step() error { return nil }
func work()       {}

// An early return skips Done.
func early(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			if err := step(); err != nil {
				return
			}
			work()
			wg.Done() // want `wg.Done is not deferred and a return skips it: wg.Wait blocks forever`
		}()
	}
	wg.Wait()
}

// Done on some paths, followed by return; another return skips it.
func branches(in <-chan int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		select {
		case v := <-in:
			if v > 0 {
				// Counted.
				wg.Done() // want `wg.Done is not deferred and a return skips it`
				return
			}
			if v < 0 {
				return
			}
		}
		work()
		wg.Done()
	}()
	wg.Wait()
}

// runtime.Goexit skips Done.
func goexit(ok bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if !ok {
			runtime.Goexit()
		}
		wg.Done() // want `wg.Done is not deferred and runtime.Goexit skips it`
	}()
	wg.Wait()
}

// A recovered panic skips Done.
func recovered() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				log.Println(r)
			}
		}()
		work()
		wg.Done() // want `wg.Done is not deferred and a recovered panic skips it`
	}()
	wg.Wait()
}

type pool struct{ wg sync.WaitGroup }

// A named function, started only by go statements.
func (p *pool) run(jobs <-chan int) {
	for j := range jobs {
		if j < 0 {
			return
		}
	}
	p.wg.Done() // want `p.wg.Done is not deferred and a return skips it`
}

func (p *pool) start(jobs <-chan int) {
	p.wg.Add(2)
	go p.run(jobs)
	go p.run(jobs)
}

// ---- reported, not fixed ----

// A path falls off the end without Done, and a return skips it.
func structural(a, b bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if a {
			return
		}
		if b {
			wg.Done() // want `wg.Done is not deferred and a return skips it`
		}
	}()
	wg.Wait()
}

// Done twice on a path.
func twice(ok bool) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		if !ok {
			return
		}
		wg.Done() // want `wg.Done is not deferred and a return skips it`
		wg.Done()
	}()
	wg.Wait()
}

// Work after Done: deferring it would delay it (and could deadlock).
func after(release chan int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if release == nil {
			return
		}
		wg.Done() // want `wg.Done is not deferred and a return skips it`
		<-release
	}()
	wg.Wait()
	release <- 1
}

// A deferred send would now run before Done.
func deferredSend(out chan error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		var err error
		defer func() { out <- err }()
		if err = step(); err != nil {
			return
		}
		wg.Done() // want `wg.Done is not deferred and a return skips it`
	}()
	wg.Wait()
}

// ---- negatives ----

func deferred() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if step() != nil {
			return
		}
		work()
	}()
	wg.Wait()
}

// Done last, nothing skips it (a panic would crash the program anyway).
func last() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		work()
		if step() != nil {
			panic(errors.New("boom"))
		}
		wg.Done()
	}()
	wg.Wait()
}

// The early path hands the Done over to another goroutine.
func handover(ok bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if !ok {
			go func() {
				defer wg.Done()
				work()
			}()
			return
		}
		wg.Done()
	}()
	wg.Wait()
}

func finish(wg *sync.WaitGroup) { wg.Done() }

// The early path calls a helper that calls Done.
func viaHelper(ok bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if !ok {
			finish(&wg)
			return
		}
		wg.Done()
	}()
	wg.Wait()
}

// os.Exit and log.Fatal end the program: no Done needed.
func fatal(ok bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if !ok {
			log.Fatal("bad")
		}
		wg.Done()
	}()
	wg.Wait()
}

// Done per job in a loop: the WaitGroup counts jobs, not the goroutine.
func perJob(jobs <-chan int) {
	var wg sync.WaitGroup
	go func() {
		for j := range jobs {
			if j < 0 {
				continue
			}
			wg.Done()
		}
	}()
	wg.Wait()
}

// A function called directly as well: its Done may be its caller's business.
func direct(wg *sync.WaitGroup, ok bool) {
	if !ok {
		return
	}
	wg.Done()
}

func startDirect() {
	var wg sync.WaitGroup
	wg.Add(2)
	go direct(&wg, true)
	direct(&wg, false)
	wg.Done()
	wg.Wait()
}

// A Done per message: the WaitGroup counts messages, and a return on an error is the
// goroutine's way to fail (nats.go's jetstream consumer tests). Not reported.
func perMessage(next func() (int, error)) {
	var wg sync.WaitGroup
	wg.Add(10)
	go func() {
		for {
			if _, err := next(); err != nil {
				return
			}
			wg.Done()
		}
	}()
	wg.Wait()
}
