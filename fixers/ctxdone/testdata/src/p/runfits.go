package p

import "context"

type Resp struct{ Err error }

// RespChan is receive-only: whoever gets one cannot send on it.
type RespChan <-chan Resp

type request struct {
	ctx  context.Context
	retc chan RespChan
}

type stream struct {
	reqc     chan *request
	donec    chan struct{}
	closeErr error
}

type watcher struct{ streams map[string]*stream }

// Sends that cannot block because the run of the function that makes the channel is
// the only one that can send on it, and it sends at most the capacity: the channel
// leaves the function only receive-only. Neither a fix nor a report, although another
// make of the same result is unbuffered (the class of the result merges them).

// watch is go.etcd.io/etcd/client/v3 v3.7.3 watch.go:366 and :381 (Watch): closeCh is
// made with capacity 1 once, and each path sends on it at most once before it leaves
// the loop. The path from one send to the other goes through if ok { ... } after
// ok = false: the flag rules it out.
func (w *watcher) watch(ctx context.Context, key string) RespChan {
	wr := &request{ctx: ctx, retc: make(chan RespChan, 1)}
	ok := false
	var closeCh chan Resp
	for {
		if w.streams == nil {
			ch := make(chan Resp)
			close(ch)
			return ch
		}
		s := w.streams[key]
		if closeCh == nil {
			closeCh = make(chan Resp, 1)
		}
		select {
		case s.reqc <- wr:
			ok = true
		case <-wr.ctx.Done():
			ok = false
		case <-s.donec:
			ok = false
			if s.closeErr != nil {
				closeCh <- Resp{Err: s.closeErr}
				break
			}
			continue
		}
		if ok {
			select {
			case ret := <-wr.retc:
				return ret
			case <-ctx.Done():
			case <-s.donec:
				if s.closeErr != nil {
					closeCh <- Resp{Err: s.closeErr}
					break
				}
				continue
			}
		}
		break
	}
	close(closeCh)
	return closeCh
}

// Look-alikes that can block, reported.

// watchAgain sends on every retry: the send is on a cycle of the loop.
func (w *watcher) watchAgain(ctx context.Context, key string) RespChan {
	closeCh := make(chan Resp, 1)
	for {
		s := w.streams[key]
		select {
		case s.reqc <- &request{ctx: ctx}:
			close(closeCh)
			return closeCh
		case <-s.donec:
			closeCh <- Resp{Err: s.closeErr} // want `send on closeCh blocks without a case for ctx.Done\(\)`
		}
	}
}

// watchRetry leaves its loop after the send through the branch of if !ok that holds
// after ok = false: one send per run. Silent.
func (w *watcher) watchRetry(ctx context.Context, key string) RespChan {
	closeCh := make(chan Resp, 1)
	s := w.streams[key]
	ok := true
	for {
		select {
		case <-s.donec:
			closeCh <- Resp{Err: s.closeErr}
			ok = false
		case <-ctx.Done():
			return closeCh
		}
		if !ok {
			break
		}
	}
	return closeCh
}

// watchFlag is watchRetry with a flag that is not a constant: the send can run again.
func (w *watcher) watchFlag(ctx context.Context, key string, retry func() bool) RespChan {
	closeCh := make(chan Resp, 1)
	s := w.streams[key]
	ok := true
	for {
		select {
		case <-s.donec:
			closeCh <- Resp{Err: s.closeErr} // want `send on closeCh blocks without a case for ctx.Done\(\)`
			ok = retry()
		case <-ctx.Done():
			return closeCh
		}
		if !ok {
			break
		}
	}
	return closeCh
}

// watchShared hands each channel on with its send side: another function may send on it.
func (w *watcher) watchShared(ctx context.Context, keys []string, out chan<- chan Resp) {
	for range keys {
		closeCh := make(chan Resp, 1)
		out <- closeCh    // want `send on out blocks without a case for ctx.Done\(\)`
		closeCh <- Resp{} // want `send on closeCh blocks without a case for ctx.Done\(\)`
	}
}

// watchNil may send on a nil channel, which blocks forever.
func (w *watcher) watchNil(ctx context.Context, keys []string) RespChan {
	var closeCh chan Resp
	for _, k := range keys {
		if w.streams[k] != nil {
			closeCh = make(chan Resp, 1)
		}
		if k == "" {
			closeCh <- Resp{} // want `send on closeCh blocks without a case for ctx.Done\(\)`
			break
		}
	}
	return closeCh
}

// watchMade is watchNil with the channel made on every path before the send, as in
// watch: silent.
func (w *watcher) watchMade(ctx context.Context, keys []string) RespChan {
	var closeCh chan Resp
	for _, k := range keys {
		if w.streams[k] != nil {
			closeCh = make(chan Resp, 1)
		} else if closeCh == nil {
			closeCh = make(chan Resp, 2)
		}
		if k == "" {
			closeCh <- Resp{}
			break
		}
	}
	return closeCh
}
