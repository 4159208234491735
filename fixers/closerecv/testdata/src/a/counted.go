package a

// A close after a loop that receives as many values as can ever be sent: every send is
// over. Modelled on nats-server's server/jwt_test.go (TestJWTUserRevocation: doneChan :=
// make(chan struct{}, 2); defer close(doneChan); two goroutines that each send once;
// for i := 0; i < cap(doneChan); i++ { <-doneChan }).

func prepare() {}

func check(bool) {}

// countedCap: not reported.
func countedCap() {
	done := make(chan struct{}, 2)
	defer close(done)
	var a, b int
	go func() {
		prepare()
		a = 1
		done <- struct{}{}
	}()
	go func() {
		b = 2
		done <- struct{}{}
	}()
	for i := 0; i < cap(done); i++ {
		<-done
	}
	check(a+b == 3)
}

// countedConst: a close statement after a constant loop; not reported.
func countedConst() {
	ch := make(chan int)
	go func() { ch <- 1 }()
	go func() { ch <- 2 }()
	sum := 0
	for range 2 {
		sum += <-ch
	}
	close(ch)
	check(sum == 3)
}

// countedPerItem: one goroutine per item, one receive per item; not reported.
func countedPerItem(items []int) int {
	ch := make(chan int)
	for _, it := range items {
		go func() { ch <- it * 2 }()
	}
	sum := 0
	for range items {
		sum += <-ch
	}
	close(ch)
	return sum
}

// Look-alike: the count is one short (three senders, two receives).
func countOneShort() {
	done := make(chan struct{}, 2)
	defer close(done) // want `channel done is closed by a function that only receives from it`
	go func() { done <- struct{}{} }()
	go func() { done <- struct{}{} }()
	go func() { done <- struct{}{} }()
	for i := 0; i < cap(done); i++ {
		<-done
	}
}

// Look-alike: a sender outside the counted set, a callback handed to another function.
// This is what the finding at nats-server's jwt_test.go:4792 still has: besides the two
// counted goroutines, the nats.ErrorHandler callback of nc sends on doneChan, and the
// deferred nc.Close() does not wait for nats.go's asynchronous callbacks.
func senderOutside(register func(func())) {
	done := make(chan struct{}, 2)
	defer close(done) // want `channel done is closed by a function that only receives from it`
	go func() { done <- struct{}{} }()
	go func() { done <- struct{}{} }()
	register(func() { done <- struct{}{} })
	for i := 0; i < cap(done); i++ {
		<-done
	}
}

// Look-alike: a call that may stop the function (t.Fatal) between the goroutines and
// the loop runs the deferred close while they may still send.
func mayStopBefore() {
	done := make(chan struct{}, 2)
	defer close(done) // want `channel done is closed by a function that only receives from it`
	go func() { done <- struct{}{} }()
	go func() { done <- struct{}{} }()
	check(false)
	for i := 0; i < cap(done); i++ {
		<-done
	}
}

// Look-alike: the loop may end early.
func leavesEarly(stop func() bool) {
	ch := make(chan int)
	go func() { ch <- 1 }()
	go func() { ch <- 2 }()
	for range 2 {
		<-ch
		if stop() {
			break
		}
	}
	close(ch) // want `channel ch is closed by a function that only receives from it`
}

// Look-alike: one goroutine per item, but a receive per element of another slice.
func perOtherItems(items, others []int) int {
	ch := make(chan int)
	for _, it := range items {
		go func() { ch <- it * 2 }()
	}
	sum := 0
	for range others {
		sum += <-ch
	}
	close(ch) // want `channel ch is closed by a function that only receives from it`
	return sum
}

// Look-alike: the close is on a path that skips the loop.
func skipsLoop(wait bool) {
	ch := make(chan int)
	go func() { ch <- 1 }()
	go func() { ch <- 2 }()
	if wait {
		for range 2 {
			<-ch
		}
	}
	close(ch) // want `channel ch is closed by a function that only receives from it`
}
