package a

import (
	"context"
	"sync"
	"sync/atomic"
)

// A documented limit in scope that the loop ignores is a real finding: the caller asked
// for at most MaxParallel at once, and every element gets a goroutine anyway.

type Options struct {
	MaxParallel int // at most this many fetches at once
	PageSize    int
}

type Fetcher struct {
	Concurrency int
}

func (f *Fetcher) FetchAll(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() { // want `goroutine started for every element of urls ignoring the limit f.Concurrency`
			defer wg.Done()
			fetch(u)
		}()
	}
	wg.Wait()
}

func fetchWith(ctx context.Context, urls []string, opts Options) {
	for _, u := range urls {
		go fetch(u) // want `goroutine started for every element of urls ignoring the limit opts.MaxParallel`
	}
}

func fetchN(urls []string, workers int) {
	for i := 0; i < len(urls); i++ {
		go fetch(urls[i]) // want `ignoring the limit workers`
	}
}

// ---- not reported ----

// The limit is honoured.
func (f *Fetcher) FetchLimited(urls []string) {
	sem := make(chan struct{}, f.Concurrency)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			sem <- struct{}{}
			defer func() { <-sem; wg.Done() }()
			fetch(u)
		}()
	}
	wg.Wait()
}

// The limit is used to decide the fan-out.
func fetchMaybe(urls []string, opts Options) {
	if len(urls) > opts.MaxParallel {
		for _, u := range urls {
			fetch(u)
		}
		return
	}
	for _, u := range urls {
		go fetch(u)
	}
}

// A page size is not a limit on concurrency.
type ListOptions struct{ Limit int }

func list(ids []string, opts ListOptions) {
	for _, id := range ids {
		go fetch(id)
	}
}

// A count of what runs is not a limit: nats-server's jetStream.apiInflight is added to
// for every API request, and a fan-out in a method of jetStream does not ignore it.
type js struct {
	apiInflight int64
	mu          sync.Mutex
}

func (j *js) request() { atomic.AddInt64(&j.apiInflight, 1) }

func (j *js) checkAll(items []string) {
	for _, it := range items {
		go fetch(it)
	}
}
