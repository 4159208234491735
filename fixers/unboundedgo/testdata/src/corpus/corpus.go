// Package corpus holds unbounded fan-outs modelled on upstream reports (issue 14, class
// 7: a goroutine per connection or input item, and fan-outs whose code declares a bound
// it ignores), one function or small type each, for counting what unboundedgo reports
// (it has no fix; see corpus_test.go). Each case cites its report; the look-alikes at
// the end are correct code that must not be reported.
//
// 6 cases, 5 reported (1–3 accept loops, with -unboundedgo.loops, which the test sets;
// 5, 6: a semaphore bounds the loop, but with a constant or a package default instead of
// the declared limit, which nothing reads), 1 missed: 4 (by design: an exported Serve on
// the caller's listener). No upstream
// report was found for a fan-out over a collection that ignores a declared limit with
// nothing in its place, the shape the rule reports. The look-alikes are silent (session
// 10 reported the last: an accept loop on a field that holds a netutil.LimitListener).
package corpus

import (
	"context"
	"fmt"
	"log"
	"net"
	"runtime"
	"sync"
	"time"

	"golang.org/x/net/netutil"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

// 1. rqlite/rqlite#2617 (cluster Service.serve has no connection limit): each accepted
// connection spawns a goroutine; a connection flood exhausts memory.
type Service struct {
	ln      net.Listener
	wg      sync.WaitGroup
	timeout time.Duration
}

func (s *Service) handleConn(conn net.Conn) {
	defer s.wg.Done()
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(s.timeout))
}

func (s *Service) serve() error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return err
		}
		s.wg.Add(1)
		go s.handleConn(conn) // want `goroutine started for every result of s.ln.Accept\(\) with no limit on how many run at once`
	}
}

// 2. skycoin/skywire#2482 (backpressure CXO accept loops): the transport factory's
// acceptLoop fans out an unbounded go cb(c) per accept; under sustained inbound load the
// node piled up 115k goroutines and was OOM-killed. Upstream added MaxPendingAccepts.
type Connection struct {
	conn net.Conn
	in   chan []byte
	out  chan []byte
}

type tcpFactory struct {
	l  net.Listener
	cb func(*Connection)
}

func (f *tcpFactory) acceptLoop() {
	for {
		c, err := f.l.Accept()
		if err != nil {
			log.Println("accept:", err)
			return
		}
		go f.cb(&Connection{conn: c, in: make(chan []byte, 256), out: make(chan []byte, 256)}) // want `goroutine started for every result of f.l.Accept\(\) with no limit on how many run at once`
	}
}

// 3. jedisct1/piknik#10 (use workers instead of go connection): the server starts a new
// goroutine for each connection, with no limit; an attacker can open a few thousand.
type Conf struct {
	Listen  string
	MaxSize int
}

func handleClient(conf Conf, conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, conf.MaxSize)
	_, _ = conn.Read(buf)
}

func RunServer(conf Conf) error {
	listener, err := net.Listen("tcp", conf.Listen)
	if err != nil {
		return err
	}
	defer listener.Close()
	for {
		conn, err := listener.Accept()
		if err != nil {
			return err
		}
		go handleClient(conf, conn) // want `goroutine started for every result of listener.Accept\(\) with no limit on how many run at once`
	}
}

// 4. cloudflare/gokeyless#165 (server-specific worker pools): each go s.handle() spawns
// a goroutine that may block for an hour, so goroutines grow out of control.
// MISSED by design: Serve is exported and accepts on its listener parameter, which the
// caller is expected to limit (netutil.LimitListener).
type Server struct {
	timeout time.Duration
	handle  func(conn net.Conn, timeout time.Duration)
}

func (s *Server) Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			log.Println(err)
			return err
		}
		go s.handle(c, s.timeout)
	}
}

// 5. sethvargo/ratchet#21 (fix a bug where the concurrency flag was not respected): Pin
// takes a concurrency parameter but sizes its semaphore with a constant 4.
// The loop acquires a token before each go statement, but the parameter concurrency,
// which the function never uses, was meant to be the bound.
type Ref struct{ Name string }

