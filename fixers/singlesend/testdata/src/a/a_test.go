package a

import (
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	errc := make(chan error)
	go func() { errc <- work() }()
	if err := work(); err != nil {
		t.Fatal(err) // the test failed anyway: not a return
	}
	if err := <-errc; err != nil {
		t.Error(err)
	}
}

func TestTimeout(t *testing.T) {
	errc := make(chan error) // want `unbuffered channel errc`
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(time.Second):
		t.Error("timeout")
	}
}
