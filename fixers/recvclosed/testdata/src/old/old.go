//go:build go1.21

package old

// Capture captures the received value in a literal: before Go 1.22 a range variable is
// one for all iterations, so the fix returns on a closed channel instead.
func Capture(vals chan int, run func(func())) {
	for {
		v := <-vals // want `receive from vals in a loop`
		run(func() { println(v) })
	}
}

func Start(run func(func())) chan int {
	vals := make(chan int)
	go Capture(vals, run)
	close(vals)
	return vals
}
