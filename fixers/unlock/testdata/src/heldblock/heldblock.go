// Package heldblock holds mutexes held while waiting for a goroutine that needs them
// (issue 13, class 3). Reported, never fixed.
package heldblock

import (
	"sync"
	"time"
)

// A Server's Stop holds s.mu while it waits for run, and run locks s.mu in its tick
// handler: when Stop takes the lock while run waits for it, neither goes on
// (viamrobotics/goutils#353: "we really wanted that Wait to be outside of a lock").
type Server struct {
	mu    sync.Mutex
	wg    sync.WaitGroup
	stop  chan struct{}
	ticks int
}

func (s *Server) Start() {
	s.stop = make(chan struct{})
	s.wg.Add(1)
	go s.run()
}

func (s *Server) run() {
	defer s.wg.Done()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			s.ticks++
			s.mu.Unlock()
		}
	}
}

func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.stop)
	s.wg.Wait() // want `s.wg.Wait\(\) waits with s.mu held, and a goroutine it waits for locks it first \(Server.run → s.mu.Lock\): deadlock \(no fix: releasing it first`
}

// Look-alike: the lock is released before the wait.
func (s *Server) Close() {
	s.mu.Lock()
	close(s.stop)
	s.mu.Unlock()
	s.wg.Wait()
}

// A monitor's reset sends on an unbuffered channel with m.mu held, and the monitor's
// loop locks m.mu in its other case (sensu/sensu-go#1264: "the consumer of that channel
// can only consume if the other cases in its select are not trying to acquire the same
// mutex").
type Monitor struct {
	mu      sync.Mutex
	reset   chan struct{}
	timeout time.Duration
	failed  int
}

func NewMonitor() *Monitor {
	m := &Monitor{reset: make(chan struct{}), timeout: time.Second}
	go m.loop()
	return m
}

func (m *Monitor) loop() {
	timer := time.NewTimer(m.timeout)
	for {
		select {
		case <-m.reset:
			timer.Reset(m.timeout)
		case <-timer.C:
			m.fail()
		}
	}
}

func (m *Monitor) fail() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failed++
}

func (m *Monitor) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reset <- struct{}{} // want `send on m.reset blocks with m.mu held, and its receiver locks it first \(Monitor.loop → Monitor.fail → m.mu.Lock\): deadlock`
}

// A worker closes done when it quits; Shutdown waits for done with w.mu held, and the
// worker locks w.mu for each job before it looks at quit again.
type Worker struct {
	mu   sync.RWMutex
	jobs chan int
	quit chan struct{}
	done chan struct{}
	sum  int
}

func (w *Worker) Start() {
	w.jobs, w.quit, w.done = make(chan int), make(chan struct{}), make(chan struct{})
	go func() {
		for {
			select {
			case <-w.quit:
				close(w.done)
				return
			case j := <-w.jobs:
				w.mu.Lock()
				w.sum += j
				w.mu.Unlock()
			}
		}
	}()
}

func (w *Worker) Shutdown() int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	close(w.quit)
	<-w.done // want `receive from w.done blocks with w.mu held, and its sender locks it first \(func literal at line \d+ → w.mu.Lock\): deadlock`
	return w.sum
}

// Look-alike: the worker's side takes the read lock too; read locks share.
type Reader struct {
	mu   sync.RWMutex
	wg   sync.WaitGroup
	data map[string]int
}

func (r *Reader) scan() {
	defer r.wg.Done()
	r.mu.RLock()
	_ = len(r.data)
	r.mu.RUnlock()
}

func (r *Reader) Scan() {
	r.wg.Add(1)
	go r.scan()
}

func (r *Reader) Wait() {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.wg.Wait()
}

// Goroutines started under the lock that take it: a certain deadlock.
func Process(items []int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	mu.Lock()
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += it
			mu.Unlock()
		}()
	}
	wg.Wait() // want `wg.Wait\(\) waits with mu held, and a goroutine it waits for locks it first \(func literal at line \d+ → mu.Lock\): deadlock`
	mu.Unlock()
	return total
}

// A generic cache's Close, the same shape as Server.Stop.
type Cache[K comparable, V any] struct {
	mu   sync.Mutex
	wg   sync.WaitGroup
	m    map[K]V
	stop chan struct{}
}

func (c *Cache[K, V]) Start() {
	c.wg.Add(1)
	go c.janitor()
}

func (c *Cache[K, V]) janitor() {
	defer c.wg.Done()
	for {
		select {
		case <-c.stop:
			return
		case <-time.After(time.Second):
			c.evict()
		}
	}
}

func (c *Cache[K, V]) evict() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

func (c *Cache[K, V]) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.stop)
	c.wg.Wait() // want `c.wg.Wait\(\) waits with c.mu held, and a goroutine it waits for locks it first \(Cache.janitor → Cache.evict → c.mu.Lock\): deadlock`
}

// Look-alikes on channels.
type Bus struct {
	mu      sync.Mutex
	events  chan int // unbuffered
	queue   chan int // buffered
	replies chan int
	n       int
}

func (b *Bus) Run() {
	go func() {
		for e := range b.events {
			_ = e // the receiver takes no lock
		}
	}()
	go func() {
		for e := range b.queue {
			b.mu.Lock()
			b.n += e
			b.mu.Unlock()
		}
	}()
}

func NewBus() *Bus {
	b := &Bus{events: make(chan int), queue: make(chan int, 16), replies: make(chan int)}
	b.Run()
	return b
}

func (b *Bus) Publish(e int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events <- e // its receiver needs no lock
	b.queue <- e  // want `send on b.queue, once its buffer of 16 is full, blocks with b.mu held, and its receiver locks it first \(func literal at line \d+ → b.mu.Lock\): deadlock`
	select {
	case b.events <- e: // a case of a select with a default
	default:
	}
}

// Look-alike: the receiver locks only after its one receive.
func (b *Bus) Ask() int {
	go func() {
		v := <-b.replies
		b.mu.Lock()
		b.n = v
		b.mu.Unlock()
	}()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.replies <- 1
	return b.n
}

// Look-alike: another Server's WaitGroup.
func (s *Server) StopOther(o *Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o.wg.Wait()
}

// Look-alike: valyala/fasthttp's GetTimeout. The goroutine sends on a buffered channel
// under mu and sets responded with it; the caller receives under mu only when responded
// says the value is already in the buffer.
func GetTimeout(do func() int, timeout <-chan struct{}) int {
	ch := make(chan int, 1)
	var mu sync.Mutex
	var timedout, responded bool
	go func() {
		v := do()
		mu.Lock()
		if !timedout {
			ch <- v
			responded = true
		}
		mu.Unlock()
	}()
	select {
	case v := <-ch:
		return v
	case <-timeout:
		mu.Lock()
		defer mu.Unlock()
		if responded {
			return <-ch
		}
		timedout = true
		return -1
	}
}

// Look-alike: runtime/pprof's blockMutex test hands the lock to a goroutine that
// releases it, and the waiters lock it after that.
func HandOver(n int, wait func()) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	mu.Lock()
	go func() {
		wait()
		mu.Unlock()
	}()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			mu.Unlock()
		}()
	}
	wg.Wait()
}
