package lib

import "sync"

// F is exported, but only packages of the module can import it.
func F(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of F is passed by value`
	wg.Done()
}

func local() {
	var wg sync.WaitGroup
	F(wg)
}
