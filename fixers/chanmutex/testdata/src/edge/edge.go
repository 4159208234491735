package edge

import "fmt"

// A struct declared in a function.
func local(xs []string) int {
	type box struct {
		ch    chan struct{} // want `channel box.ch of capacity 1 is used as a mutex`
		count int
	}
	b := &box{ch: make(chan struct{}, 1)}
	for _, x := range xs {
		switch x {
		case "":
			b.ch <- struct{}{}
			b.count--
			<-b.ch
		default:
			b.ch <- struct{}{}
			b.count += len(x)
			<-b.ch
		}
	}
	return b.count
}

// An anonymous struct in a package-level variable.
var state = struct {
	mu chan struct{} // want `channel field mu of capacity 1 is used as a mutex`
	n  int
}{mu: make(chan struct{}, 1)}

func bump() {
	state.mu <- struct{}{}
	state.n++
	<-state.mu
}

// A labelled acquire and a goto.
func labelled(xs []int) (sum int) {
	ch := make(chan struct{}, 1) // want `channel ch of capacity 1 is used as a mutex`
	i := 0
again:
	ch <- struct{}{}
	if i < len(xs) {
		sum += xs[i]
		i++
		<-ch
		goto again
	}
	<-ch
	return sum
}

// Made in a var declaration, filled right after.
func grouped() {
	var (
		n   int
		tok = make(chan bool, 1) // want `channel tok of capacity 1 is used as a mutex`
	)
	tok <- true
	<-tok
	n++
	tok <- true
	fmt.Println(n)
}

// Panics while holding the lock are the same with a mutex.
type strict struct {
	ch chan struct{} // want `channel strict.ch of capacity 1 is used as a mutex`
	m  map[string]int
}

func newStrict() *strict {
	return &strict{m: map[string]int{}, ch: make(chan struct{}, 1)}
}

func (s *strict) set(k string, v int) {
	s.ch <- struct{}{}
	if v < 0 {
		panic("negative")
	}
	s.m[k] = v
	<-s.ch
}
