package i

import "context"

// A reply to a requester that waits for it cannot block: minio-go's GetObject goroutine
// answers each request of Object.doGetRequest, which sends on reqCh and then receives
// from resCh at once.

type request struct{ n int }

type response struct {
	n   int
	err error
}

type object struct {
	ctx   context.Context
	reqCh chan<- request
	resCh <-chan response
}

func open(ctx context.Context) *object {
	reqCh := make(chan request)
	resCh := make(chan response)
	go func() {
		defer close(resCh)
		for req := range reqCh {
			if req.n < 0 {
				resCh <- response{err: context.Canceled}
				continue
			}
			resCh <- response{n: req.n}
		}
	}()
	return &object{ctx: ctx, reqCh: reqCh, resCh: resCh}
}

func (o *object) do(r request) (response, error) {
	select {
	case <-o.ctx.Done():
		return response{}, o.ctx.Err()
	case o.reqCh <- r:
	}
	res := <-o.resCh
	return res, res.err
}

func (o *object) Close() { close(o.reqCh) }

// Look-alike: the requester may leave between its request and the reply.
func asker(ctx context.Context, quit chan bool) {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for n := range reqCh {
			resCh <- n // want `send on resCh blocks without a case for ctx.Done\(\)`
		}
	}()
	reqCh <- 1 // want `send on reqCh blocks without a case for ctx.Done\(\)`
	if <-quit {
		return
	}
	<-resCh
}
