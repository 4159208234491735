// Package deferloop: a deferred Done inside a loop of the goroutine that one Add(1)
// counts (minus5/go-uof-sdk#8), and look-alikes.
package deferloop

import (
	"context"
	"log"
	"sync"
	"time"
)

type conn interface {
	Dial(ctx context.Context) error
	Serve(ctx context.Context) error
}

// A reconnecting client: one Done per failed attempt, run when the goroutine returns.
type client struct {
	wg      sync.WaitGroup
	conn    conn
	backoff time.Duration
}

func (c *client) start(ctx context.Context) {
	c.wg.Add(1)
	go func() {
		for {
			defer c.wg.Done() // want `c.wg.Done is deferred inside a loop: each iteration defers one more Done for the one c.wg.Add\(1\), and the second makes the counter negative`
			if err := c.conn.Dial(ctx); err != nil {
				log.Println("dial:", err)
			} else if err := c.conn.Serve(ctx); err == nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(c.backoff):
			}
		}
	}()
}

func (c *client) stop() { c.wg.Wait() }

// A labeled loop: the defer goes before the label.
func retryLabeled(ctx context.Context, try func() error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		log.Println("retrying")
	retry:
		for {
			defer wg.Done() // want `wg.Done is deferred inside a loop`
			if err := try(); err != nil {
				select {
				case <-ctx.Done():
					break retry
				default:
					continue retry
				}
			}
			return
		}
	}()
	wg.Wait()
}

// A loop over a channel may not run its body: reported only.
func drain(in <-chan int, handle func(int)) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for v := range in {
			defer wg.Done() // want `wg.Done is deferred inside a loop`
			handle(v)
		}
	}()
	wg.Wait()
}

// The defer is not the loop's first statement: reported only.
func poll(ctx context.Context, ready func() bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for {
			if ready() {
				return
			}
			defer wg.Done() // want `wg.Done is deferred inside a loop`
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	wg.Wait()
}

// ---- Look-alikes ----

// The loop always leaves on its first iteration: one Done.
func firstOnly(try func() error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for {
			defer wg.Done()
			if err := try(); err != nil {
				log.Println(err)
			}
			return
		}
	}()
	wg.Wait()
}

// One Add per item, one deferred Done per item: balanced, all released at the end.
func batch(items []string, handle func(string)) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	go func() {
		for _, it := range items {
			defer wg.Done()
			handle(it)
		}
	}()
	wg.Wait()
}

// The defer is in a function literal called per iteration: one Done per call.
func perJob(jobs []func(), wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		for _, job := range jobs {
			func() {
				defer wg.Done()
				job()
			}()
		}
	}()
}

// A queue whose Adds count items, not goroutines: the consumer's deferred Dones balance
// them (odd, but not this rule's business).
type queue struct {
	wg    sync.WaitGroup
	items chan string
}

func (q *queue) push(s string) {
	q.wg.Add(1)
	q.items <- s
}

func (q *queue) consume(handle func(string)) {
	q.wg.Add(1)
	go func() {
		for s := range q.items {
			defer q.wg.Done()
			handle(s)
		}
	}()
}

// An exported field: another package may Add on it.
type Pool struct {
	WG sync.WaitGroup
}

func (p *Pool) Run(try func() error) {
	p.WG.Add(1)
	go func() {
		for {
			defer p.WG.Done()
			if try() == nil {
				return
			}
		}
	}()
}

// The WaitGroup is handed to a helper in the loop, which may Add.
func handedOn(try func() error, spawn func(*sync.WaitGroup)) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for {
			defer wg.Done()
			spawn(&wg)
			if try() == nil {
				return
			}
		}
	}()
	wg.Wait()
}
