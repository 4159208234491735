package heldblock

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

// A Syncer refreshes its shards in parallel and records each result under s.mu, while
// Refresh holds s.mu across g.Wait: the first worker to record blocks in its Lock, and
// Wait waits for it forever (the shape of neilotoole/errgroup#6, with x/sync's group:
// Wait called with a lock its goroutines take).
type Syncer struct {
	mu     sync.Mutex
	shards []string
	state  map[string]int
}

func (s *Syncer) record(shard string, n int) {
	s.mu.Lock()
	s.state[shard] = n
	s.mu.Unlock()
}

func (s *Syncer) Refresh(fetch func(string) (int, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var g errgroup.Group
	for _, sh := range s.shards {
		g.Go(func() error {
			n, err := fetch(sh)
			if err != nil {
				return err
			}
			s.record(sh, n)
			return nil
		})
	}
	return g.Wait() // want `g.Wait\(\) waits with s.mu held, and a goroutine it waits for locks it first \(func literal at line \d+ → Syncer.record → s.mu.Lock\): deadlock`
}

// The same with sync.WaitGroup.Go (Go 1.25): the group's goroutine ends where Done would be.
func (s *Syncer) RefreshAll(fetch func(string) int) {
	s.mu.Lock()
	var wg sync.WaitGroup
	for _, sh := range s.shards {
		wg.Go(func() {
			s.record(sh, fetch(sh))
		})
	}
	wg.Wait() // want `wg.Wait\(\) waits with s.mu held, and a goroutine it waits for locks it first \(func literal at line \d+ → Syncer.record → s.mu.Lock\): deadlock`
	s.mu.Unlock()
}

// Look-alikes.

// The workers collect into their own slots; the lock guards only the swap.
func (s *Syncer) RefreshSlots(fetch func(string) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, len(s.shards))
	var g errgroup.Group
	for i, sh := range s.shards {
		g.Go(func() error {
			out[i] = fetch(sh)
			return nil
		})
	}
	g.Wait()
	for i, sh := range s.shards {
		s.state[sh] = out[i]
	}
}

// The lock is released before the wait.
func (s *Syncer) RefreshUnlocked(fetch func(string) int) error {
	s.mu.Lock()
	shards := append([]string(nil), s.shards...)
	s.mu.Unlock()
	var g errgroup.Group
	for _, sh := range shards {
		g.Go(func() error {
			s.record(sh, fetch(sh))
			return nil
		})
	}
	return g.Wait()
}

// The workers take another mutex.
type Pair struct {
	mu, statsMu sync.Mutex
	n           int
}

func (p *Pair) Run(k int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var g errgroup.Group
	for range k {
		g.Go(func() error {
			p.statsMu.Lock()
			p.n++
			p.statsMu.Unlock()
			return nil
		})
	}
	g.Wait()
}

// A buffered channel that the function makes and one run cannot fill: the send under
// the lock never blocks, though its receiver locks first.
func (b *Bus) Handoff() int {
	res := make(chan int, 1)
	go func() {
		b.mu.Lock()
		b.n++
		b.mu.Unlock()
		<-res
	}()
	b.mu.Lock()
	defer b.mu.Unlock()
	res <- b.n
	return b.n
}
