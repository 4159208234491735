package o

import (
	"context"
	"log"
	"sync"
)

// One-shot sends of goroutine literals, outside loops, that the context they capture
// can end (rhosocial/go-dag#10: BuildWorkflowInput's goroutines block on a vertex's
// channel once the vertex left on ctx.Done(); upstream selects on ctx.Done()).

type graph struct {
	mu      sync.Mutex
	inboxes map[string]chan string
}

func (g *graph) inbox(name string) (chan string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch, ok := g.inboxes[name]
	return ch, ok
}

// Each goroutine sends its one value and ends; the method waits for them.
func (g *graph) broadcast(ctx context.Context, msg string, names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ch, ok := g.inbox(name); ok {
				ch <- msg // want `send on ch blocks without a case for ctx.Done\(\)`
			}
		}()
	}
	wg.Wait()
}

// The goroutine is not waited for, but its work already lives by the context.
type fetcher struct {
	results chan string
	fetch   func(context.Context, string) (string, error)
}

func (f *fetcher) Results() <-chan string { return f.results }

func (f *fetcher) start(ctx context.Context, url string) {
	go func() {
		body, err := f.fetch(ctx, url)
		if err != nil {
			return
		}
		f.results <- body // want `send on f.results blocks without a case for ctx.Done\(\)`
	}()
}

// Look-alikes.

// A channel made by the function that starts the goroutine, sent on once: singlesend's
// (it makes the channel buffered), not a select here.
func (f *fetcher) get(ctx context.Context, url string) (string, error) {
	ch := make(chan string)
	go func() {
		body, _ := f.fetch(ctx, url)
		ch <- body
	}()
	select {
	case b := <-ch:
		return b, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Fire and forget: the goroutine neither is waited for nor uses ctx, so the delivery
// may be meant to outlive the call whose context it is.
func (g *graph) notify(ctx context.Context, name, msg string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	go func() {
		if ch, ok := g.inbox(name); ok {
			ch <- msg
		}
	}()
	return nil
}

// Work after the send: returning early would skip it.
func (g *graph) logged(ctx context.Context, msg string, names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch, ok := g.inbox(name)
			if !ok {
				return
			}
			ch <- msg
			log.Println("delivered to", name)
		}()
	}
	wg.Wait()
}

// A buffered channel: the send is left alone.
type buffered struct{ out chan int }

func newBuffered() *buffered { return &buffered{out: make(chan int, 1)} }

func (b *buffered) once(ctx context.Context, v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.out <- v
	}()
	wg.Wait()
}

// The receiver waits for the value whatever happens: it is always received.
func deliver(ctx context.Context, ch chan int, v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ch <- v
	}()
	wg.Wait()
}

func consume(ctx context.Context) int {
	ch := make(chan int)
	go deliver(ctx, ch, 1)
	return <-ch
}

// The context is known done where the goroutine sends: a case on it would be ready at
// once.
func announce(ctx context.Context, g *graph) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		if ch, ok := g.inbox("closed"); ok {
			ch <- "closed"
		}
	}()
	wg.Wait()
}
