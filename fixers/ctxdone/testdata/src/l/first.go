package l

import (
	"context"
	"errors"
	"sync"
	"time"
)

type tb struct{}

func (tb) Fatalf(string, ...any) { panic(0) }

func publishAsync(ctx context.Context) (int, error) { return 0, ctx.Err() }

func ok(int) error { return nil }

// testerCtx is a context that ends with the test, as nats.go's newTesterCtx.
func testerCtx(tb) context.Context { return context.TODO() }

// resetPending is nats.go jetstream/test/publish_test.go:1602
// (TestPublishAsyncResetPendingOnReconnect): the first goroutine sends at most one
// error on errs (capacity one) and returns, or sends done; the goroutines that send on
// errs too start only once done is received, the other cases fail the test. Its send
// cannot block. Neither a fix nor a report for it.
func resetPending(t tb) {
	ctx := testerCtx(t)
	errs := make(chan error, 1)
	done := make(chan struct{}, 1)
	acks := make(chan int, 100)
	var wg sync.WaitGroup
	go func() {
		for i := 0; i < 100; i++ {
			if ack, err := publishAsync(ctx); err != nil {
				errs <- err
				return
			} else {
				acks <- ack
			}
			wg.Add(1)
		}
		close(acks)
		done <- struct{}{}
	}()
	select {
	case <-done:
	case err := <-errs:
		t.Fatalf("publish: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatalf("timeout")
	}
	for ack := range acks {
		go func(a int) {
			if err := ok(a); err != nil {
				errs <- errors.New("failed")
			}
			wg.Done()
		}(ack)
	}
	wg.Wait()
}

// resetPendingEarly starts the other senders before it waits for done: the first
// goroutine's send may find the buffer full. Reported.
func resetPendingEarly(t tb) {
	ctx := testerCtx(t)
	errs := make(chan error, 1)
	done := make(chan struct{}, 1)
	acks := make(chan int, 100)
	go func() {
		for i := 0; i < 100; i++ {
			if ack, err := publishAsync(ctx); err != nil {
				errs <- err // want `send on errs blocks without a case for ctx.Done\(\)`
				return
			} else {
				acks <- ack
			}
		}
		close(acks)
		done <- struct{}{}
	}()
	for ack := range acks {
		go func(a int) {
			if err := ok(a); err != nil {
				errs <- errors.New("failed")
			}
		}(ack)
	}
	<-done
}
