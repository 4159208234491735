package a

// joined: the closer stops the sender and waits for its done channel, which only the
// sender closes, when it returns: silent.
func joined(next func() (int, bool)) int {
	vals := make(chan int)
	stopped := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			v, ok := next()
			if !ok {
				return
			}
			select {
			case vals <- v:
			case <-quit:
				return
			}
		}
	}()
	first := <-vals
	close(quit)
	<-stopped
	close(vals)
	return first
}

// joinedElsewhere: the done channel may also be closed by another goroutine, so the
// receive does not prove the sender returned: reported.
func joinedElsewhere(next func() (int, bool), abort bool) int {
	vals := make(chan int)
	stopped := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			v, ok := next()
			if !ok {
				return
			}
			select {
			case vals <- v:
			case <-quit:
				return
			}
		}
	}()
	if abort {
		go func() { close(stopped) }()
	}
	first := <-vals
	close(quit)
	<-stopped
	close(vals) // want `channel vals is closed by a function that only receives from it while others send on it`
	return first
}
