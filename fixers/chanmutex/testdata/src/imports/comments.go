package imports

type commented struct {
	tok chan struct{} // want `channel commented.tok of capacity 1 is used as a mutex`
}

func newCommented() *commented {
	c := &commented{tok: make(chan struct{}, 1)}
	// Put the token in: the lock starts free.
	c.tok <- struct{}{}
	return c
}

func (c *commented) do(f func()) {
	<-c.tok
	f()
	c.tok <- struct{}{}
}

type kept struct {
	// tok is the token; holding it is holding the lock.
	tok chan struct{} // want `channel kept.tok of capacity 1 is used as a mutex`
	n   int           // guarded by tok
}

func newKept() *kept {
	k := &kept{tok: make(chan struct{}, 1)}
	k.tok <- struct{}{}
	return k
}

func (k *kept) inc() {
	// Take the token.
	<-k.tok
	k.n++
	k.tok <- struct{}{} // give it back
}
