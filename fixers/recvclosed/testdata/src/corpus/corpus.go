// Package corpus holds closed-channel bugs modelled on upstream reports, one function
// each, for counting what recvclosed reports and fixes (see recvclosed_test.go).
package corpus

import (
	"fmt"
	"sync"
)

// 1. gofinance/ib #21: once preLoop closes the channel, the manager's main loop spins
// (fixed there by setting the closed channel to nil).
type Manager struct {
	rxReply chan string
	done    sync.WaitGroup
}

func (m *Manager) preLoop() { close(m.rxReply) }

func (m *Manager) startMainLoop(handle func(string)) {
	rx := m.rxReply
	go func() {
		for {
			r := <-rx // want `receive from rx in a loop that nothing ends`
			handle(r)
		}
	}()
}

// 2. protoconf #35 (exec: break the loop when the channel is closed): a watcher of
// results closed by its producer.
func watch(results <-chan error, report func(error)) {
	for {
		err := <-results // want `receive from results in a loop`
		if err != nil {
			report(err)
		}
	}
}

func Exec(cmds []func() error, report func(error)) {
	results := make(chan error)
	go watch(results, report)
	for _, c := range cmds {
		results <- c()
	}
	close(results)
}

// 3. block/ftl #5566 (busy loop on closed channel): a tick channel closed on shutdown.
type Scheduler struct {
	ticks chan struct{}
	runs  int
	mu    sync.Mutex
}

func (s *Scheduler) loop(run func()) {
	for {
		<-s.ticks // want `receive from s.ticks in a loop`
		run()
	}
}

func (s *Scheduler) Shutdown() { close(s.ticks) }

// 4. FleekHQ/space-daemon #58 (high CPU: the listener's channel closed by the threads
// library): a listener whose events channel the hub closes.
type Hub struct {
	events chan string
}

func (h *Hub) Close() { close(h.events) }

func (h *Hub) Listen(handle func(string)) {
	go func() {
		for {
			handle(<-h.events) // want `receive from h.events in a loop`
		}
	}()
}

// 5. tendermint #4761 (spinning on closed channels that the processor closes when
// done): a demux loop forwarding a routine's output.
func demux(in <-chan int, out chan<- int) {
	for {
		out <- <-in // want `receive from in in a loop`
	}
}

func Routine(work []int, out chan<- int) {
	in := make(chan int)
	go demux(in, out)
	for _, w := range work {
		in <- w
	}
	close(in)
}

// 6. golang/tour #142 look-alike with a result: a reader that counts until the
// channel closes, which returns a count (its author decides what it returns).
func Count(lines chan string) int {
	n := 0
	for {
		l := <-lines // want `receive from lines in a loop .*no fix: Count returns results`
		n += len(l)
		fmt.Println(n)
	}
}

func Feed() int {
	lines := make(chan string, 1)
	lines <- "x"
	close(lines)
	return Count(lines)
}
