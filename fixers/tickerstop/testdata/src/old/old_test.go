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

// A test's time.Tick, and a ticker it cannot keep: they live as long as the test binary,
// and a report without a fix is not worth reading (go-kit v0.13.0 sd/consul
// instancer_test.go, paho.mqtt.golang v1.4.3 fvt_client_test.go). Not reported.
func TestTick(t *testing.T) {
	tick := time.Tick(time.Millisecond)
	<-tick
	for range time.NewTicker(time.Millisecond).C {
		return
	}
}

// A test's ticker that a deferred Stop can free is still fixed.
func TestTicker(t *testing.T) {
	tk := time.NewTicker(time.Millisecond) // want `ticker from time.NewTicker is never stopped`
	<-tk.C
}
