package imports

import (
	"fmt"
	gosync "sync"
)

var _ gosync.Once

type aliased struct {
	ch chan struct{} // want `channel aliased.ch of capacity 1 is used as a mutex`
}

func newAliased() *aliased { return &aliased{ch: make(chan struct{}, 1)} }

func (a *aliased) print() {
	a.ch <- struct{}{}
	fmt.Println("x")
	<-a.ch
}
