package growth

// templates are the correct code of a package, instantiated in turn.
var templates = []template{
	cache, pool, lexer, poller, group, list, statusCodes, broker, pipeline,
	retry, server, stats, config, limiter, fetch,
}

var cache = template{
	name:    "cache",
	imports: []string{"errors", "fmt", "sync", "time"},
	body: `
// Cache@ is a size-bounded map with expiry, safe for concurrent use.
type Cache@ struct {
	mu     sync.RWMutex
	items  map[string]entry@
	limit  int
	hits   int
	misses int
}

type entry@ struct {
	value   []byte
	expires time.Time
}

var errNotFound@ = errors.New("cache@: not found")

// NewCache@ returns a cache that holds at most limit items.
func NewCache@(limit int) *Cache@ {
	return &Cache@{items: make(map[string]entry@), limit: limit}
}

// Get returns the value of key, unless it is absent or expired.
func (c *Cache@) Get(key string) ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[key]
	if !ok {
		return nil, errNotFound@
	}
	if time.Now().After(e.expires) {
		return nil, fmt.Errorf("cache@: %q expired", key)
	}
	return e.value, nil
}

// Set stores value under key for ttl.
func (c *Cache@) Set(key string, value []byte, ttl time.Duration) error {
	if key == "" {
		return errors.New("cache@: empty key")
	}
	c.mu.Lock()
	if len(c.items) >= c.limit {
		if _, ok := c.items[key]; !ok {
			c.mu.Unlock()
			return fmt.Errorf("cache@: full (%d items)", c.limit)
		}
	}
	c.items[key] = entry@{value: value, expires: time.Now().Add(ttl)}
	c.mu.Unlock()
	return nil
}

// Delete removes key and reports whether it was there.
func (c *Cache@) Delete(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; !ok {
		return false
	}
	delete(c.items, key)
	return true
}

// Purge removes the items expired at now.
func (c *Cache@) Purge(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, e := range c.items {
		if now.After(e.expires) {
			delete(c.items, k)
			n++
		}
	}
	return n
}

// Len returns the number of items, expired or not.
func (c *Cache@) Len() int {
	c.mu.RLock()
	n := len(c.items)
	c.mu.RUnlock()
	return n
}
`,
	tImport: []string{"sync", "testing", "time"},
	test: `
func TestCache@(t *testing.T) {
	c := NewCache@(4)
	if err := c.Set("a", []byte("x"), time.Minute); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := c.Get("a"); err != nil {
				t.Errorf("get %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if n := c.Len(); n != 1 {
		t.Fatalf("len = %d", n)
	}
	if !c.Delete("a") || c.Delete("a") {
		t.Error("delete")
	}
}
`,
}

var pool = template{
	name:    "pool",
	imports: []string{"context", "errors", "fmt", "sync"},
	body: `
// Job@ is a unit of work for Pool@.
type Job@ struct {
	ID      int
	Payload string
}

// Result@ is what a worker of Pool@ made of a job.
type Result@ struct {
	JobID int
	Out   string
	Err   error
}

// Pool@ runs jobs on a fixed number of workers.
type Pool@ struct {
	jobs    chan Job@
	results chan Result@
	quit    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	handle  func(context.Context, Job@) (string, error)
}

// NewPool@ returns a pool whose queues hold size jobs and results.
func NewPool@(size int, handle func(context.Context, Job@) (string, error)) *Pool@ {
	return &Pool@{
		jobs:    make(chan Job@, size),
		results: make(chan Result@, size),
		quit:    make(chan struct{}),
		handle:  handle,
	}
}

// Start starts the workers; Results is closed when they have all returned.
func (p *Pool@) Start(ctx context.Context, workers int) {
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.worker(ctx, i)
	}
	go func() {
		p.wg.Wait()
		close(p.results)
	}()
}

func (p *Pool@) worker(ctx context.Context, id int) {
	defer p.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.quit:
			return
		case j, ok := <-p.jobs:
			if !ok {
				return
			}
			out, err := p.handle(ctx, j)
			if err != nil {
				err = fmt.Errorf("worker %d: job %d: %w", id, j.ID, err)
			}
			select {
			case p.results <- Result@{JobID: j.ID, Out: out, Err: err}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Submit queues j, unless ctx ends or the pool stops first.
func (p *Pool@) Submit(ctx context.Context, j Job@) error {
	select {
	case p.jobs <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-p.quit:
		return errors.New("pool@: stopped")
	}
}

// Results returns the results of the jobs.
func (p *Pool@) Results() <-chan Result@ { return p.results }

// Stop stops the workers and waits for them.
func (p *Pool@) Stop() {
	p.once.Do(func() { close(p.quit) })
	p.wg.Wait()
}
`,
	tImport: []string{"context", "strings", "testing", "time"},
	test: `
func TestPool@(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p := NewPool@(2, func(_ context.Context, j Job@) (string, error) {
		return strings.ToUpper(j.Payload), nil
	})
	p.Start(ctx, 3)
	go func() {
		defer close(p.jobs)
		for i := 0; i < 10; i++ {
			if err := p.Submit(ctx, Job@{ID: i, Payload: "p"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	n := 0
	for r := range p.Results() {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		n++
	}
	if n != 10 {
		t.Errorf("got %d results", n)
	}
}
`,
}

