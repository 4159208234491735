package d

import (
	"testing"
	"time"
)

// A test that gives up on a timeout ends in t.Fatal: the goroutine dies with the test
// binary, no leak to fix (startWaited's other callers wait).
func TestStartWaited(t *testing.T) {
	select {
	case err := <-startWaited(func() error { return nil }):
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Second):
		t.Fatal("timed out")
	}
}
