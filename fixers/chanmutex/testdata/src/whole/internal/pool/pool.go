// Package pool is internal to its module: only the module's packages import it, so the
// fix of an exported type is a whole-program one that the module's importers decide.
package pool

// Pool hands out connections. Its lock is a channel of capacity 1 in an unexported
// field: no other package can name the field, each can only use the methods (the shape
// of peterbourgon/ctxdata#16 and geldata/gel-go#12, both moved to a mutex upstream).
type Pool struct {
	mu   chan struct{} // want `channel Pool.mu of capacity 1 is used as a mutex \(no fix: Pool is visible outside the package: other packages of the module may copy it or build it\)`
	free []int
	next int
}

// New is the constructor; the channel is made nowhere else.
func New() *Pool {
	return &Pool{mu: make(chan struct{}, 1)}
}

// Get takes a free connection or makes a new one.
func (p *Pool) Get() int {
	p.mu <- struct{}{}
	defer func() { <-p.mu }()
	if n := len(p.free); n > 0 {
		c := p.free[n-1]
		p.free = p.free[:n-1]
		return c
	}
	p.next++
	return p.next
}

// Put returns c to the pool.
func (p *Pool) Put(c int) {
	p.mu <- struct{}{}
	p.free = append(p.free, c)
	<-p.mu
}

// Stats is copied by package app (app.Snapshot dereferences it): a copied channel is
// shared with the original, a copied mutex is not. The fix is vetoed by app.
type Stats struct {
	mu   chan struct{} // want `channel Stats.mu of capacity 1 is used as a mutex \(no fix: Stats is visible outside the package: other packages of the module may copy it or build it\)`
	hits int
}

func NewStats() *Stats { return &Stats{mu: make(chan struct{}, 1)} }

func (s *Stats) Hit() {
	s.mu <- struct{}{}
	s.hits++
	<-s.mu
}

// Gauge has a value receiver: refused in its own package, whatever the importers do.
type Gauge struct {
	mu chan struct{} // want `channel Gauge.mu of capacity 1 is used as a mutex \(no fix: method Value has a value receiver, which copies the struct\)`
	v  int
}

func NewGauge() *Gauge { return &Gauge{mu: make(chan struct{}, 1)} }

func (g *Gauge) Set(v int) {
	g.mu <- struct{}{}
	g.v = v
	<-g.mu
}

func (g Gauge) Value() int { return g.v }

func (p *Pool) Made() int {
	p.mu <- struct{}{}
	defer func() { <-p.mu }()
	return p.next
}
