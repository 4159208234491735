package copies

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func work(int) {}

// ---- parameters of function literals called at once ----

// A goroutine per item with a copied WaitGroup: Wait never returns (go-microdev/examples#4,
// torbiak/gopl#25).
func each(items []int) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(wg sync.WaitGroup, it int) { // want `sync.WaitGroup parameter wg of func literal is passed by value: the goroutine works on a copy`
			defer wg.Done()
			work(it)
		}(wg, it)
	}
	wg.Wait()
}

// A Mutex copied into a literal called at once: the lock protects nothing.
func guarded(mu *sync.Mutex, n *int) {
	func(mu sync.Mutex) { // want `sync.Mutex parameter mu of func literal is passed by value: the literal works on a copy`
		mu.Lock()
		defer mu.Unlock()
		*n++
	}(*mu)
}

// A deferred literal; &once in the body becomes once.
func deferred(once sync.Once, f func()) { // want `sync.Once parameter once of deferred is passed by value`
	var o sync.Once
	defer func(o sync.Once) { // want `sync.Once parameter o of func literal is passed by value: the literal works on a copy`
		do(&o, f)
	}(o)
}

func do(o *sync.Once, f func()) { o.Do(f) }

// A struct that holds a lock, in a literal called at once.
func tally(s *stats) {
	func(s stats) { // want `stats parameter s of func literal is passed by value: s.Lock\(\) locks a copy`
		s.Lock()
		s.hits++
		s.Unlock()
	}(*s)
}

// ---- literals reported without a fix ----

// The literal is a value: its callers are not known.
func asValue() {
	var wg sync.WaitGroup
	f := func(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of func literal is passed by value: the literal works on a copy \(no fix: the literal is used as a value\)`
		wg.Done()
	}
	wg.Add(1)
	go f(wg)
	wg.Wait()
}

// The parameter is used as a value in the literal.
func copiesOn() {
	var mu sync.Mutex
	func(mu sync.Mutex) { // want `sync.Mutex parameter mu of func literal is passed by value: the literal works on a copy \(no fix: mu is used as a value in the literal\)`
		keep(mu)
	}(mu)
}

func keep(any) {}

// The argument is not addressable.
func fromCall() {
	func(mu sync.Mutex) { // want `\(no fix: the argument newMutex\(\) is not addressable\)`
		mu.Lock()
		mu.Unlock()
	}(newMutex())
}

func newMutex() sync.Mutex { return sync.Mutex{} }

// A struct with data: the goroutine would share what the go statement copied.
func spawnStats(s stats) { // want `stats parameter s of spawnStats is passed by value: s.Lock\(\) locks a copy \(no fix: the go or defer statement copies t when it runs`
	s.Lock()
	s.Unlock()
	var t stats
	go func(t stats) { // want `stats parameter t of func literal is passed by value: t.Lock\(\) locks a copy \(no fix: the go or defer statement copies t when it runs`
		t.Lock()
		t.hits++
		t.Unlock()
	}(t)
	t.hits = 2
	go spawnStats(t)
}

// ---- structs that hold a lock, passed by value ----

// stats embeds its Mutex.
type stats struct {
	sync.Mutex
	hits int
}

// report locks a copy of the stats: a writer holding the real lock is not excluded.
func report(s stats) int { // want `stats parameter s of report is passed by value: s.Lock\(\) locks a copy`
	s.Lock()
	defer s.Unlock()
	return s.hits
}

type server struct {
	st    stats
	conns map[string]int
}

func (srv *server) print() {
	fmt.Println(report(srv.st))
	p := &srv.st
	fmt.Println(report(*p))
}

// A counter with an atomic field, and a named lock field.
type meter struct {
	mu    sync.Mutex
	n     atomic.Int64
	names []string
}

func count(m meter, name string) { // want `meter parameter m of count is passed by value: m.n.Add\(...\) works on a copy`
	m.n.Add(1)
	m.mu.Lock()
	m.names = append(m.names, name)
	m.mu.Unlock()
}

func (srv *server) record(m *meter) {
	count(*m, "a")
	var local meter
	count(local, "b")
}

// An atomic value passed directly.
func bump(n atomic.Int32) { // want `atomic.Int32 parameter n of bump is passed by value: n.Add\(...\) works on a copy`
	n.Add(1)
}

func bumps() {
	var n atomic.Int32
	bump(n)
}

// A generic struct that holds a mutex.
type box[T any] struct {
	mu sync.Mutex
	v  T
}

func set[T any](b box[T], v T) { // want `box\[T\] parameter b of set is passed by value: b.mu.Lock\(\) locks a copy`
	b.mu.Lock()
	b.v = v
	b.mu.Unlock()
}

func sets() {
	var b box[int]
	set(b, 1)
}

// A struct of another package that holds a lock (sync.Map).
func store(m sync.Map) { // want `sync.Map parameter m of store is passed by value: m.Store\(...\) works on a copy`
	m.Store("k", 1)
}

func stores() {
	var m sync.Map
	store(m)
}

// ---- structs reported without a fix ----

// Passed on by value: the copy is the argument of another call.
func passOn(s stats) { // want `stats parameter s of passOn is passed by value: s.Lock\(\) locks a copy \(no fix: s is used as a value in passOn\)`
	s.Lock()
	s.Unlock()
	keep(s)
}

// Returned: a snapshot.
func snapshot(s stats) stats { // want `\(no fix: s is used as a value in snapshot\)`
	s.Lock()
	defer s.Unlock()
	return s
}

// Exported API.
func Report(s stats) int { // want `stats parameter s of Report is passed by value: s.Lock\(\) locks a copy \(no fix: exported API`
	s.Lock()
	defer s.Unlock()
	return s.hits
}

// A call result is not addressable.
func peek(s stats) int { // want `stats parameter s of peek is passed by value: s.Lock\(\) locks a copy \(no fix: the argument newStats\(\) is not addressable\)`
	s.Lock()
	defer s.Unlock()
	return s.hits
}

func peekNew() int { return peek(newStats()) }

func newStats() stats { return stats{} }

// ---- look-alikes: no finding ----

// A config that holds a Mutex but is only read: the copy is vet's copylocks finding,
// not a lock used on a copy.
type config struct {
	mu   sync.Mutex
	name string
}

func describe(c config) string { return c.name }

// Pointers.
func ptr(s *stats, wg *sync.WaitGroup) {
	s.Lock()
	s.Unlock()
	wg.Done()
}

// A struct whose lock is behind a pointer: copies share it.
type shared struct {
	mu *sync.Mutex
	n  int
}

func viaPointer(s shared) {
	s.mu.Lock()
	s.mu.Unlock()
}

// A literal whose struct parameter's lock is not used.
func readOnly(c config) {
	func(c config) { work(len(c.name)) }(c)
}

// The caller holds the lock of the value it passes.
func (srv *server) locked() int {
	srv.st.Lock()
	defer srv.st.Unlock()
	return total(srv.st)
}

func total(s stats) int { // want `\(no fix: the caller locks srv.st too: with a pointer the function could lock it again\)`
	s.Lock()
	defer s.Unlock()
	return s.hits
}
