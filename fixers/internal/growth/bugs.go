package growth

// bugs are the bugs added every BugEvery lines, one of each kind in turn; each is named
// after the fixer that should report it.
var bugs = []template{
	unlockBug, singlesendBug, lostcancelBug, tickerstopBug, ctxfirstBug, ctxpropBug,
	ctxdoneBug, closerecvBug, unboundedgoBug, chanmutexBug, waitgroupBug, racewriteBug,
	recvclosedBug, testfatalBug,
}

var unlockBug = template{
	name:    "unlock",
	imports: []string{"fmt", "sync"},
	body: `
type registry@ struct {
	mu     sync.Mutex
	byName map[string]int
}

// lookup leaves r.mu locked when name is unknown.
func (r *registry@) lookup(name string) (int, error) {
	r.mu.Lock()
	id, ok := r.byName[name]
	if !ok {
		return 0, fmt.Errorf("registry@: no %q", name)
	}
	r.mu.Unlock()
	return id, nil
}
`,
}

var singlesendBug = template{
	name:    "singlesend",
	imports: []string{"context", "time"},
	body: `
func slowSquare@(x int) int {
	time.Sleep(time.Millisecond)
	return x * x
}

// compute@ leaks the goroutine when ctx ends first.
func compute@(ctx context.Context, x int) (int, error) {
	resc := make(chan int)
	go func() { resc <- slowSquare@(x) }()
	select {
	case r := <-resc:
		return r, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
`,
}

var lostcancelBug = template{
	name:    "lostcancel",
	imports: []string{"context", "errors", "strings", "time"},
	body: `
func run@(ctx context.Context, q string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return strings.ToLower(q), nil
}

// query@ does not cancel its context when q is empty.
func query@(parent context.Context, q string) (string, error) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if q == "" {
		return "", errors.New("query@: empty")
	}
	defer cancel()
	return run@(ctx, q)
}
`,
}

var tickerstopBug = template{
	name:    "tickerstop",
	imports: []string{"context", "time"},
	body: `
// heartbeat@ never stops its ticker.
func heartbeat@(ctx context.Context, beat func()) {
	t := time.NewTicker(time.Second)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			beat()
		}
	}
}
`,
}

var ctxfirstBug = template{
	name:    "ctxfirst",
	imports: []string{"context", "strings"},
	body: `
// resolve@ takes its context last.
func resolve@(name string, ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return strings.TrimSuffix(name, "."), nil
}

func resolveAll@(ctx context.Context, names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		r, err := resolve@(n, ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
`,
}

var ctxpropBug = template{
	name:    "ctxprop",
	imports: []string{"context", "fmt"},
	body: `
// refresh@ drops its context.
func refresh@(ctx context.Context, keys []string, load func(context.Context, string) error) error {
	for _, k := range keys {
		if err := load(context.TODO(), k); err != nil {
			return fmt.Errorf("refresh %s: %w", k, err)
		}
	}
	return ctx.Err()
}
`,
}

var ctxdoneBug = template{
	name:    "ctxdone",
	imports: []string{"context"},
	body: `
// produce@ blocks on its send when the consumer went away.
func produce@(ctx context.Context, out chan<- int, n int) {
	defer close(out)
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return
		}
		out <- i * i
	}
}
`,
}

var closerecvBug = template{
	name:    "closerecv",
	imports: []string{},
	body: `
type reqServer@ struct {
	reqs chan int
	quit chan struct{}
	sum  int
}

func (s *reqServer@) Send(v int) { s.reqs <- v }

// loop closes the channel it only receives from.
func (s *reqServer@) loop() {
	for {
		select {
		case v := <-s.reqs:
			s.sum += v
		case <-s.quit:
			close(s.reqs)
			return
		}
	}
}
`,
}

var unboundedgoBug = template{
	name:    "unboundedgo",
	imports: []string{},
	body: `
// dispatch@ starts a goroutine per request, with no limit.
func dispatch@(reqs <-chan string, handle func(string)) {
	for r := range reqs {
		go handle(r)
	}
}
`,
}

var chanmutexBug = template{
	name:    "chanmutex",
	imports: []string{},
	body: `
type count@ int

// counter@ uses a channel as its mutex. (Its count has a type of its own: counters of
// one struct would convert to each other, and chanmutex would refuse to fix them.)
type counter@ struct {
	sem chan struct{}
	n   count@
}

func newCounter@() *counter@ { return &counter@{sem: make(chan struct{}, 1)} }

func (c *counter@) inc() {
	c.sem <- struct{}{}
	c.n++
	<-c.sem
}

func (c *counter@) get() count@ {
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	return c.n
}
`,
}

var waitgroupBug = template{
	name:    "waitgroup",
	imports: []string{"sync"},
	body: `
// processAll@ adds to its WaitGroup inside the goroutines.
func processAll@(items []string, f func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		go func() {
			wg.Add(1)
			defer wg.Done()
			f(it)
		}()
	}
	wg.Wait()
}
`,
}

var racewriteBug = template{
	name:    "racewrite",
	imports: []string{"sync"},
	body: `
// countErrors@ writes n and firstErr from every goroutine.
func countErrors@(fs []func() error) (int, error) {
	var wg sync.WaitGroup
	var firstErr error
	n := 0
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				n++
				if firstErr == nil {
					firstErr = err
				}
			}
		}()
	}
	wg.Wait()
	return n, firstErr
}
`,
}

var recvclosedBug = template{
	name:    "recvclosed",
	imports: []string{},
	body: `
type feed@ struct {
	msgs chan string
}

func newFeed@() *feed@ { return &feed@{msgs: make(chan string, 8)} }

// start spins on the closed channel once shutdown has run.
func (f *feed@) start(handle func(string)) {
	go func() {
		for {
			m := <-f.msgs
			handle(m)
		}
	}()
}

func (f *feed@) publish(m string) { f.msgs <- m }

func (f *feed@) shutdown() { close(f.msgs) }
`,
}

var testfatalBug = template{
	name: "testfatal",
	test: `
// TestWorkers@ calls t.Fatal in the goroutines it starts.
func TestWorkers@(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := strconv.Atoi(strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}()
	}
	wg.Wait()
}
`,
	tImport: []string{"strconv", "sync", "testing"},
}