var poller = template{
	name:    "poller",
	imports: []string{"context", "fmt", "sync", "time"},
	body: `
// Poller@ polls a source at a fixed interval until its context ends.
type Poller@ struct {
	interval time.Duration
	fetch    func(context.Context) (int, error)
	updates  chan int
	mu       sync.Mutex
	last     int
	failures int
}

// Run polls until ctx ends or the source fails too often.
func (p *Poller@) Run(ctx context.Context) error {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if err := p.poll(ctx); err != nil {
				p.mu.Lock()
				p.failures++
				tooMany := p.failures > 5
				p.mu.Unlock()
				if tooMany {
					return fmt.Errorf("poller@: giving up: %w", err)
				}
			}
		}
	}
}

func (p *Poller@) poll(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.interval/2)
	defer cancel()
	v, err := p.fetch(ctx)
	if err != nil {
		return err
	}
	p.mu.Lock()
	changed := v != p.last
	p.last = v
	p.failures = 0
	p.mu.Unlock()
	if changed {
		select {
		case p.updates <- v:
		default:
		}
	}
	return nil
}

// Last returns the last value polled.
func (p *Poller@) Last() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}
`,
}

var group = template{
	name:    "group",
	imports: []string{"context", "sync"},
	body: `
// group@ runs functions in goroutines and keeps the first error, as errgroup does.
type group@ struct {
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
	cancel  context.CancelFunc
}

func withContext@(ctx context.Context) (*group@, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group@{cancel: cancel}, ctx
}

func (g *group@) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.errOnce.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel()
				}
			})
		}
	}()
}

func (g *group@) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel()
	}
	return g.err
}

func acquire@(ctx context.Context, sem chan struct{}) error {
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MapConcurrent@ applies f to every element of in, at most limit at a time.
func MapConcurrent@[T, R any](ctx context.Context, in []T, limit int, f func(context.Context, T) (R, error)) ([]R, error) {
	g, ctx := withContext@(ctx)
	out := make([]R, len(in))
	sem := make(chan struct{}, limit)
	for i, v := range in {
		if err := acquire@(ctx, sem); err != nil {
			break
		}
		g.Go(func() error {
			defer func() { <-sem }()
			r, err := f(ctx, v)
			if err != nil {
				return err
			}
			out[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
`,
	tImport: []string{"context", "errors", "strconv", "testing"},
	test: `
func TestMapConcurrent@(t *testing.T) {
	in := []int{1, 2, 3, 4, 5, 6, 7, 8}
	out, err := MapConcurrent@(context.Background(), in, 3, func(_ context.Context, v int) (string, error) {
		return strconv.Itoa(v * v), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) || out[2] != "9" {
		t.Fatalf("out = %v", out)
	}
	_, err = MapConcurrent@(context.Background(), in, 2, func(_ context.Context, v int) (int, error) {
		if v == 5 {
			return 0, errors.New("five")
		}
		return v, nil
	})
	if err == nil {
		t.Error("no error")
	}
}
`,
}

