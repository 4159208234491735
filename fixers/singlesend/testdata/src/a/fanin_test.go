package a

import (
	"testing"
	"time"
)

// amqp091-go's TestConfirmsIsThreadSafe: the fan-in's other case fails the test
// (t.Fatalf does not return), so every iteration that goes on has received. Silent.
func TestFanInFatal(t *testing.T) {
	const count = 1000
	done := make(chan int)
	late := time.After(time.Second)
	for i := 0; i < count; i++ {
		go func() { done <- i }()
	}
	for i := 0; i < count; i++ {
		select {
		case <-done:
		case <-late:
			t.Fatalf("expected all to finish after %s", time.Second)
		}
	}
}

// The same loop whose other case only logs goes on without receiving: reported.
func TestFanInLogs(t *testing.T) {
	const count = 1000
	done := make(chan int) // want `goroutine may block forever sending on unbuffered channel done`
	late := time.After(time.Second)
	for i := 0; i < count; i++ {
		go func() { done <- i }()
	}
	for i := 0; i < count; i++ {
		select {
		case <-done:
		case <-late:
			t.Logf("late")
		}
	}
}
