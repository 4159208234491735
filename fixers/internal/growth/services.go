package growth

// Templates of services: retries, a server, a rate limiter, fetches with deadlines.

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
