package a

import (
	"bufio"
	"context"
	"io"
	"net"
	"sync"
)

// Goroutines per item of an input whose size the code does not control: accept loops,
// stream receive loops, channel receive loops. serve is shaped like rqlite/rqlite#2617
// ("Service.serve has no connection limit": each accepted connection spawns a goroutine)
// and elastic/apm-server#736 (a goroutine per incoming connection, fixed with
// netutil.LimitListener); serveLimited like the fix of skycoin/skywire#2482, which takes a
// buffered-channel semaphore in the accept loop.

type server struct {
	ln   net.Listener
	jobs chan string
	wg   sync.WaitGroup
}

func (s *server) serve() error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return err
		}
		go s.handle(conn) // want `goroutine started for every result of s.ln.Accept\(\) with no limit on how many run at once`
	}
}

func (s *server) handle(c net.Conn) { c.Close() }

type conn struct{ rwc net.Conn }

func (c *conn) serve() { c.rwc.Close() }

// The goroutine gets a value computed from the accepted item (net/http's Server.Serve:
// c := srv.newConn(rw); go c.serve(connCtx)).
func (s *server) serveConns() error {
	for {
		rw, err := s.ln.Accept()
		if err != nil {
			return err
		}
		c := &conn{rwc: rw}
		go c.serve() // want `goroutine started for every result of s.ln.Accept\(\)`
	}
}

type message struct{ body []byte }

type stream interface {
	Recv() (*message, error)
}

func pump(ctx context.Context, st stream, process func(*message)) error {
	for {
		m, err := st.Recv()
		if err != nil {
			return err
		}
		go func() { // want `goroutine started for every result of st.Recv\(\)`
			process(m)
		}()
	}
}

// A select loop that receives the work.
func (s *server) dispatch(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.jobs:
			s.wg.Add(1)
			go func() { // want `goroutine started for every value received from s.jobs`
				defer s.wg.Done()
				fetch(j)
			}()
		}
	}
}

// Lines of a stream.
func lines(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		go fetch(line) // want `goroutine started for every result of sc.Scan\(\)`
	}
}

// A send in a select that has a default does not wait: no limit.
func (s *server) serveTry(sem chan struct{}) error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return err
		}
		select {
		case sem <- struct{}{}:
		default:
		}
		go s.handle(conn) // want `goroutine started for every result of s.ln.Accept\(\)`
	}
}

// ---- not reported ----

// A semaphore taken in a select that also waits for the end of the server, as servers
// with a context write it (the growth benchmark's Server.Serve).
func (s *server) serveCtx(ctx context.Context, sem chan struct{}) error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return err
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			conn.Close()
			return ctx.Err()
		}
		go func() {
			defer func() { <-sem }()
			s.handle(conn)
		}()
	}
}

// A semaphore taken before each start.
func (s *server) serveLimited(sem chan struct{}) error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return err
		}
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			s.handle(conn)
		}()
	}
}

// A token bucket: the loop takes a token, the goroutine gives it back.
func tokens(in <-chan string, bucket chan struct{}) {
	for {
		<-bucket
		go func() {
			defer func() { bucket <- struct{}{} }()
			fetch(<-in)
		}()
	}
}

// Ranging over a channel with a token taken per value.
func rangeTokens(in <-chan string, bucket chan struct{}) {
	for v := range in {
		<-bucket
		go func() {
			defer func() { bucket <- struct{}{} }()
			fetch(v)
		}()
	}
}

// A fixed pool of workers reads the input.
func (s *server) pool(n int) {
	for i := 0; i < n; i++ {
		go func() {
			for j := range s.jobs {
				fetch(j)
			}
		}()
	}
}

// The goroutine does not get the accepted item: one watcher per loop, stopped by the
// next iteration's Wait.
func (s *server) watch(ctx context.Context) {
	for {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); <-ctx.Done() }()
		if _, err := s.ln.Accept(); err != nil {
			return
		}
		wg.Wait()
	}
}

// The package's own source: it may well bound what it hands out.
type queue struct{ items []string }

func (q *queue) pop() (string, error) { return "", nil }

func drain(q *queue) {
	for {
		it, err := q.pop()
		if err != nil {
			return
		}
		go fetch(it)
	}
}

// The caller's listener: grpc's (*Server).Serve(lis) accepts on what its caller gives it,
// and the caller limits it (netutil.LimitListener) as it chooses.
func Serve(lis net.Listener, handle func(net.Conn)) error {
	for {
		c, err := lis.Accept()
		if err != nil {
			return err
		}
		go handle(c)
	}
}
