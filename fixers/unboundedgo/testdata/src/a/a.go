package a

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

func fetch(url string) {}

type request struct{}

// A goroutine per value received from a channel: the producer decides how many.
func handleAll(reqs <-chan *request, handle func(*request)) {
	for r := range reqs {
		go handle(r) // want `goroutine started for every value received from reqs with no limit on how many run at once`
	}
}

// ---- not reported ----

// Fan-outs over a collection the caller hands in: the caller bounds its size, and no
// limit is in scope (see limit.go for the limits that are ignored).

func fetchAll(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fetch(u)
		}()
	}
	wg.Wait()
}

func byIndex(m map[string]int, keys func() []string) {
	ks := keys()
	for i := 0; i < len(ks); i++ {
		go fetch(ks[i])
	}
	for k := range m {
		go fetch(k)
	}
}

func group(urls []string) error {
	var g errgroup.Group
	for _, u := range urls {
		g.Go(func() error { fetch(u); return nil })
	}
	return g.Wait()
}

func waitGroupGo(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Go(func() { fetch(u) })
	}
	wg.Wait()
}

func semaphoreChannel(urls []string) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, u := range urls {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fetch(u)
		}()
	}
	wg.Wait()
}

func semaphoreInside(urls []string) {
	sem := make(chan struct{}, 8)
	for _, u := range urls {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			fetch(u)
		}()
	}
}

func weighted(ctx context.Context, urls []string) {
	sem := semaphore.NewWeighted(4)
	for _, u := range urls {
		if err := sem.Acquire(ctx, 1); err != nil {
			return
		}
		go func() {
			defer sem.Release(1)
			fetch(u)
		}()
	}
}

func limited(urls []string) error {
	var g errgroup.Group
	g.SetLimit(4)
	for _, u := range urls {
		g.Go(func() error { fetch(u); return nil })
	}
	return g.Wait()
}

func fieldGroup(g *errgroup.Group, urls []string) {
	for _, u := range urls {
		g.Go(func() error { fetch(u); return nil }) // the limit may be set by the caller
	}
}

func workers(n int, jobs chan string) {
	for i := 0; i < n; i++ {
		go func() {
			for j := range jobs {
				fetch(j)
			}
		}()
	}
}

func workerPerShard(shards []chan string) {
	for _, s := range shards {
		go func() {
			for {
				fetch(<-s)
			}
		}()
	}
}

func literal() {
	for _, u := range []string{"a", "b"} {
		go fetch(u)
	}
	names := []string{"x", "y", "z"}
	for _, n := range names {
		go fetch(n)
	}
}

var table = map[string]string{"a": "b"}

func packageTable() {
	for k := range table {
		go fetch(k)
	}
}

func array(a [4]string) {
	for _, u := range a {
		go fetch(u)
	}
}

func batched(urls []string) {
	for _, u := range urls {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); fetch(u) }()
		wg.Wait()
	}
}

func handOff(urls []string, out chan<- int) {
	for _, u := range urls {
		go fetch(u)
		out <- 1
	}
}

// A function value returning one value: nothing says it reads an input.
func acceptLoop(accept func() string) {
	for {
		go fetch(accept())
	}
}

var ioLimit = make(chan bool, 20)

func parse(name string) {
	ioLimit <- true
	defer func() { <-ioLimit }()
	fetch(name)
}

// The callee limits the concurrency.
func parseAll(names []string) {
	for _, n := range names {
		go parse(n)
		go func() { parse(n) }()
	}
}
