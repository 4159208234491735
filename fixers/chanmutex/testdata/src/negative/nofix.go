package negative

import "fmt"

// Copied by value: value receiver.
type valueRecv struct {
	ch chan struct{} // want `channel valueRecv.ch of capacity 1 is used as a mutex`
	n  int
}

func newValueRecv() *valueRecv { return &valueRecv{ch: make(chan struct{}, 1)} }

func (v *valueRecv) inc() {
	v.ch <- struct{}{}
	v.n++
	<-v.ch
}

func (v valueRecv) String() string { return fmt.Sprint(v.n) }

// Copied by value: dereference assigned.
type derefd struct {
	ch chan struct{} // want `channel derefd.ch of capacity 1 is used as a mutex`
	n  int
}

func newDerefd() *derefd { return &derefd{ch: make(chan struct{}, 1)} }

func (d *derefd) inc() {
	d.ch <- struct{}{}
	d.n++
	<-d.ch
}

func (d *derefd) snapshot() int {
	c := *d
	return c.n
}

// Copied by value: ranged over a slice of values.
type ranged struct {
	ch chan struct{} // want `channel ranged.ch of capacity 1 is used as a mutex`
}

func (r *ranged) do() {
	r.ch <- struct{}{}
	fmt.Print()
	<-r.ch
}

func rangeAll(rs []ranged) {
	for _, r := range rs {
		_ = r
	}
}

func newRanged() []ranged {
	return []ranged{{ch: make(chan struct{}, 1)}}
}

// Copied by value: passed by value.
type passedT struct {
	ch chan struct{} // want `channel passedT.ch of capacity 1 is used as a mutex`
}

func newPassedT() *passedT { return &passedT{ch: make(chan struct{}, 1)} }

func (p *passedT) do() {
	p.ch <- struct{}{}
	fmt.Print()
	<-p.ch
}

func consume(p passedT) {}

// Copied by value: returned as a value.
type retT struct {
	ch chan struct{} // want `channel retT.ch of capacity 1 is used as a mutex`
}

func makeRetT() retT { return retT{ch: make(chan struct{}, 1)} }

func (r *retT) do() {
	r.ch <- struct{}{}
	fmt.Print()
	<-r.ch
}

// Exported field.
type exportedField struct {
	Ch chan struct{} // want `channel exportedField.Ch of capacity 1 is used as a mutex`
}

func newExportedField() *exportedField { return &exportedField{Ch: make(chan struct{}, 1)} }

func (e *exportedField) do() {
	e.Ch <- struct{}{}
	fmt.Print()
	<-e.Ch
}

// Exported type.
type Exported struct {
	ch chan struct{} // want `channel Exported.ch of capacity 1 is used as a mutex`
}

func NewExported() *Exported { return &Exported{ch: make(chan struct{}, 1)} }

func (e *Exported) Do() {
	e.ch <- struct{}{}
	fmt.Print()
	<-e.ch
}

// Unexported type exposed by an exported function.
type exposed struct {
	ch chan struct{} // want `channel exposed.ch of capacity 1 is used as a mutex`
}

func NewExposed() *exposed { return &exposed{ch: make(chan struct{}, 1)} }

func (e *exposed) do() {
	e.ch <- struct{}{}
	fmt.Print()
	<-e.ch
}

// Made outside a constructor.
type initMethod struct {
	ch chan struct{} // want `channel initMethod.ch of capacity 1 is used as a mutex`
}

func (i *initMethod) init() { i.ch = make(chan struct{}, 1) }

func (i *initMethod) do() {
	i.ch <- struct{}{}
	fmt.Print()
	<-i.ch
}

// A conditional acquire.
func conditional(b bool) {
	ch := make(chan struct{}, 1) // want `channel ch of capacity 1 is used as a mutex`
	if b {
		ch <- struct{}{}
	}
	fmt.Println()
	if b {
		<-ch
	}
}

// Held by value through a slice of itself: a recursive type, whose elements are copied
// when the slice grows.
type tree struct {
	ch   chan struct{} // want `channel tree.ch of capacity 1 is used as a mutex \(no fix: kids holds the struct by value\)`
	kids []tree
	n    int
}

func newTree() *tree { return &tree{ch: make(chan struct{}, 1)} }

func (t *tree) inc() {
	t.ch <- struct{}{}
	t.n++
	<-t.ch
}
