package a

import (
	"sync"
	"testing"
	"time"
)

// syncthing#5903 and bytedance/sonic#505: t.Fatal in a goroutine the test started ends
// only that goroutine; the fix is t.Error and return.
func TestServe(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := dial("a"); err != nil {
			t.Fatal(err) // want `t.Fatal called in a goroutine the test started`
		}
	}()
	<-done
}

func TestWorkers(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < i; j++ {
				if _, err := dial("b"); err != nil {
					t.Fatalf("worker %d: %v", i, err) // want `t.Fatalf called in a goroutine the test started`
				}
			}
		}()
	}
	wg.Wait()
}

func TestSelect(t *testing.T) {
	results := make(chan int, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case results <- 1:
		case <-time.After(time.Second):
			t.FailNow() // want `t.FailNow called in a goroutine the test started`
		}
	})
	wg.Wait()
}

func BenchmarkClient(b *testing.B) {
	done := make(chan bool)
	go func() {
		if _, err := dial("c"); err != nil {
			b.Fatal(err) // want `b.Fatal called in a goroutine the test started`
		}
		done <- true
	}()
	<-done
}

// Reported without a fix.
func TestRefused(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := dial("d")
		if err != nil {
			t.Fatal(err) // want `t.Fatal called in a goroutine the test started.* \(no fix: statements follow it in its block: a return would make them unreachable\)`
			t.Log("unreachable")
		}
		defer func() {
			if r := recover(); r != nil {
				t.Fatal(r) // want `t.Fatal called in a goroutine the test started.* \(no fix: it is in a function literal nested in the goroutine: a return would only leave that literal\)`
			}
		}()
		if err == nil {
			t.SkipNow() // want `t.SkipNow called in a goroutine the test started.* \(no fix: SkipNow has no counterpart that does not end the goroutine\)`
		}
	}()
	<-done
}

// Look-alikes: t.Fatal in the test's own goroutine, in a subtest's function, and on a T
// that the goroutine's own function takes.
func TestLookAlikes(t *testing.T) {
	if _, err := dial("e"); err != nil {
		t.Fatal(err)
	}
	t.Run("sub", func(t *testing.T) {
		if _, err := dial("f"); err != nil {
			t.Fatal(err)
		}
	})
	done := make(chan struct{})
	go func(t *testing.T) {
		defer close(done)
		t.Run("inner", func(t *testing.T) {
			t.Fatal("a subtest in its own goroutine")
		})
	}(t)
	<-done
}

// A goroutine that starts another: the call is reported once, for the inner one.
func TestNested(t *testing.T) {
	var wg sync.WaitGroup
	wg.Go(func() {
		wg.Go(func() {
			if _, err := dial("g"); err != nil {
				t.Fatal(err) // want `t.Fatal called in a goroutine the test started`
			}
		})
	})
	wg.Wait()
}
