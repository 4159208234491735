package dead

import (
	"sync"
	"testing"
)

// A benchmark that measures the path without defer on purpose: nothing exits early,
// nothing is reported, nothing changes.
func BenchmarkNoDefer(b *testing.B) {
	var mu sync.Mutex
	x := 0
	for b.Loop() {
		mu.Lock()
		x++
		mu.Unlock()
	}
	_ = x
}

// The same, with a debug switch that is off: still nothing to report.
func BenchmarkNoDeferDebug(b *testing.B) {
	var mu sync.Mutex
	x := 0
	for b.Loop() {
		mu.Lock()
		if debug {
			b.Log(x)
			return
		}
		x++
		mu.Unlock()
	}
}
