//go:build go1.22

package old

import (
	"testing"
	"time"
)

// A test's loop: its timers live as long as the test (pebble's vfs disk health tests).
// Not reported.
func TestWait(t *testing.T) {
	events := make(chan int)
	for i := 0; i < 3; i++ {
		select {
		case <-events:
		case <-time.After(10 * time.Second):
			t.Fatal("timed out")
		}
	}
}