var list = template{
	name:    "list",
	imports: []string{"sync"},
	body: `
// List@ is a slice guarded by a mutex.
type List@[T comparable] struct {
	mu    sync.Mutex
	items []T
}

func (l *List@[T]) Push(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, v)
}

func (l *List@[T]) Pop() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var zero T
	if len(l.items) == 0 {
		return zero, false
	}
	v := l.items[len(l.items)-1]
	l.items = l.items[:len(l.items)-1]
	return v, true
}

func (l *List@[T]) Contains(v T) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.items {
		if x == v {
			return true
		}
	}
	return false
}

// Each calls f on a snapshot of the items until f returns false.
func (l *List@[T]) Each(f func(int, T) bool) {
	l.mu.Lock()
	snapshot := append([]T(nil), l.items...)
	l.mu.Unlock()
	for i, v := range snapshot {
		if !f(i, v) {
			return
		}
	}
}

// Filter@ returns the items of l that keep accepts.
func Filter@[T comparable](l *List@[T], keep func(T) bool) []T {
	var out []T
	l.Each(func(_ int, v T) bool {
		if keep(v) {
			out = append(out, v)
		}
		return true
	})
	return out
}
`,
	tImport: []string{"sync", "testing"},
	test: `
func TestList@(t *testing.T) {
	var l List@[int]
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Push(i)
		}()
	}
	wg.Wait()
	even := Filter@(&l, func(v int) bool { return v%2 == 0 })
	if len(even) != 8 {
		t.Fatalf("even = %v", even)
	}
	if _, ok := l.Pop(); !ok {
		t.Error("pop")
	}
}
`,
}

var broker = template{
	name:    "broker",
	imports: []string{"errors", "sync", "sync/atomic", "time"},
	body: `
// Event@ is a message published on a topic.
type Event@ struct {
	Topic string
	Data  []byte
	At    time.Time
}

// Broker@ fans events out to the subscribers of their topic; slow subscribers miss events.
type Broker@ struct {
	mu      sync.RWMutex
	subs    map[string]map[chan Event@]struct{}
	closed  bool
	dropped atomic.Int64
}

func NewBroker@() *Broker@ {
	return &Broker@{subs: make(map[string]map[chan Event@]struct{})}
}

// Subscribe returns a channel of the events of topic and the function that ends the subscription.
func (b *Broker@) Subscribe(topic string, buf int) (<-chan Event@, func()) {
	ch := make(chan Event@, buf)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.subs[topic] == nil {
		b.subs[topic] = make(map[chan Event@]struct{})
	}
	b.subs[topic][ch] = struct{}{}
	return ch, func() { b.unsubscribe(topic, ch) }
}

func (b *Broker@) unsubscribe(topic string, ch chan Event@) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[topic][ch]; ok {
		delete(b.subs[topic], ch)
		close(ch)
	}
}

// Publish sends e to every subscriber of its topic that has room for it.
func (b *Broker@) Publish(e Event@) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return errors.New("broker@: closed")
	}
	for ch := range b.subs[e.Topic] {
		select {
		case ch <- e:
		default:
			b.dropped.Add(1)
		}
	}
	return nil
}

// Close ends every subscription.
func (b *Broker@) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for _, set := range b.subs {
		for ch := range set {
			close(ch)
		}
	}
	b.subs = nil
}
`,
	tImport: []string{"testing", "time"},
	test: `
func TestBroker@(t *testing.T) {
	b := NewBroker@()
	ch, cancel := b.Subscribe("t", 1)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case e := <-ch:
			if string(e.Data) != "hi" {
				t.Errorf("data = %q", e.Data)
			}
		case <-time.After(time.Second):
			t.Error("timeout")
		}
	}()
	if err := b.Publish(Event@{Topic: "t", Data: []byte("hi"), At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	<-done
	b.Close()
	if err := b.Publish(Event@{Topic: "t"}); err == nil {
		t.Error("publish after close")
	}
}
`,
}

var pipeline = template{
	name:    "pipeline",
	imports: []string{"context", "sync"},
	body: `
func generate@(ctx context.Context, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func square@(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func merge@(ctx context.Context, cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)
	output := func(c <-chan int) {
		defer wg.Done()
		for n := range c {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}
	wg.Add(len(cs))
	for _, c := range cs {
		go output(c)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// sumSquares@ squares 1..n on workers goroutines and adds the squares up.
func sumSquares@(ctx context.Context, n, workers int) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nums := make([]int, n)
	for i := range nums {
		nums[i] = i + 1
	}
	src := generate@(ctx, nums...)
	outs := make([]<-chan int, workers)
	for i := range outs {
		outs[i] = square@(ctx, src)
	}
	sum := 0
	for v := range merge@(ctx, outs...) {
		sum += v
	}
	return sum
}
`,
	tImport: []string{"context", "testing"},
	test: `
func TestSumSquares@(t *testing.T) {
	if got := sumSquares@(context.Background(), 10, 3); got != 385 {
		t.Fatalf("sum = %d", got)
	}
}
`,
}
