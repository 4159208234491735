// Package m holds reply channels of request-reply protocols (model.Chans.Awaited): a
// request carries the channel its server replies on, and the requester waits for the
// reply, so the reply's send cannot block forever. The shape is hashicorp/go-plugin's
// gRPCBrokerClientImpl (grpc_broker.go: Send and StartStream).
package m

import (
	"context"
	"errors"
)

type request struct {
	payload string
	reply   chan error
}

type broker struct {
	requests chan *request
	quit     chan struct{}
}

func (b *broker) deliver(string) error { return nil }

// serve replies once per request it takes: silent, the requester waits.
func (b *broker) serve(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-b.quit:
				return
			case req := <-b.requests:
				err := b.deliver(req.payload)
				req.reply <- err
			}
		}
	}()
}

// Send waits for the reply once its request is taken.
func (b *broker) Send(p string) error {
	ch := make(chan error)
	defer close(ch)
	select {
	case <-b.quit:
		return errors.New("broker closed")
	case b.requests <- &request{payload: p, reply: ch}:
	}
	return <-ch
}

// A requester that may leave before the reply makes every reply on the field a risk.
type leaving struct {
	requests chan *job
}

type job struct {
	n    int
	done chan int
}

func (l *leaving) serve(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case j := <-l.requests:
				j.done <- j.n * 2 // want `send on j.done blocks without a case for ctx.Done\(\)`
			}
		}
	}()
}

func (l *leaving) Do(ctx context.Context, n int) (int, error) {
	ch := make(chan int)
	l.requests <- &job{n: n, done: ch} // want `send on l.requests blocks without a case for ctx.Done\(\)`
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// A server that replies twice to one request blocks on the second reply.
type call struct {
	payload string
	reply   chan error
}

type twice struct {
	requests chan *call
}

func (t *twice) serve(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case req := <-t.requests:
				req.reply <- nil                 // want `send on req.reply blocks without a case for ctx.Done\(\)`
				req.reply <- errors.New("again") // want `send on req.reply blocks without a case for ctx.Done\(\)`
			}
		}
	}()
}

func (t *twice) Send(p string) error {
	ch := make(chan error)
	t.requests <- &call{payload: p, reply: ch}
	return <-ch
}
