package field

import "fmt"

// counter is guarded by a channel used as a lock.
type counter struct {
	name string
	mu   chan struct{} // guards n // want `channel counter.mu of capacity 1 is used as a mutex`
	n    int
}

func newCounter(name string) *counter {
	return &counter{
		name: name,
		mu:   make(chan struct{}, 1),
	}
}

func (c *counter) inc() {
	c.mu <- struct{}{}
	c.n++
	<-c.mu
}

func (c *counter) get() int {
	c.mu <- struct{}{}
	defer func() { <-c.mu }()
	return c.n
}

func (c *counter) String() string {
	c.mu <- struct{}{}
	defer func() {
		<-c.mu
		fmt.Println("unlocked")
	}()
	return fmt.Sprint(c.name, c.n)
}

func (c *counter) addIfPositive(d int) bool {
	c.mu <- struct{}{}
	if d <= 0 {
		<-c.mu
		return false
	}
	c.n += d
	<-c.mu
	return true
}

// gate is pre-filled: receive takes the token, send gives it back.
type gate struct {
	tok   chan bool // want `channel gate.tok of capacity 1 is used as a mutex`
	count int
}

func newGate() *gate {
	g := &gate{tok: make(chan bool, 1)}
	g.tok <- true

	return g
}

func (g *gate) bump() {
	<-g.tok
	defer func() { g.tok <- true }()
	g.count++
}

// only is made in a literal that initialises nothing else.
type only struct {
	lock chan int // want `channel only.lock of capacity 1 is used as a mutex`
	v    []string
}

func newOnly() *only {
	return &only{lock: make(chan int, 1)}
}

func (o *only) add(s string) {
	o.lock <- 0
	o.v = append(o.v, s)
	_ = <-o.lock
}

// assigned is made by an assignment in its constructor.
type assigned struct {
	ch    chan struct{} // want `channel assigned.ch of capacity 1 is used as a mutex`
	items map[string]int
}

func newAssigned() *assigned {
	a := &assigned{items: map[string]int{}}
	a.ch = make(chan struct{}, 1)
	return a
}

func (a *assigned) put(k string, v int) {
	a.ch <- struct{}{}
	defer func() { <-a.ch }()
	a.items[k] = v
}

func (a *assigned) loop(keys []string) {
	for _, k := range keys {
		a.ch <- struct{}{}
		if k == "" {
			<-a.ch
			continue
		}
		a.items[k]++
		<-a.ch
	}
}
