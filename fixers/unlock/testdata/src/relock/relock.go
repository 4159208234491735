// Package relock holds re-locks (issue 13, class 2): a mutex locked again, through the
// package's calls, by the goroutine that holds it. Reported, never fixed.
package relock

import "sync"

type Cache struct {
	mu    sync.Mutex
	m     map[string]int
	stale bool
}

// Get holds c.mu and calls refresh, which locks it again: a self-deadlock on the first
// stale read.
func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stale {
		c.refresh() // want `c.mu is locked again while held: Cache.Get → Cache.refresh → c.mu.Lock deadlocks \(no fix: where to release it, or which variant expects it held, is a design decision\)`
	}
	return c.m[k]
}

func (c *Cache) refresh() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = map[string]int{}
	c.stale = false
}

// Through two calls.
func (c *Cache) Put(k string, v int) {
	c.mu.Lock()
	c.m[k] = v
	c.invalidate() // want `c.mu is locked again while held: Cache.Put → Cache.invalidate → Cache.refresh → c.mu.Lock deadlocks`
	c.mu.Unlock()
}

func (c *Cache) invalidate() { c.refresh() }

// Look-alike: the call comes after the release.
func (c *Cache) Set(k string, v int) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
	c.refresh()
}

// Look-alike: refreshLocked expects the lock held and does not lock.
func (c *Cache) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshLocked()
}

func (c *Cache) refreshLocked() { c.m = map[string]int{} }

// Look-alike: another Cache's mutex (a copy of the state into a fresh cache).
func (c *Cache) CopyTo(d *Cache) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d.refresh()
}

// Look-alike: the helper releases the held lock around its own work: hand-over, not a
// re-lock.
func (c *Cache) Slow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unlocked(func() {})
}

func (c *Cache) unlocked(f func()) {
	c.mu.Unlock()
	f()
	c.mu.Lock()
}

// Look-alike: the callee locks only under a flag.
func (c *Cache) Flag() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maybeLock(false)
}

func (c *Cache) maybeLock(lock bool) {
	if lock {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	c.stale = true
}

// Look-alike: the goroutine started under the lock waits for it; it does not deadlock
// this one.
func (c *Cache) Async() {
	c.mu.Lock()
	defer c.mu.Unlock()
	go c.refresh()
}

// Registry has an RWMutex that it write-locks in Register.
type Registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func (r *Registry) Register(name string, id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[name] = id
}

// Modelled on cockroachdb/cockroach#52540 and temporalio/temporal#2076: a read lock
// taken again through a call, while a writer (Register) may wait in between.
func (r *Registry) Lookup(name string) (int, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if id, ok := r.names[name]; ok {
		return id, true
	}
	return r.byAlias(name) // want `r.mu is read-locked again while its read lock is held: Registry.Lookup → Registry.byAlias → r.mu.RLock deadlocks when a writer waits in between`
}

func (r *Registry) byAlias(name string) (int, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, ok := r.names["alias:"+name]
	return id, ok
}

// An upgrade: a write lock under the read lock (cockroachdb/cockroach#16141).
func (r *Registry) GetOrAdd(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if id, ok := r.names[name]; ok {
		return id
	}
	r.Register(name, len(r.names)) // want `r.mu is locked for writing while its read lock is held: Registry.GetOrAdd → Registry.Register → r.mu.Lock deadlocks`
	return r.names[name]
}

// The same upgrade within one function.
func (r *Registry) Touch(name string) {
	r.mu.RLock()
	if _, ok := r.names[name]; !ok {
		r.mu.Lock() // want `r.mu is locked for writing while its read lock is held: Registry.Touch → r.mu.Lock deadlocks`
		r.names[name] = 0
		r.mu.Unlock()
	}
	r.mu.RUnlock()
}

// Views only read: no writer, so recursive read locks cannot block.
type View struct {
	mu   sync.RWMutex
	rows []string
}

func (v *View) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.rows)
}

func (v *View) Last() string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.rows[v.Len()-1]
}

// Modelled on kubestellar/kubestellar#3899: an embedded RWMutex, read-locked in a method
// that calls another method that read-locks it, while other methods write-lock it.
type resolution struct {
	sync.RWMutex
	status map[string]string
}

