package a

import "time"

// A loop that ends only when a flag is set, and only the receive sets it (nats-server's
// TestMonitorRoutezRace): the function cannot return before it receives. Silent.
func routezRace(poll func() error, restart func()) {
	doneCh := make(chan struct{})
	go func() {
		defer func() {
			doneCh <- struct{}{}
		}()
		for i := 0; i < 10; i++ {
			restart()
		}
	}()
	done := false
	for !done {
		if err := poll(); err != nil {
			time.Sleep(time.Millisecond)
		}
		select {
		case <-doneCh:
			done = true
		default:
		}
	}
}

// The same loop with a deadline that sets the flag too: it can end without the receive.
func pollUntil(poll func() error, restart func(), d time.Duration) {
	doneCh := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel doneCh: the function can return without receiving`
	go func() {
		defer func() { doneCh <- struct{}{} }()
		restart()
	}()
	var done bool
	deadline := time.After(d)
	for !done {
		_ = poll()
		select {
		case <-doneCh:
			done = true
		case <-deadline:
			done = true
		default:
		}
	}
}

// A flag that is also computed is not followed: reported.
func pollComputed(poll func() error, restart func()) {
	doneCh := make(chan struct{}) // want `unbuffered channel doneCh`
	go func() {
		defer func() { doneCh <- struct{}{} }()
		restart()
	}()
	done := false
	for !done {
		select {
		case <-doneCh:
			done = true
		default:
			done = poll() != nil
		}
	}
}

// A flag that a closure may set is not followed either: reported.
func pollHook(poll func(stop func()) error, restart func()) {
	doneCh := make(chan struct{}) // want `unbuffered channel doneCh`
	go func() {
		defer func() { doneCh <- struct{}{} }()
		restart()
	}()
	done := false
	for !done {
		_ = poll(func() { done = true })
		select {
		case <-doneCh:
			done = true
		default:
		}
	}
}
