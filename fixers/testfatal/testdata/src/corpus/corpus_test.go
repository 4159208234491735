package corpus

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// 1. syncthing/syncthing#5903 (lib/model: don't call t.Fatal in goroutines): a fake
// connection's request goroutine calls t.Fatal; upstream replaced it by t.Error where the
// test ends anyway.
func TestRequestSimple(t *testing.T) {
	c := &Conn{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := c.Request("default"); err != nil {
			t.Fatal(err) // want `t.Fatal called in a goroutine the test started: it ends only that goroutine, and the test goes on`
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
	}
}

// 2. ethereum/go-ethereum#21012 (les: remove invalid use of t.Fatal in TestHandshake):
// the handshake callback, run by the goroutine the test started, calls t.Fatal;
// upstream returns the error instead, which the test goroutine receives.
func TestHandshake(t *testing.T) {
	peer := &Peer{name: "peer1"}
	errCh := make(chan error, 1)
	go func() {
		errCh <- peer.Handshake(func(recv map[string]uint64) error {
			reqType, ok := recv["announceType"]
			if !ok {
				t.Fatal("missing announceType") // want `t.Fatal called in a goroutine the test started: it ends only that goroutine, and the test goes on .*no fix: it is in a function literal nested in the goroutine: a return would only leave that literal`
			}
			if reqType != 1 {
				t.Fatal("Expected announceTypeSigned") // want `t.Fatal called in a goroutine the test started: it ends only that goroutine, and the test goes on .*no fix: it is in a function literal nested in the goroutine: a return would only leave that literal`
			}
			return nil
		})
	}()
	if err := <-errCh; err != nil {
		t.Fatal(err)
	}
}

// 3. dgraph-io/ristretto#80 (fix calling T.Fatalf from within a goroutine): concurrent
// writers check each Set with t.Fatalf.
func TestCacheSetConcurrent(t *testing.T) {
	c := NewCache()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if !c.Set(uint64(w*100+i), i) {
					t.Fatalf("writer %d: set %d dropped", w, i) // want `t.Fatalf called in a goroutine the test started: it ends only that goroutine, and the test goes on`
				}
			}
		}(w)
	}
	wg.Wait()
}

// 4. Azure/go-autorest#511 (remove testing.T.Fatal() from test goroutine): the race test
// of DoRetryForStatusCodes calls t.Fatal from the goroutines it starts.
func TestDoRetryForStatusCodes_Race(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, err := Retry(3, time.Millisecond, func() (int, error) { return 200, nil })
			if err != nil {
				t.Fatal(err) // want `t.Fatal called in a goroutine the test started: it ends only that goroutine, and the test goes on`
			}
			if code != 200 {
				t.Fatalf("unexpected status %d", code) // want `t.Fatalf called in a goroutine the test started: it ends only that goroutine, and the test goes on`
			}
		}()
	}
	wg.Wait()
}

// 5. etcd-io/etcd#18827 (enable go-require from testifylint): require in the goroutines
// of a test calls t.FailNow; the file already imports assert.
func TestConcurrentRequests(t *testing.T) {
	c := &Conn{}
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Request(name)
			require.NoError(t, err) // want `require.NoError called in a goroutine the test started: it calls t.FailNow, which ends only that goroutine, and the test goes on`
			assert.Equal(t, name, string(resp))
		}()
	}
	wg.Wait()
}

// 6. stretchr/testify#657 (require.Equal hangs): when the assertion fails, require ends
// the goroutine before cancel(), and the test blocks on ctx.Done() forever.
func TestRequireHangs(t *testing.T) {
	a := 3
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		b := 3
		require.Equal(t, b, a) // want `require.Equal called in a goroutine the test started: it calls t.FailNow, which ends only that goroutine, and the test goes on`
		cancel()
	}()
	<-ctx.Done()
}

// 7. hashicorp/boundary#1978 (remove uses of t.FailNow in goroutines): require calls in
// the handler of a server the test runs in a goroutine; upstream switched them to
// assert. The require is in a function literal that the goroutine's Serve calls.
func TestStatusInterceptor(t *testing.T) {
	srv := &Server{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve([]string{"hello"}, func(req string) error {
			require.Equal(t, "hello", req) // want `require.Equal called in a goroutine the test started: it calls t.FailNow, which ends only that goroutine, and the test goes on .*no fix: it is in a function literal nested in the goroutine: a return would only leave that literal`
			return nil
		})
	}()
	<-done
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// The goroutine only reports; t.Fatal runs in the test's goroutine.
func TestFatalInTestGoroutine(t *testing.T) {
	c := &Conn{}
	errs := make(chan error, 1)
	go func() {
		_, err := c.Request("x")
		errs <- err
	}()
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// t.Run's function runs in a goroutine of its own test: t.Fatal there is its own.
func TestSubtests(t *testing.T) {
	c := &Conn{}
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := c.Request(name); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// t.Error and assert only mark the test failed.
func TestErrorInGoroutine(t *testing.T) {
	c := &Conn{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := c.Request("y")
		if err != nil {
			t.Error(err)
			return
		}
		assert.Equal(t, "y", string(resp))
	}()
	wg.Wait()
}

// The handler literal is made in a goroutine, but the test's own goroutine calls it
// (handlers["hello"]("hello") below): its require runs where FailNow is allowed. A
// literal the goroutine stores rather than runs is not followed (session 10 reported it:
// a false report).
func TestHandlerMadeInGoroutine(t *testing.T) {
	handlers := make(map[string]func(string) error)
	var mu sync.Mutex
	ready := make(chan struct{})
	go func() {
		mu.Lock()
		handlers["hello"] = func(req string) error {
			require.Equal(t, "hello", req)
			return nil
		}
		mu.Unlock()
		close(ready)
	}()
	<-ready
	mu.Lock()
	defer mu.Unlock()
	if err := handlers["hello"]("hello"); err != nil {
		t.Error(err)
	}
}
