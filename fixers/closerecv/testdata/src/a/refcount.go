package a

import (
	"sync/atomic"
)

type hostInfo struct{ addr string }

func connect(*hostInfo) {}

// The last goroutine to release its count closes the channel, after its own send; the
// function holds one count while it starts them (gocql Session.init). Every send comes
// before a release, and the count reaches zero after the last: no send follows the
// close. Not reported.
func connectAll(hosts []*hostInfo) int {
	var left int64
	connected := make(chan struct{}, len(hosts))
	atomic.AddInt64(&left, 1)
	for _, h := range hosts {
		atomic.AddInt64(&left, 1)
		go func() {
			connect(h)
			connected <- struct{}{}
			if atomic.AddInt64(&left, -1) == 0 {
				close(connected)
			}
		}()
	}
	if atomic.AddInt64(&left, -1) == 0 {
		close(connected)
	}
	n := 0
	for range connected {
		n++
	}
	return n
}

// The same with an atomic.Int32 field, whose release is a plain Add after the send.
type fanIn struct {
	pending atomic.Int32
	out     chan int
}

func (f *fanIn) collect(parts []int) int {
	f.pending.Add(1)
	for _, p := range parts {
		f.pending.Add(1)
		go func() {
			f.out <- p * 2
			f.pending.Add(-1)
		}()
	}
	if f.pending.Add(-1) == 0 {
		close(f.out)
	}
	sum := 0
	for v := range f.out {
		sum += v
	}
	return sum
}

// The release comes before the send: the counter can reach zero with the send still to
// make. Reported.
func releaseFirst(hosts []*hostInfo) {
	var left int64
	connected := make(chan struct{}, len(hosts))
	atomic.AddInt64(&left, 1)
	for _, h := range hosts {
		atomic.AddInt64(&left, 1)
		go func() {
			connect(h)
			atomic.AddInt64(&left, -1)
			connected <- struct{}{}
		}()
	}
	if atomic.AddInt64(&left, -1) == 0 {
		close(connected) // want `channel connected is closed by a function that only receives from it while others send on it`
	}
	for range connected {
	}
}

// The senders never release: the counter is not theirs. Reported.
func noRelease(hosts []*hostInfo) {
	var left int64
	connected := make(chan struct{}, len(hosts))
	atomic.AddInt64(&left, 1)
	for _, h := range hosts {
		go func() {
			connect(h)
			connected <- struct{}{}
		}()
	}
	if atomic.AddInt64(&left, -1) == 0 {
		close(connected) // want `channel connected is closed by a function that only receives from it while others send on it`
	}
	for range connected {
	}
}
