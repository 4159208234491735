package copies

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// ---- value receivers of types that hold a lock ----

// counter's Inc locks a copy and increments the copy: every count is lost
// (mco-gh/gcslock#10 made such receivers pointers).
type counter struct {
	mu sync.Mutex
	n  int
}

func (c counter) Inc() { // want `counter.Inc has a value receiver: c.mu.Lock\(\) locks a copy of the counter`
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func useCounter(cs []counter) int {
	var c counter
	c.Inc()
	p := &c
	p.Inc()
	cs[0].Inc()
	return c.get()
}

// A WaitGroup in a struct, waited on through a value receiver.
type pool struct {
	wg   sync.WaitGroup
	jobs chan func()
}

func (p pool) wait() { // want `pool.wait has a value receiver: p.wg.Wait\(\) works on a copy of the pool`
	p.wg.Wait()
}

func (p *pool) run() {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for j := range p.jobs {
			j()
		}
	}()
	p.wait()
}

// A generic type; &c in the body becomes c.
type cache[K comparable] struct {
	mu sync.RWMutex
	m  map[K]int
}

func (c cache[K]) lookup(k K) int { // want `cache.lookup has a value receiver: c.mu.RLock\(\) locks a copy of the cache`
	c.mu.RLock()
	defer c.mu.RUnlock()
	return read(&c, k)
}

func read[K comparable](c *cache[K], k K) int { return c.m[k] }

func lookups() int {
	c := cache[string]{m: map[string]int{}}
	return c.lookup("a")
}

// ---- value receivers reported without a fix ----

// printed is converted to an interface (fmt.Println): its method set may matter.
type printed struct {
	mu sync.Mutex
	n  int
}

func (p printed) touch() { // want `printed.touch has a value receiver: p.mu.Lock\(\) locks a copy of the printed \(no fix: a value of type printed is converted to an interface: p\)`
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

func show() {
	var p printed
	p.touch()
	fmt.Println(p)
}

// A String method: fmt calls it on values (docker/go-events#20 copied a sync.Once in one).
type named struct {
	once sync.Once
	name string
}

func (n named) String() string { // want `named.String has a value receiver: n.once.Do\(...\) works on a copy of the named \(no fix: String may be called through reflection`
	n.once.Do(func() {})
	return n.name
}

// A map element is not addressable.
type gauge struct {
	v atomic.Int64
}

func (g gauge) add(d int64) { // want `gauge.add has a value receiver: g.v.Add\(...\) works on a copy of the gauge \(no fix: the receiver m\["a"\] is not addressable\)`
	g.v.Add(d)
}

func addAll(m map[string]gauge) {
	m["a"].add(1)
}

// A method value binds a copy of the receiver when it is evaluated.
type ticker struct {
	mu sync.Mutex
	n  int
}

func (t ticker) tick() { // want `\(no fix: the method value t.tick is used\)`
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
}

func ticks() {
	var t ticker
	f := t.tick
	f()
}

// Exported type: its method set is API.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c Counter) Inc() { // want `Counter.Inc has a value receiver: c.mu.Lock\(\) locks a copy of the Counter \(no fix: exported API`
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// The receiver is returned.
type snap struct {
	mu sync.Mutex
	n  int
}

func (s snap) copyOf() snap { // want `\(no fix: s is used as a value in copyOf\)`
	s.mu.Lock()
	defer s.mu.Unlock()
	return s
}

// ---- look-alikes: no finding ----

// A builder: a value receiver that writes fields without the lock.
type builder struct {
	mu   sync.Mutex
	name string
}

func (b builder) withName(n string) builder {
	b.name = n
	return b
}

func (b *builder) build() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.withName("x").name
}

// A value receiver whose lock is behind a pointer: copies share it.
type handle struct {
	mu *sync.Mutex
}

func (h handle) lock() { h.mu.Lock(); h.mu.Unlock() }

// The caller holds the lock: with a pointer, the method would lock it again.
type registry struct {
	mu    sync.Mutex
	names []string
}

func (r registry) size() int { // want `\(no fix: the caller locks r.mu too: with a pointer the method could lock it again\)`
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.names)
}

func (r *registry) add(n string) int {
	r.mu.Lock()
	r.names = append(r.names, n)
	r.mu.Unlock()
	return r.size()
}
