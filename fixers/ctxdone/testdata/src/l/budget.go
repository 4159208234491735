package l

import (
	"context"
	"sync"
)

type batch struct {
	sync.Mutex
	msgs chan int
	err  error
}

// Messages gives the batch's channel to its reader, only to receive from.
func (b *batch) Messages() <-chan int { return b.msgs }

func next(ctx context.Context) (int, bool, error) { return 0, true, ctx.Err() }

// pullOpts carries the context, as nats.go's options do: the functions below have no
// context parameter, so their own fill loops are not checked.
type pullOpts struct{ ctx context.Context }

// fetch is nats.go js.go:3643 (Subscription.FetchBatch): msgs has capacity n, the
// function fills part of it, then a goroutine sends at most n - len(msgs) more, counting
// them: every send finds a free slot. Neither a fix nor a report.
func fetch(o pullOpts, n int, more bool) *batch {
	ctx := o.ctx
	result := &batch{msgs: make(chan int, n)}
	for more && len(result.msgs) < n {
		result.msgs <- 1
	}
	requested := n - len(result.msgs)
	go func() {
		var got int
		for got < requested {
			m, user, err := next(ctx)
			if err != nil {
				break
			}
			if !user {
				continue
			}
			result.Lock()
			result.msgs <- m
			result.Unlock()
			got++
		}
		close(result.msgs)
	}()
	return result
}

type batch2 struct{ msgs chan int }

func (b *batch2) Messages() <-chan int { return b.msgs }

// fetchPast counts one send too many: the last one may block. Reported.
func fetchPast(o pullOpts, n int, more bool) *batch2 {
	ctx := o.ctx
	result := &batch2{msgs: make(chan int, n)}
	for more && len(result.msgs) < n {
		result.msgs <- 1
	}
	requested := n - len(result.msgs)
	go func() {
		for got := 0; got <= requested; got++ {
			m, _, err := next(ctx)
			if err != nil {
				break
			}
			result.msgs <- m // want `send on result.msgs blocks without a case for ctx.Done\(\)`
		}
		close(result.msgs)
	}()
	return result
}

type batch3 struct{ msgs chan int }

// Chan gives the channel away to send on: others may fill the buffer.
func (b *batch3) Chan() chan int { return b.msgs }

// fetchShared is fetch with a channel that escapes as one to send on. Reported.
func fetchShared(o pullOpts, n int, more bool) *batch3 {
	ctx := o.ctx
	result := &batch3{msgs: make(chan int, n)}
	for more && len(result.msgs) < n {
		result.msgs <- 1
	}
	requested := n - len(result.msgs)
	go func() {
		var got int
		for got < requested {
			m, _, err := next(ctx)
			if err != nil {
				break
			}
			result.msgs <- m // want `send on result.msgs blocks without a case for ctx.Done\(\)`
			got++
		}
		close(result.msgs)
	}()
	return result
}
