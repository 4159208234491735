package tests

import "testing"

func TestWorker(t *testing.T) {
	w := newWorker()
	w.run()
	if len(w.busy) != 0 {
		t.Fatal("still busy")
	}
}

// testLock is declared in a test file.
type testLock struct {
	c chan struct{} // want `channel testLock.c of capacity 1 is used as a mutex`
	v []string
}

func (l *testLock) add(s string) {
	l.c <- struct{}{}
	defer func() { <-l.c }()
	l.v = append(l.v, s)
}

func TestLock(t *testing.T) {
	l := &testLock{c: make(chan struct{}, 1)}
	l.add("x")
	p := newPlain()
	p.inc()
}
