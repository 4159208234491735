// Package callback holds function literals that a callee runs before it returns: the
// context of the function that passes them is in scope inside them.
//
// The shape is kubernetes/kubernetes#131327 ("cleanup(eviction api): using ctx from
// caller"): EvictionREST.Create(ctx, ...) fetched the PodDisruptionBudget with
// context.TODO() inside the literal it gave retry.RetryOnConflict, which runs it before
// it returns; the pull request passed ctx there (closed unmerged, a reviewer asked how a
// cancelled context would be told from the retry's timeout). retry here is the same
// helper declared in the package.
package callback

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

type client struct{}

func (c *client) Send(ctx context.Context, msg string) error              { return nil }
func (c *client) Count(ctx context.Context, key string) (int, error)      { return 0, nil }
func (c *client) Open(ctx context.Context, key string) (*stream, error)   { return &stream{}, nil }
func (c *client) Flush(ctx context.Context) error                         { return nil }
func dial(ctx context.Context, addr string) (*client, error)              { return &client{}, nil }
func (c *client) Lookup(ctx context.Context, id string) (string, error)   { return "", nil }
func (c *client) SendAll(ctx context.Context, msgs []string) (int, error) { return 0, nil }

type stream struct{}

type store struct {
	mu    sync.Mutex
	items map[string]string
	hooks []func()
}

// ForEach calls f for each item, under the lock, until f fails.
func (s *store) ForEach(f func(k, v string) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.items {
		if err := f(k, v); err != nil {
			return err
		}
	}
	return nil
}

