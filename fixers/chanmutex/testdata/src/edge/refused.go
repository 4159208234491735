package edge

// Unkeyed literal: the channel is set without its field name.
type unkeyed struct {
	c chan struct{}
	k int
}

func newUnkeyed() *unkeyed { return &unkeyed{make(chan struct{}, 1), 0} }

func (u *unkeyed) inc() {
	u.c <- struct{}{}
	u.k++
	<-u.c
}

func newUnkeyed2() *unkeyed { return &unkeyed{c: make(chan struct{}, 1)} }

// Convertible to another struct type.
type conv struct {
	ch chan struct{} // want `channel conv.ch of capacity 1 is used as a mutex`
	n  int
}

type other struct {
	ch chan struct{}
	n  int
}

func newConv() *conv { return &conv{ch: make(chan struct{}, 1)} }

func (c *conv) inc() {
	c.ch <- struct{}{}
	c.n++
	<-c.ch
}

func asOther(c *conv) *other { return (*other)(c) }

// Generic struct.
type gen[T any] struct {
	ch chan struct{}
	v  T
}

func newGen[T any]() *gen[T] { return &gen[T]{ch: make(chan struct{}, 1)} }

func (g *gen[T]) set(v T) {
	g.ch <- struct{}{}
	g.v = v
	<-g.ch
}

// Declared with another field name.
type twin struct {
	a, b chan struct{} // want `channel twin.a of capacity 1 is used as a mutex`
	n    int
}

func newTwin() *twin { return &twin{a: make(chan struct{}, 1)} }

func (t *twin) inc() {
	t.a <- struct{}{}
	t.n++
	<-t.a
}

// Double acquire in one function.
func double() {
	ch := make(chan struct{}, 1) // want `channel ch of capacity 1 is used as a mutex`
	println()
	ch <- struct{}{}
	println()
	<-ch
	ch <- struct{}{}
	println()
	ch <- struct{}{}
	<-ch
}

// A deferred acquire.
func deferredAcquire() {
	ch := make(chan struct{}, 1) // want `channel ch of capacity 1 is used as a mutex`
	println()
	ch <- struct{}{}
	println()
	<-ch
	defer func() { ch <- struct{}{} }()
}