func (c *resolution) set(k, v string) {
	c.Lock()
	defer c.Unlock()
	c.status[k] = v
}

func (c *resolution) compare(k string) bool {
	c.RLock()
	defer c.RUnlock()
	return c.generate(k) == c.status[k] // want `c is read-locked again while its read lock is held: resolution.compare → resolution.generate → c.RLock deadlocks when a writer waits in between`
}

func (c *resolution) generate(k string) string {
	c.RLock()
	defer c.RUnlock()
	return "gen:" + c.status[k]
}

// A package-level mutex, locked again through a plain function.
var (
	regMu sync.Mutex
	reg   = map[string]int{}
)

func Add(name string) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, ok := reg[name]; ok {
		return
	}
	reg[name] = count() // want `regMu is locked again while held: Add → count → regMu.Lock deadlocks`
}

func count() int {
	regMu.Lock()
	defer regMu.Unlock()
	return len(reg)
}

// A generic receiver.
type Set[T comparable] struct {
	mu sync.Mutex
	m  map[T]bool
}

func (s *Set[T]) Has(v T) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[v]
}

func (s *Set[T]) AddAll(vs []T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vs {
		if !s.Has(v) { // want `s.mu is locked again while held: Set.AddAll → Set.Has → s.mu.Lock deadlocks`
			s.m[v] = true
		}
	}
}

// Through a callee that locks and releases without defer: a critical section of its own.
func (c *Cache) Touch() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bump() // want `c.mu is locked again while held: Cache.Touch → Cache.bump → c.mu.Lock deadlocks`
}

func (c *Cache) bump() {
	c.mu.Lock()
	c.stale = true
	c.mu.Unlock()
}

// A callback called under the lock, whose literal locks the mutex again: Range holds
// m.mu for reading while it calls fn, and Prune's fn deletes through Delete
// (mhmtszr/concurrent-swiss-map#8: "Deleting from within a Range will result in
// deadlock"; ethereum/go-ethereum#31700 is the same through a stop callback).
type Map[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (m *Map[K, V]) Range(fn func(k K, v V) bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for k, v := range m.m {
		if !fn(k, v) {
			return
		}
	}
}

func (m *Map[K, V]) Delete(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, k)
}

func Prune(sessions *Map[string, int]) {
	sessions.Range(func(id string, n int) bool { // want `sessions.mu is locked for writing while its read lock is held: Map.Range → func literal at line \d+ → Map.Delete → m.mu.Lock deadlocks`
		if n == 0 {
			sessions.Delete(id)
		}
		return true
	})
}

// Each calls fn with the write lock held; the literal read-locks directly.
func (m *Map[K, V]) Each(fn func(K, V)) {
	m.mu.Lock()
	for k, v := range m.m {
		fn(k, v)
	}
	m.mu.Unlock()
}

func (m *Map[K, V]) Len() int {
	n := 0
	m.Each(func(K, V) { // want `m.mu is locked again while held: Map.Each → func literal at line \d+ → m.mu.RLock deadlocks`
		m.mu.RLock()
		n++
		m.mu.RUnlock()
	})
	return n
}

// Look-alikes: the literal only reads what it is given; it locks another map; Snapshot
// releases the lock before it calls fn; the callback runs in a goroutine of its own.
func Count(sessions *Map[string, int]) int {
	total := 0
	sessions.Range(func(_ string, n int) bool {
		total += n
		return true
	})
	return total
}

func Move(from, to *Map[string, int]) {
	from.Range(func(id string, n int) bool {
		to.Delete(id)
		return true
	})
}

func (m *Map[K, V]) Snapshot(fn func(K, V)) {
	m.mu.RLock()
	cp := make(map[K]V, len(m.m))
	for k, v := range m.m {
		cp[k] = v
	}
	m.mu.RUnlock()
	for k, v := range cp {
		fn(k, v)
	}
}

func Clear(sessions *Map[string, int]) {
	sessions.Snapshot(func(id string, _ int) { sessions.Delete(id) })
}

func (m *Map[K, V]) Notify(fn func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	go fn()
}

func Watch(sessions *Map[string, int]) {
	sessions.Notify(func() { sessions.Delete("x") })
}