// ForEachCtx hands f a context of its own.
func (s *store) ForEachCtx(ctx context.Context, f func(ctx context.Context, k, v string) error) error {
	for k, v := range s.items {
		if err := f(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}

// Map applies f to each element.
func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// retry runs f up to n times, until it succeeds.
func retry(n int, f func() error) error {
	var err error
	for i := 0; i < n; i++ {
		if err = f(); err == nil {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return err
}

// withRetry passes f on to retry.
func (s *Service) withRetry(f func() error) error { return retry(3, f) }

type Service struct {
	store   *store
	client  *client
	conns   sync.Map
	once    sync.Once
	lazy    *client
	lazyErr error
	runner  func(func())
	url     string
}

// Positives.

func (s *Service) Broadcast(ctx context.Context) error {
	return s.store.ForEach(func(k, v string) error {
		return s.client.Send(context.TODO(), k+"="+v) // want `context.TODO\(\) passed while ctx is in scope`
	})
}

func (s *Service) Counts(ctx context.Context, keys []string) []int {
	return Map(keys, func(k string) int {
		n, _ := s.client.Count(context.Background(), k) // want `context.Background\(\) passed while ctx is in scope`
		return n
	})
}

func (s *Service) Notify(ctx context.Context, msg string) error {
	return retry(3, func() error {
		return s.client.Send(context.TODO(), msg) // want `context.TODO\(\) passed while ctx is in scope`
	})
}

func (s *Service) NotifyVia(ctx context.Context, msg string) error {
	return s.withRetry(func() error {
		return s.client.Send(context.TODO(), msg) // want `context.TODO\(\) passed while ctx is in scope`
	})
}

func (s *Service) FlushAll(ctx context.Context) {
	s.conns.Range(func(key, value any) bool {
		_ = value.(*client).Flush(context.Background()) // want `context.Background\(\) passed while ctx is in scope`
		return true
	})
}

// Upload puts every regular file under root.
func (s *Service) Upload(ctx context.Context, root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		req, err := http.NewRequest(http.MethodPut, s.url+"/"+d.Name(), f) // want `http.NewRequest called while ctx is in scope; http.NewRequestWithContext takes it`
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	})
}

// retryCtx waits between attempts, or returns when ctx ends: f never runs after ctx is
// done.
func retryCtx(ctx context.Context, n int, f func() error) error {
	var err error
	for i := 0; i < n; i++ {
		if err = f(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return err
}

func (s *Service) NotifyCtx(ctx context.Context, msg string) error {
	return retryCtx(ctx, 3, func() error {
		return s.client.Send(context.TODO(), msg) // want `context.TODO\(\) passed while ctx is in scope`
	})
}

// A literal inside a callback that is itself a callback: both are crossed.
func (s *Service) Nested(ctx context.Context, groups [][]string) error {
	return retry(2, func() error {
		for _, g := range groups {
			if err := retry(2, func() error {
				_, err := s.client.SendAll(context.TODO(), g) // want `context.TODO\(\) passed while ctx is in scope`
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// The context of an HTTP request being served.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = s.store.ForEach(func(k, v string) error {
		return s.client.Send(context.Background(), k) // want `context.Background\(\) passed while r.Context\(\) is in scope`
	})
}

// A literal with a context of its own: that one is in scope, not the caller's.
func (s *Service) OwnContext(ctx context.Context) error {
	return s.store.ForEachCtx(ctx, func(ictx context.Context, k, v string) error {
		return s.client.Send(context.TODO(), k) // want `context.TODO\(\) passed while ictx is in scope`
	})
}

// A table of any key and value, iterated by a method of the generic type.
type table[K comparable, V any] struct{ m map[K]V }

func (t *table[K, V]) Each(f func(K, V)) {
	for k, v := range t.m {
		f(k, v)
	}
}

func (s *Service) SendTable(ctx context.Context, t *table[string, int]) {
	t.Each(func(k string, n int) {
		_ = s.client.Send(context.TODO(), k) // want `context.TODO\(\) passed while ctx is in scope`
	})
}

// The callee's call in an if statement's init.
func (s *Service) Check(ctx context.Context) error {
	if err := s.store.ForEach(func(k, v string) error {
		return s.client.Send(context.Background(), k) // want `context.Background\(\) passed while ctx is in scope`
	}); err != nil {
		return err
	}
	return nil
}

// Look-alikes: the literal may run after the function returns, or another context is
// meant.

// onEvent keeps f to call it later.
func (s *store) onEvent(f func()) { s.hooks = append(s.hooks, f) }

// async runs f in a goroutine of its own.
func async(f func()) { go f() }

// later runs f after a deferred call, in a goroutine.
func later(f func()) {
	go func() {
		defer f()
	}()
}

// through passes f to a function value, which may keep it.
func (s *Service) through(f func()) { s.runner(f) }

// onDone runs f once ctx is done.
func onDone(ctx context.Context, f func()) {
	<-ctx.Done()
	f()
}

// atShutdown runs f when the work has ended.
func (s *Service) atShutdown(f func()) { f() }

type iterator interface {
	ForEach(f func(k, v string) error) error
}

func (s *Service) Hook(ctx context.Context) {
	s.store.onEvent(func() { _ = s.client.Send(context.Background(), "event") })
	async(func() { _ = s.client.Send(context.Background(), "async") })
	later(func() { _ = s.client.Send(context.Background(), "later") })
	s.through(func() { _ = s.client.Send(context.Background(), "through") })
	time.AfterFunc(time.Second, func() { _ = s.client.Send(context.Background(), "timer") })
	onDone(ctx, func() { _ = s.client.Flush(context.Background()) })
	s.atShutdown(func() { _ = s.client.Flush(context.Background()) })
}

// untilErr checks ctx before each attempt: f may run after a check of ctx.Err().
func untilErr(ctx context.Context, f func() error) error {
	for ctx.Err() == nil {
		if err := f(); err == nil {
			return nil
		}
	}
	return ctx.Err()
}

// finally runs f when it returns, after it may have seen ctx end.
func finally(ctx context.Context, f func()) {
	defer f()
	<-ctx.Done()
}

func (s *Service) Watched(ctx context.Context) {
	_ = untilErr(ctx, func() error { return s.client.Flush(context.Background()) })
	finally(ctx, func() { _ = s.client.Flush(context.Background()) })
}

// flight runs fn once for all the callers that ask for key at the same time, as
// singleflight does: the first caller's context would end the work of every other.
type flight struct {
	mu sync.Mutex
	m  map[string]*call
}

type call struct {
	wg  sync.WaitGroup
	n   int
	err error
}

func (g *flight) Do(key string, fn func() (int, error)) (int, error) {
	g.mu.Lock()
	if c, ok := g.m[key]; ok {
		g.mu.Unlock()
		c.wg.Wait()
		return c.n, c.err
	}
	c := new(call)
	c.wg.Add(1)
	g.m[key] = c
	g.mu.Unlock()
	c.n, c.err = fn()
	c.wg.Done()
	return c.n, c.err
}

// lazy runs f the first time only, for every later caller.
type lazy struct {
	mu   sync.Mutex
	done bool
}

func (l *lazy) do(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		f()
		l.done = true
	}
}

// memo keeps what load returns.
var memo = map[string]int{}

func cached(key string, load func() (int, error)) (int, error) {
	if n, ok := memo[key]; ok {
		return n, nil
	}
	n, err := load()
	if err == nil {
		memo[key] = n
	}
	return n, err
}

func (s *Service) Shared(ctx context.Context, g *flight, l *lazy, key string) (int, error) {
	l.do(func() { _ = s.client.Send(context.Background(), "hello") })
	if _, err := cached(key, func() (int, error) { return s.client.Count(context.Background(), key) }); err != nil {
		return 0, err
	}
	return g.Do(key, func() (int, error) { return s.client.Count(context.Background(), key) })
}

// WaitGroup.Go runs its function in a goroutine (errgroup's Go: package callbackgroup).
func (s *Service) Group(ctx context.Context, msgs []string) {
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Go(func() { _ = s.client.Send(context.TODO(), m) })
	}
	wg.Wait()
}

func (s *Service) Stored(ctx context.Context) error {
	f := func(k, v string) error { return s.client.Send(context.TODO(), k) }
	return s.store.ForEach(f)
}

func (s *Service) Interface(ctx context.Context, it iterator) error {
	return it.ForEach(func(k, v string) error { return s.client.Send(context.TODO(), k) })
}

func (s *Service) Deferred(ctx context.Context) {
	defer s.store.ForEach(func(k, v string) error { return s.client.Send(context.TODO(), k) })
	go s.store.ForEach(func(k, v string) error { return s.client.Send(context.TODO(), k) })
}

// The shared client is dialled once, for every caller: the first caller's context must
// not end it.
func (s *Service) Client(ctx context.Context) (*client, error) {
	s.once.Do(func() {
		s.lazy, s.lazyErr = dial(context.Background(), s.url)
		s.lazyErr = s.lazy.Send(context.Background(), "hello")
	})
	return s.lazy, s.lazyErr
}

// A parameter named like the caller's context shadows it.
func (s *Service) Shadowed(ctx context.Context) error {
	return s.store.ForEach(func(ctx, v string) error { return s.client.Send(context.TODO(), v) })
}

func (s *Service) AfterDone(ctx context.Context) error {
	<-ctx.Done()
	return s.store.ForEach(func(k, v string) error { return s.client.Send(context.Background(), k) })
}

func (s *Service) Commented(ctx context.Context) error {
	return s.store.ForEach(func(k, v string) error {
		// The audit record outlives the request.
		return s.client.Send(context.Background(), k)
	})
}

// The streams are returned: they would be tied to ctx after the function returns.
func (s *Service) Streams(ctx context.Context, keys []string) []*stream {
	return Map(keys, func(k string) *stream {
		st, _ := s.client.Open(context.TODO(), k)
		return st
	})
}

// Several contexts in scope: reported without a fix.
func (s *Service) Two(ctx context.Context) error {
	tctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_ = tctx
	return s.store.ForEach(func(k, v string) error {
		return s.client.Send(context.TODO(), k) // want `context.TODO\(\) passed while a context is in scope`
	})
}
