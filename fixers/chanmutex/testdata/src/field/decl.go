package field

type pair struct {
	a, b int
	sem  chan struct{} // want `channel pair.sem of capacity 1 is used as a mutex`
}

func (p *pair) swap() {
	p.sem <- struct{}{}
	p.a, p.b = p.b, p.a
	<-p.sem
}

var global = &pair{a: 1, b: 2, sem: make(chan struct{}, 1)}
