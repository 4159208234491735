package byvalue

import "sync"

func work() {}

// The WaitGroup is copied: Done runs on the copy.
func run(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of run is passed by value: run works on a copy`
	defer wg.Done()
	work()
}

func startRun() {
	var wg sync.WaitGroup
	wg.Add(1)
	go run(wg)
	wg.Wait()
}

type counter struct {
	mu sync.Mutex
	n  int
}

// A Mutex copied: the lock guards nothing.
func incr(mu sync.Mutex, c *counter) { // want `sync.Mutex parameter mu of incr is passed by value`
	mu.Lock()
	defer mu.Unlock()
	c.n++
}

func (c *counter) add() {
	incr(c.mu, c)
	p := &c.mu
	incr(*p, c)
	incr((sync.Mutex{}), c)
}

type loader struct{ v int }

// A method; &once in the body becomes once.
func (l *loader) load(once sync.Once) { // want `sync.Once parameter once of load is passed by value`
	do(&once, func() { l.v = 1 })
}

func do(o *sync.Once, f func()) { o.Do(f) }

func (l *loader) get() int {
	var once sync.Once
	l.load(once)
	return l.v
}

// ---- reported, not fixed ----

// Exported API.
func Exported(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of Exported is passed by value`
	wg.Done()
}

// Used as a value.
func asValue(mu sync.Mutex) { // want `sync.Mutex parameter mu of asValue is passed by value`
	mu.Lock()
	mu.Unlock()
}

var hook = asValue

// A call whose argument is not addressable.
func fromMap(mu sync.RWMutex) { // want `sync.RWMutex parameter mu of fromMap is passed by value`
	mu.RLock()
	mu.RUnlock()
}

func callFromMap(m map[string]sync.RWMutex) {
	fromMap(m["a"])
}

// The body copies the parameter on (fixed once other is).
func copiesOn(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of copiesOn is passed by value`
	other(wg)
}

func other(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of other is passed by value`
	wg.Wait()
}

// ---- negatives ----

func pointer(wg *sync.WaitGroup, mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock()
	wg.Done()
}

type notSync struct{ n int }

func value(v notSync) int { return v.n }
