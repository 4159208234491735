package l

import "context"

// Sends that cannot block because their one sender checks the buffer's length: the
// model's HasRoom. Neither a fix nor a report.

const totalMsgs = 10_000

// deliver is nats.go test/norace_test.go:656 (TestNoRaceJetStreamPushFlowControl_
// SubscribeAsyncAndChannel): delivered has capacity totalMsgs and its only sender returns
// once it is full, so every send finds a free slot.
func deliver(ctx context.Context, recvd chan int) int {
	delivered := make(chan int, totalMsgs)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for m := range recvd {
			select {
			case <-ctx.Done():
				return
			default:
			}
			delivered <- m
			if len(delivered) == totalMsgs {
				cancel()
				return
			}
		}
	}()
	<-ctx.Done()
	return len(delivered)
}

// ---- look-alikes: reported ----

// deliverPast compares with a bound past the capacity: the last send blocks.
func deliverPast(ctx context.Context, recvd chan int) int {
	delivered := make(chan int, totalMsgs)
	go func() {
		for m := range recvd {
			delivered <- m // want `send on delivered blocks without a case for ctx.Done\(\)`
			if len(delivered) == totalMsgs+1 {
				return
			}
		}
	}()
	<-ctx.Done()
	return len(delivered)
}

// deliverShared has a second sender on the same channel (a one-shot send, left alone
// itself): the check does not count its send.
func deliverShared(ctx context.Context, recvd chan int) int {
	delivered := make(chan int, totalMsgs)
	go func() {
		delivered <- -1
	}()
	go func() {
		for m := range recvd {
			delivered <- m // want `send on delivered blocks without a case for ctx.Done\(\)`
			if len(delivered) == totalMsgs {
				return
			}
		}
	}()
	<-ctx.Done()
	return len(delivered)
}

// deliverMany starts the checking goroutine once per worker: they share the buffer.
func deliverMany(ctx context.Context, recvd chan int, workers int) int {
	delivered := make(chan int, totalMsgs)
	for range workers {
		go func() {
			for m := range recvd {
				delivered <- m // want `send on delivered blocks without a case for ctx.Done\(\)`
				if len(delivered) == totalMsgs {
					return
				}
			}
		}()
	}
	<-ctx.Done()
	return len(delivered)
}
