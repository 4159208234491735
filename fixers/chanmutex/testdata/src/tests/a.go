package tests

// worker's channel is inspected by a test with len: not a mutex.
type worker struct {
	busy chan struct{}
	jobs int
}

func newWorker() *worker { return &worker{busy: make(chan struct{}, 1)} }

func (w *worker) run() {
	w.busy <- struct{}{}
	w.jobs++
	<-w.busy
}

// plain is not mentioned by the tests.
type plain struct {
	guard chan struct{} // want `channel plain.guard of capacity 1 is used as a mutex`
	n     int
}

func newPlain() *plain { return &plain{guard: make(chan struct{}, 1)} }

func (p *plain) inc() {
	p.guard <- struct{}{}
	p.n++
	<-p.guard
}
