package a

import (
	"fmt"
	"log"
	"sync"
)

// Listener forwards messages until ... nothing: once Close closes msgs, the goroutine
// spins on empty strings (gofinance/ib #21: a manager's loop on a channel closed by
// preLoop). The loop does nothing else: a range.
type Listener struct {
	msgs chan string
}

func (l *Listener) Listen(handle func(string)) {
	msgs := l.msgs
	go func() {
		for {
			m := <-msgs // want `receive from msgs in a loop that nothing ends: once msgs is closed, it yields zero values and the loop spins forever`
			handle(m)
		}
	}()
}

// Close closes the messages.
func (l *Listener) Close() { close(l.msgs) }

// Ticks waits for each tick; the tick channel is closed by stop.
type Ticker struct {
	ticks chan struct{}
	n     int
	mu    sync.Mutex
}

func (t *Ticker) stop() { close(t.ticks) }

// run receives from a field: not a range (the field may change), an ok and a return.
func (t *Ticker) run() {
	for {
		<-t.ticks // want `receive from t.ticks in a loop`
		t.mu.Lock()
		t.n++
		t.mu.Unlock()
	}
}

// Worker is started on a receive-only channel that its caller closes (protoconf #35:
// break the loop when the channel is closed).
func worker(jobs <-chan int, results chan<- int) {
	for {
		j := <-jobs // want `receive from jobs in a loop`
		results <- j * 2
	}
	fmt.Println("unreachable")
}

func Pool(n int) []int {
	jobs := make(chan int)
	results := make(chan int, n)
	for range 2 {
		go worker(jobs, results)
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	out := make([]int, 0, n)
	for range n {
		out = append(out, <-results)
	}
	return out
}

// Pump is in a loop of its own: leaving the inner loop would start it again; an ok.
func Pump(in chan []byte, write func([]byte)) {
	for {
		for {
			b := <-in // want `receive from in in a loop`
			write(b)
		}
	}
}

func RunPump(write func([]byte)) {
	in := make(chan []byte)
	go Pump(in, write)
	close(in)
}

// Own closes the channel when it returns, which it never does: not reported.
func Own(in chan int, use func(int)) {
	defer close(in)
	for {
		use(<-in)
	}
}

// Labeled keeps its label.
func Labeled(events chan int, log func(int)) {
outer:
	for {
		e := <-events // want `receive from events in a loop`
		switch e {
		case 1:
			continue outer
		}
		log(e)
	}
}

func Events(log func(int)) chan<- int {
	events := make(chan int)
	go Labeled(events, log)
	return events
}

func Stop(events chan<- int) { close(events) }

func Run(log func(int)) {
	e := Events(log)
	e <- 1
	Stop(e)
}

// Discard is a receive whose ok is dropped.
func Discard(done chan bool, work func()) {
	go func() {
		for {
			v, _ := <-done // want `receive from done in a loop`
			if v {
				work()
			}
		}
	}()
	close(done)
}

// Fatal logs and the loop ends the process: a look-alike.
func Fatal(errs chan error) {
	go func() {
		for {
			err := <-errs
			if err != nil {
				log.Fatal(err)
			}
		}
	}()
	close(errs)
}
