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

var lexer = template{
	name:    "lexer",
	imports: []string{"fmt", "strconv", "strings"},
	body: `
// Kind@ is the kind of a token of the configuration language.
type Kind@ int

const (
	kindEOF@ Kind@ = iota
	kindIdent@
	kindNumber@
	kindString@
	kindLBrace@
	kindRBrace@
	kindEquals@
	kindComma@
	kindSemicolon@
	kindComment@
)

func (k Kind@) String() string {
	switch k {
	case kindEOF@:
		return "EOF"
	case kindIdent@:
		return "identifier"
	case kindNumber@:
		return "number"
	case kindString@:
		return "string"
	case kindLBrace@:
		return "{"
	case kindRBrace@:
		return "}"
	case kindEquals@:
		return "="
	case kindComma@:
		return ","
	case kindSemicolon@:
		return ";"
	case kindComment@:
		return "comment"
	default:
		return "Kind@(" + strconv.Itoa(int(k)) + ")"
	}
}

type token@ struct {
	kind Kind@
	text string
	line int
}

func isLetter@(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func punct@(c byte) (Kind@, bool) {
	switch c {
	case '{':
		return kindLBrace@, true
	case '}':
		return kindRBrace@, true
	case '=':
		return kindEquals@, true
	case ',':
		return kindComma@, true
	case ';':
		return kindSemicolon@, true
	}
	return kindEOF@, false
}

func lex@(src string) ([]token@, error) {
	var toks []token@
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			toks = append(toks, token@{kindComment@, src[i : i+j], line})
			i += j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token@{kindNumber@, src[i:j], line})
			i = j
		case c == '"':
			j := strings.IndexByte(src[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			toks = append(toks, token@{kindString@, src[i+1 : i+1+j], line})
			i += j + 2
		case isLetter@(c):
			j := i
			for j < len(src) && (isLetter@(src[j]) || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token@{kindIdent@, src[i:j], line})
			i = j
		default:
			k, ok := punct@(c)
			if !ok {
				return nil, fmt.Errorf("line %d: unexpected %q", line, c)
			}
			toks = append(toks, token@{k, string(c), line})
			i++
		}
	}
	return append(toks, token@{kind: kindEOF@, line: line}), nil
}

// parse@ reads "key = value;" pairs, skipping comments.
func parse@(src string) (map[string]string, error) {
	toks, err := lex@(src)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case kindComment@, kindSemicolon@:
			continue
		case kindEOF@:
			return out, nil
		case kindIdent@:
			if i+2 >= len(toks) || toks[i+1].kind != kindEquals@ {
				return nil, fmt.Errorf("line %d: want = after %s", t.line, t.text)
			}
			v := toks[i+2]
			if v.kind != kindString@ && v.kind != kindNumber@ && v.kind != kindIdent@ {
				return nil, fmt.Errorf("line %d: unexpected %v", v.line, v.kind)
			}
			out[t.text] = v.text
			i += 2
		default:
			return nil, fmt.Errorf("line %d: unexpected %v", t.line, t.kind)
		}
	}
	return out, nil
}
`,
	tImport: []string{"testing"},
	test: `
func TestParse@(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
		bad  bool
	}{
		{"a = 1; b = \"x\"", 2, false},
		{"# comment\nname = v", 1, false},
		{"a = ", 0, true},
		{"a ! b", 0, true},
	} {
		got, err := parse@(tc.src)
		if (err != nil) != tc.bad {
			t.Errorf("parse(%q): %v", tc.src, err)
			continue
		}
		if len(got) != tc.want {
			t.Errorf("parse(%q) = %v", tc.src, got)
		}
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

var statusCodes = template{
	name:    "status",
	imports: []string{"strconv"},
	body: `
// statusText@ returns the text of an HTTP status code.
func statusText@(code int) string {
	switch code {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	case 206:
		return "Partial Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 413:
		return "Request Entity Too Large"
	case 429:
		return "Too Many Requests"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	default:
		return "status " + strconv.Itoa(code)
	}
}

// retryable@ reports whether a request that got code may be retried, and after how long.
func retryable@(code int, attempt int) (bool, int) {
	switch {
	case code < 400:
		return false, 0
	case code == 408, code == 429:
		return true, 1 << min(attempt, 6)
	case code >= 500 && code != 501:
		if attempt > 3 {
			return false, 0
		}
		return true, 2 * (attempt + 1)
	default:
		return false, 0
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

var retry = template{
	name:    "retry",
	imports: []string{"context", "errors", "fmt", "time"},
	body: `
// permanent@ marks an error that retrying cannot cure.
type permanent@ struct{ err error }

func (e *permanent@) Error() string { return "permanent: " + e.err.Error() }
func (e *permanent@) Unwrap() error { return e.err }

// retry@ calls op until it succeeds, fails permanently, or attempts run out, backing off
// exponentially from base.
func retry@(ctx context.Context, attempts int, base time.Duration, op func(context.Context) error) error {
	if attempts <= 0 {
		return errors.New("retry@: no attempts")
	}
	timer := time.NewTimer(base)
	defer timer.Stop()
	var err error
	for i := 0; i < attempts; i++ {
		if err = op(ctx); err == nil {
			return nil
		}
		var perm *permanent@
		if errors.As(err, &perm) {
			return perm.err
		}
		timer.Reset(base << i)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-timer.C:
		}
	}
	return fmt.Errorf("after %d attempts: %w", attempts, err)
}
`,
	tImport: []string{"context", "errors", "testing", "time"},
	test: `
func TestRetry@(t *testing.T) {
	n := 0
	err := retry@(context.Background(), 5, time.Microsecond, func(context.Context) error {
		n++
		if n < 3 {
			return errors.New("again")
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("err = %v, n = %d", err, n)
	}
	err = retry@(context.Background(), 5, time.Microsecond, func(context.Context) error {
		return &permanent@{errors.New("no")}
	})
	if err == nil || err.Error() != "no" {
		t.Errorf("err = %v", err)
	}
}
`,
}

var server = template{
	name:    "server",
	imports: []string{"context", "fmt", "strings", "sync", "sync/atomic"},
	body: `
type conn@ interface {
	Read() (string, error)
	Close() error
}

type listener@ interface {
	Accept() (conn@, error)
}

// Server@ serves connections, at most a fixed number at a time, until it is closed.
type Server@ struct {
	ln      listener@
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	sem     chan struct{}
	mu      sync.Mutex
	active  map[conn@]struct{}
	handled atomic.Int64
}

func NewServer@(ln listener@, maxConns int) *Server@ {
	ctx, cancel := context.WithCancel(context.Background())
	return &Server@{
		ln:     ln,
		ctx:    ctx,
		cancel: cancel,
		sem:    make(chan struct{}, maxConns),
		active: make(map[conn@]struct{}),
	}
}

// Serve accepts connections until the listener fails or the server is closed.
func (s *Server@) Serve() error {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.ctx.Done():
				return nil
			default:
				return fmt.Errorf("server@: accept: %w", err)
			}
		}
		select {
		case s.sem <- struct{}{}:
		case <-s.ctx.Done():
			c.Close()
			return nil
		}
		s.track(c, true)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.sem }()
			defer s.track(c, false)
			s.handle(c)
		}()
	}
}

func (s *Server@) track(c conn@, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		s.active[c] = struct{}{}
		return
	}
	delete(s.active, c)
	c.Close()
}

func (s *Server@) handle(c conn@) {
	for {
		line, err := c.Read()
		if err != nil || s.ctx.Err() != nil {
			return
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		s.handled.Add(1)
	}
}

// Close stops the server and waits for the connections it serves.
func (s *Server@) Close() error {
	s.cancel()
	s.mu.Lock()
	for c := range s.active {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}
`,
}

var stats = template{
	name:    "stats",
	imports: []string{"fmt", "math", "sort", "strings"},
	body: `
// Stats@ summarises a series of measurements.
type Stats@ struct {
	Count  int
	Sum    float64
	Min    float64
	Max    float64
	values []float64
}

func (s *Stats@) Add(v float64) {
	if s.Count == 0 || v < s.Min {
		s.Min = v
	}
	if s.Count == 0 || v > s.Max {
		s.Max = v
	}
	s.Count++
	s.Sum += v
	s.values = append(s.values, v)
}

func (s *Stats@) Mean() float64 {
	if s.Count == 0 {
		return math.NaN()
	}
	return s.Sum / float64(s.Count)
}

func (s *Stats@) Stddev() float64 {
	if s.Count < 2 {
		return 0
	}
	m := s.Mean()
	var sq float64
	for _, v := range s.values {
		sq += (v - m) * (v - m)
	}
	return math.Sqrt(sq / float64(s.Count-1))
}

// Percentile returns the p-th percentile (0 <= p <= 100) of the values.
func (s *Stats@) Percentile(p float64) float64 {
	if s.Count == 0 {
		return math.NaN()
	}
	sorted := append([]float64(nil), s.values...)
	sort.Float64s(sorted)
	rank := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	if lo == hi {
		return sorted[lo]
	}
	return sorted[lo] + (rank-float64(lo))*(sorted[hi]-sorted[lo])
}

func (s *Stats@) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d", s.Count)
	if s.Count > 0 {
		fmt.Fprintf(&b, " min=%.3g max=%.3g mean=%.3g", s.Min, s.Max, s.Mean())
		fmt.Fprintf(&b, " p50=%.3g p99=%.3g", s.Percentile(50), s.Percentile(99))
	}
	return b.String()
}
`,
	tImport: []string{"testing"},
	test: `
func TestStats@(t *testing.T) {
	var s Stats@
	for i := 1; i <= 100; i++ {
		s.Add(float64(i))
	}
	if s.Mean() != 50.5 {
		t.Errorf("mean = %v", s.Mean())
	}
	if p := s.Percentile(50); p != 50.5 {
		t.Errorf("p50 = %v", p)
	}
	if s.String() == "" {
		t.Error("empty")
	}
}
`,
}

var config = template{
	name:    "config",
	imports: []string{"errors", "fmt", "strconv", "strings", "time"},
	body: `
// Config@ is the configuration of a service.
type Config@ struct {
	Name    string
	Port    int
	Timeout time.Duration
	Retries int
	Mode    string
	Tags    []string
	Debug   bool
}

// Set sets the field named key from its text.
func (c *Config@) Set(key, value string) error {
	switch key {
	case "name":
		c.Name = value
	case "port":
		p, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("config@: port: %w", err)
		}
		if p <= 0 || p > 65535 {
			return fmt.Errorf("config@: port %d out of range", p)
		}
		c.Port = p
	case "timeout":
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("config@: timeout: %w", err)
		}
		c.Timeout = d
	case "retries":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("config@: retries: %w", err)
		}
		c.Retries = n
	case "mode":
		switch value {
		case "fast", "safe", "off":
			c.Mode = value
		default:
			return fmt.Errorf("config@: unknown mode %q", value)
		}
	case "tags":
		c.Tags = strings.Split(value, ",")
	case "debug":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("config@: debug: %w", err)
		}
		c.Debug = b
	default:
		return fmt.Errorf("config@: unknown key %q", key)
	}
	return nil
}

// Validate returns every problem of c.
func (c *Config@) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("config@: no name"))
	}
	if c.Port == 0 {
		errs = append(errs, errors.New("config@: no port"))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("config@: negative timeout %v", c.Timeout))
	}
	if c.Mode == "off" && c.Retries > 0 {
		errs = append(errs, errors.New("config@: retries with mode off"))
	}
	return errors.Join(errs...)
}
`,
	tImport: []string{"testing"},
	test: `
func TestConfig@(t *testing.T) {
	var c Config@
	for k, v := range map[string]string{"name": "x", "port": "80", "timeout": "1s", "mode": "fast", "debug": "true"} {
		if err := c.Set(k, v); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	if err := c.Set("port", "0"); err == nil {
		t.Error("port 0 accepted")
	}
}
`,
}

var limiter = template{
	name:    "limiter",
	imports: []string{"context", "time"},
	body: `
// Limiter@ is a token bucket refilled by a goroutine.
type Limiter@ struct {
	tokens chan struct{}
	stop   chan struct{}
	done   chan struct{}
}

func NewLimiter@(every time.Duration, burst int) *Limiter@ {
	l := &Limiter@{
		tokens: make(chan struct{}, burst),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for i := 0; i < burst; i++ {
		l.tokens <- struct{}{}
	}
	go l.refill(every)
	return l
}

func (l *Limiter@) refill(every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			select {
			case l.tokens <- struct{}{}:
			default:
			}
		}
	}
}

// Wait takes a token, or returns when ctx ends first.
func (l *Limiter@) Wait(ctx context.Context) error {
	select {
	case <-l.tokens:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop stops the refill and waits for it.
func (l *Limiter@) Stop() {
	close(l.stop)
	<-l.done
}
`,
	tImport: []string{"context", "testing", "time"},
	test: `
func TestLimiter@(t *testing.T) {
	l := NewLimiter@(time.Millisecond, 2)
	defer l.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i := 0; i < 4; i++ {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
`,
}

var fetch = template{
	name:    "fetch",
	imports: []string{"context", "fmt", "time"},
	body: `
type response@ struct {
	status int
	body   string
}

// fetchAll@ gets every key concurrently and returns the first error.
func fetchAll@(ctx context.Context, keys []string, get func(context.Context, string) (response@, error)) (map[string]response@, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		key  string
		resp response@
		err  error
	}
	results := make(chan item, len(keys))
	for _, k := range keys {
		go func() {
			r, err := get(ctx, k)
			results <- item{k, r, err}
		}()
	}
	out := make(map[string]response@, len(keys))
	for range keys {
		select {
		case it := <-results:
			if it.err != nil {
				return nil, fmt.Errorf("fetch %s: %w", it.key, it.err)
			}
			out[it.key] = it.resp
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// fetchOne@ gets key, giving up after timeout.
func fetchOne@(ctx context.Context, key string, timeout time.Duration, get func(context.Context, string) (response@, error)) (response@, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		resp response@
		err  error
	}
	done := make(chan result, 1)
	go func() {
		r, err := get(ctx, key)
		done <- result{r, err}
	}()
	select {
	case r := <-done:
		return r.resp, r.err
	case <-ctx.Done():
		return response@{}, ctx.Err()
	}
}
`,
	tImport: []string{"context", "testing", "time"},
	test: `
func TestFetch@(t *testing.T) {
	get := func(_ context.Context, k string) (response@, error) {
		return response@{200, k}, nil
	}
	m, err := fetchAll@(context.Background(), []string{"a", "b", "c"}, get)
	if err != nil || len(m) != 3 {
		t.Fatalf("m = %v, err = %v", m, err)
	}
	r, err := fetchOne@(context.Background(), "k", time.Second, get)
	if err != nil || r.body != "k" {
		t.Errorf("r = %v, err = %v", r, err)
	}
}
`,
}
