package local

func counter() func() int {
	n := 0
	sem := make(chan struct{}, 1) // want `channel sem of capacity 1 is used as a mutex`
	return func() int {
		sem <- struct{}{}
		defer func() {
			<-sem
		}()
		n++
		return n
	}
}
