package imports

func shadowed() int {
	sync := 0
	ch := make(chan struct{}, 1) // want `channel ch of capacity 1 is used as a mutex`
	sync++
	ch <- struct{}{}
	sync++
	<-ch
	return sync
}
