// Package pub is importable by other modules, which may copy its types: the fix of an
// exported type needs -chanmutex.api.
package pub

type Counter struct {
	mu chan struct{} // want `channel Counter.mu of capacity 1 is used as a mutex \(no fix: Counter is visible to importers outside the module, which may copy it: a copied channel is shared, a copied mutex is not \(flag -chanmutex.api allows the fix when the module's own packages neither copy nor build it\)\)`
	n  int
}

func NewCounter() *Counter { return &Counter{mu: make(chan struct{}, 1)} }

func (c *Counter) Inc() {
	c.mu <- struct{}{}
	c.n++
	<-c.mu
}
