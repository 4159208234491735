// Package demo holds one example of each concurrency pitfall that concfix fixes. Run
//
//	go run ./cmd/concfix -diff ./testdata/demo/...
//
// from the repository root to see the fixes.
package demo

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Status forgets to cancel its timeout: the timer and the context live until the
// deadline (lostcancel).
func Status(ctx context.Context, url string) (int, error) {
	ctx, _ = context.WithTimeout(ctx, 5*time.Second)
	// The request ignores ctx (ctxprop).
	req, err := http.NewRequest(http.MethodHead, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Cache guards its map with a mutex.
type Cache struct {
	mu sync.Mutex
	m  map[string]string
}

// Get returns early with the lock held: the next call deadlocks (unlock).
func (c *Cache) Get(k string) (string, bool) {
	c.mu.Lock()
	v, ok := c.m[k]
	if !ok {
		return "", false
	}
	c.mu.Unlock()
	return v, true
}

// counter uses a channel of capacity 1 as a mutex (chanmutex).
type counter struct {
	sem chan struct{}
	n   int
}

func newCounter() *counter {
	return &counter{sem: make(chan struct{}, 1)}
}

func (c *counter) inc() {
	c.sem <- struct{}{}
	c.n++
	<-c.sem
}

// Process counts its workers inside them: Wait may return before they start
// (waitgroup).
func Process(items []string, handle func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		go func() {
			wg.Add(1)
			defer wg.Done()
			handle(it)
		}()
	}
	wg.Wait()
}

// First returns the first result or a timeout; on timeout the sender blocks forever
// (singlesend).
func First(work func() string) (string, error) {
	ch := make(chan string)
	go func() {
		ch <- work()
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(time.Second):
		return "", errors.New("timeout")
	}
}

// Produce sends forever, even after its consumer is gone (ctxdone).
func Produce(ctx context.Context, out chan<- int) {
	for i := 0; ; i++ {
		out <- i
	}
}