func Pin(ctx context.Context, resolve func(context.Context, Ref) (string, error), refs map[Ref][]*string, concurrency uint64) error {
	jobs := int64(4)
	sem := semaphore.NewWeighted(jobs)
	var merrLock sync.Mutex
	var merr []error
	for ref, nodes := range refs {
		if err := sem.Acquire(ctx, 1); err != nil {
			return fmt.Errorf("failed to acquire semaphore: %w", err)
		}
		go func() { // want `goroutine started for every element of refs ignoring the limit concurrency, which nothing reads: the goroutines are throttled by another bound`
			defer sem.Release(1)
			resolved, err := resolve(ctx, ref)
			if err != nil {
				merrLock.Lock()
				merr = append(merr, fmt.Errorf("failed to resolve %q: %w", ref.Name, err))
				merrLock.Unlock()
				return
			}
			for _, n := range nodes {
				*n = resolved
			}
		}()
	}
	if err := sem.Acquire(ctx, jobs); err != nil {
		return fmt.Errorf("failed to wait for semaphore: %w", err)
	}
	if len(merr) > 0 {
		return merr[0]
	}
	return nil
}

// 6. boyter/gocodewalker#26 (SetConcurrency was a no-op): Start sized the semaphore from
// the package-level default, so every caller tuning the walker's concurrency was
// silently ignored.
// As in 5, a token is taken before each start; the field concurrency that
// SetConcurrency sets is read by nothing.
var DirectoryWalkerJobWorkers = runtime.NumCPU()

type FileWalker struct {
	roots       []string
	concurrency int
	walk        func(root string) error
	errs        chan error
}

func (f *FileWalker) SetConcurrency(i int) {
	if i >= 1 {
		f.concurrency = i
	}
}

func (f *FileWalker) Start() {
	sem := make(chan struct{}, DirectoryWalkerJobWorkers)
	var wg sync.WaitGroup
	for _, root := range f.roots {
		sem <- struct{}{}
		wg.Add(1)
		go func() { // want `goroutine started for every element of f.roots ignoring the limit f.concurrency, which nothing reads`
			defer func() {
				<-sem
				wg.Done()
			}()
			if err := f.walk(root); err != nil {
				f.errs <- err
			}
		}()
	}
	wg.Wait()
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must not be reported.
// ---------------------------------------------------------------------------------------

// A local errgroup with a limit.
func resolveAll(ctx context.Context, names []string, lookup func(context.Context, string) error, maxParallel int) error {
	var g errgroup.Group
	g.SetLimit(maxParallel)
	for _, n := range names {
		g.Go(func() error {
			return lookup(ctx, n)
		})
	}
	return g.Wait()
}

// An accept loop that takes a token from a semaphore channel before each connection.
type limitedServer struct {
	ln     net.Listener
	tokens chan struct{}
	handle func(net.Conn)
}

func (s *limitedServer) serve() error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return err
		}
		s.tokens <- struct{}{}
		go func() {
			defer func() { <-s.tokens }()
			s.handle(conn)
		}()
	}
}

// Workers that range over the queue: their number is fixed.
func startWorkers(queue <-chan string, workers int, do func(string)) {
	for i := 0; i < workers; i++ {
		go func() {
			for job := range queue {
				do(job)
			}
		}()
	}
}

// The listener the loop accepts on is a netutil.LimitListener of MaxConns, set when the
// server starts listening: Accept blocks while MaxConns connections are open, so at most
// MaxConns goroutines run. Silent (session 10 reported it, not following the field to
// the limiting listener assigned to it).
type limitedByListener struct {
	ln       net.Listener
	MaxConns int
	handle   func(net.Conn)
}

func (s *limitedByListener) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = netutil.LimitListener(ln, s.MaxConns)
	return nil
}

func (s *limitedByListener) serve() error {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			s.handle(c)
		}()
	}
}
