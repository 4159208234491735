// Package stopflag holds goroutines that check a stop flag of their spawner only
// between blocking sends (envoyproxy/go-control-plane#370), and look-alikes that stay
// silent.
package stopflag

import (
	"sync/atomic"
)

type Req struct{ N int }

type Stream interface {
	Recv() (*Req, error)
}

func consume(<-chan *Req) error { return nil }

type server struct {
	process func(Stream, <-chan *Req) error
	stop    atomic.Bool
	out     chan *Req
}

// The case 8 shape on an atomic.Bool field of the receiver.
func (s *server) Handle(stream Stream) error {
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if s.stop.Load() {
				return
			}
			if err != nil {
				close(reqCh)
				return
			}
			reqCh <- req // want `the goroutine checks s.stop, which Handle sets when it returns, only between sends: once Handle has returned, nothing receives from reqCh and it blocks on reqCh <- req forever \(select on a done channel that Handle closes instead\) .*no fix: reqCh is handed to s.process, whose code cannot be seen`
		}
	}()
	err := s.process(stream, reqCh)
	s.stop.Store(true)
	return err
}

// The flag is set by a deferred call.
func Deferred(stream Stream, process func(<-chan *Req) error) error {
	var stop int32
	defer atomic.StoreInt32(&stop, 1)
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || atomic.LoadInt32(&stop) == 1 {
				return
			}
			reqCh <- req // want `the goroutine checks stop, which Deferred sets when it returns, only between sends: once Deferred has returned, nothing receives from reqCh and it blocks on reqCh <- req forever .*no fix: reqCh is handed to process, whose code cannot be seen`
		}
	}()
	return process(reqCh)
}

// The flag is checked in a select with a default around the send.
func SelectDefault(stream Stream, process func(<-chan *Req) error) error {
	var stop atomic.Bool
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				return
			}
			for {
				if stop.Load() {
					return
				}
				select {
				case reqCh <- req:
				default:
					continue
				}
				break
			}
		}
	}()
	err := process(reqCh)
	stop.Store(true)
	return err
}

// The send selects on a done channel.
func SelectDone(stream Stream, process func(<-chan *Req) error) error {
	var stop atomic.Bool
	done := make(chan struct{})
	defer close(done)
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || stop.Load() {
				return
			}
			select {
			case reqCh <- req:
			case <-done:
				return
			}
		}
	}()
	err := process(reqCh)
	stop.Store(true)
	return err
}

// The buffer covers every send.
func Buffered(process func(<-chan int) error) error {
	var stop atomic.Bool
	ch := make(chan int, 3)
	go func() {
		for i := 0; i < 3; i++ {
			if stop.Load() {
				return
			}
			ch <- i
		}
	}()
	err := process(ch)
	stop.Store(true)
	return err
}

// The channel is stored in a field.
func (s *server) Stored(stream Stream) error {
	var stop atomic.Bool
	reqCh := make(chan *Req)
	s.out = reqCh
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	err := s.process(stream, reqCh)
	stop.Store(true)
	return err
}

// The channel is passed to a go statement.
func Spawned(stream Stream, process func(<-chan *Req) error) {
	var stop atomic.Bool
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	go process(reqCh)
	stop.Store(true)
}

// The flag is set inside a loop.
func SetInLoop(stream Stream, process func(<-chan *Req) error) error {
	var stop atomic.Bool
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	for i := 0; i < 2; i++ {
		if err := process(reqCh); err != nil {
			stop.Store(true)
			return err
		}
	}
	return nil
}

// The flag is set by another function only.
func (s *server) Stop() { s.stop.Store(true) }

func (s *server) OtherSetter(stream Stream) error {
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || s.stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	return s.process(stream, reqCh)
}

// The flag is read but leads to no return.
func NoReturn(stream Stream, process func(<-chan *Req) error) error {
	var stop atomic.Bool
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				return
			}
			if stop.Load() {
				req = nil
			}
			reqCh <- req
		}
	}()
	err := process(reqCh)
	stop.Store(true)
	return err
}

// The flag is set before the go statement.
func SetBefore(stream Stream, process func(<-chan *Req) error) error {
	var stop int32
	reqCh := make(chan *Req)
	atomic.StoreInt32(&stop, 1)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || atomic.LoadInt32(&stop) != 0 {
				return
			}
			reqCh <- req
		}
	}()
	return process(reqCh)
}

// A flag cleared on the way out says nothing about the goroutine's end.
func Cleared(stream Stream) error {
	var busy int32 = 1
	reqCh := make(chan *Req)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || atomic.LoadInt32(&busy) != 0 {
				return
			}
			reqCh <- req
		}
	}()
	err := consume(reqCh)
	atomic.StoreInt32(&busy, 0)
	return err
}

type visible struct{}

// The consumer is a method of the package that can stop receiving before the close
// (go-control-plane v0.9.5, pkg/server/v2/server.go).
func (s *visible) process(reqCh <-chan *Req) error {
	for {
		select {
		case req, more := <-reqCh:
			if !more {
				return nil
			}
			if req.N < 0 {
				return errBad
			}
		}
	}
}

func (s *visible) handler(stream Stream) error {
	reqCh := make(chan *Req)
	reqStop := int32(0)
	go func() {
		for {
			req, err := stream.Recv()
			if atomic.LoadInt32(&reqStop) != 0 {
				return
			}
			if err != nil {
				close(reqCh)
				return
			}
			reqCh <- req // want `the goroutine checks reqStop, which handler sets when it returns, only between sends: .*no fix: reqCh is handed to s.process, which can stop receiving before it is closed`
		}
	}()
	err := s.process(reqCh)
	atomic.StoreInt32(&reqStop, 1)
	return err
}

var errBad error

// A consumer of the package that drains until the close: the handler returns only
// once the goroutine has closed the channel.
func drain(reqCh <-chan *Req) error {
	for range reqCh {
	}
	return nil
}

func Drained(stream Stream) error {
	reqCh := make(chan *Req)
	var stop atomic.Bool
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				close(reqCh)
				return
			}
			if stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	err := drain(reqCh)
	stop.Store(true)
	return err
}

// A consumer of the package that passes the channel on.
func forward(reqCh <-chan *Req) error { return consume(reqCh) }

func Forwarded(stream Stream) error {
	reqCh := make(chan *Req)
	var stop atomic.Bool
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	err := forward(reqCh)
	stop.Store(true)
	return err
}

// The channel is converted and returned: its receivers outlive the function.
func Converted(stream Stream) (<-chan *Req, func()) {
	reqCh := make(chan *Req)
	var stop atomic.Bool
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil || stop.Load() {
				return
			}
			reqCh <- req
		}
	}()
	out := (<-chan *Req)(reqCh)
	stop.Store(true)
	return out, func() {}
}
