package app

import (
	"sync"

	"example.com/internal/lib"
)

func Run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go lib.F(wg)
	wg.Wait()
}
