package model_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// races describes the races of each shared variable of m as "v: line~line", with the
// goroutine's access first, and its Unseen reason when there is one.
func races(m *model.Model) []string {
	sh := m.Shared()
	var out []string
	for _, v := range sh.Vars {
		var rs []string
		for _, r := range sh.Races(v) {
			rs = append(rs, fmt.Sprintf("%d~%d", m.Fset.Position(r.A.Node.Pos()).Line, m.Fset.Position(r.B.Node.Pos()).Line))
		}
		s := strings.TrimSpace(v.Var.Name() + ": " + strings.Join(rs, " "))
		if why := sh.Unseen(v); why != "" {
			s += " (" + why + ")"
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func TestSharedRaces(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"counter in a loop", `package p

import "sync"

func count(xs []int) int {
	n := 0
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n++
		}()
	}
	wg.Wait()
	return n
}
`, []string{"n: 12~12"}},
		{"locked counter and a per-index slot", `package p

import "sync"

func count(xs []int) (int, []int) {
	n := 0
	out := make([]int, len(xs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = x * 2
			mu.Lock()
			n++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return n, out
}
`, []string{"n:", "out:"}},
		{"read before the wait", `package p

import "sync"

func count(xs []int) int {
	n := 0
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n += 2
		}()
	}
	total := n
	wg.Wait()
	return total + n
}
`, []string{"n: 12~12 12~15"}},
		{"first error with a wait group", `package p

import "sync"

func first(fs []func() error) error {
	var firstErr error
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return firstErr
}
`, []string{"firstErr: 12~13 13~13"}},
		{"concurrent map writes, map read after a channel wait", `package p

func index(keys []string) map[string]int {
	seen := map[string]int{}
	done := make(chan struct{})
	for i, k := range keys {
		go func() {
			seen[k] = i
			done <- struct{}{}
		}()
	}
	for range keys {
		<-done
	}
	return seen
}
`, []string{"seen: 8~8", "done:"}},
		{"named result written after a timeout", `package p

import "time"

func fetch(f func() (int, error), d time.Duration) (v int, err error) {
	done := make(chan struct{})
	go func() {
		v, err = f()
		close(done)
	}()
	select {
	case <-done:
		return v, err
	case <-time.After(d):
		return 0, nil
	}
}
`, []string{"f:", "v: 8~15", "err: 8~15", "done:"}},
		{"values sent through a channel and a read-only capture", `package p

func sum(xs []int, scale int) int {
	out := make(chan int)
	for _, x := range xs {
		go func() { out <- x * scale }()
	}
	total := 0
	for range xs {
		total += <-out
	}
	return total
}
`, []string{"scale:", "out:"}},
		{"a variable per iteration", `package p

import "fmt"

func each(xs []int) {
	for _, x := range xs {
		var y int
		go func() {
			y = x
			fmt.Println(y)
		}()
		_ = y
	}
}
`, []string{"y: 9~12"}},
		{"address taken, atomic and mixed", `package p

import (
	"sync"
	"sync/atomic"
)

func run(n int, f func(*int)) (int64, int) {
	var hits int64
	var misses int
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&hits, 1)
			misses++
		}()
	}
	f(&misses)
	wg.Wait()
	return atomic.LoadInt64(&hits), misses
}
`, []string{"hits:", "misses: 17~17 (the address of misses is taken (line 20))"}},
		{"serial goroutines", `package p

import "sync"

func serial(xs []int) int {
	n := 0
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n++
		}()
		wg.Wait()
	}
	return n
}
`, []string{"n:"}},
		{"errgroup and a struct field", `package p

import "golang.org/x/sync/errgroup"

type stats struct{ ok, failed int }

func run(fs []func() error) (stats, error) {
	var st stats
	var g errgroup.Group
	for _, f := range fs {
		g.Go(func() error {
			if err := f(); err != nil {
				st.failed++
				return err
			}
			st.ok++
			return nil
		})
	}
	err := g.Wait()
	return st, err
}
`, []string{"st: 13~13 16~16"}},
		{"receiver field through a pointer", `package p

import "sync"

type S struct{ n int }

func (s *S) run(k int) {
	var wg sync.WaitGroup
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.n++
		}()
	}
	wg.Wait()
}
`, []string{"s: 13~13 (s.n is reached through a pointer, which other code may share (line 13))"}},
		{"channel of capacity 1 as a lock", `package p

func count(xs []int) int {
	n := 0
	sem := make(chan struct{}, 1)
	done := make(chan bool)
	for range xs {
		go func() {
			sem <- struct{}{}
			n++
			<-sem
			done <- true
		}()
	}
	for range xs {
		<-done
	}
	return n
}
`, []string{"n:", "sem:", "done:"}},
		// minio-go v7.4.1 api-put-object-streaming.go (putObjectMultipartStreamFromReadAt).
		{"counted fan-in", `package p

import "context"

type result struct {
	size int
	err  error
}

func upload(ctx context.Context, parts, threads int, opts string, put func(string, int) (int, error)) (string, error) {
	jobs := make(chan int)
	results := make(chan result)
	go func() {
		defer close(jobs)
		for p := 1; p <= parts; p++ {
			select {
			case <-ctx.Done():
				return
			case jobs <- p:
			}
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for {
				var job int
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job, ok = <-jobs:
					if !ok {
						return
					}
				}
				n, err := put(opts, job)
				select {
				case <-ctx.Done():
				case results <- result{n, err}:
				}
			}
		}()
	}
	for u := 1; u <= parts; u++ {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r := <-results:
			if r.err != nil {
				return "", r.err
			}
		}
	}
	opts = "complete"
	return opts, nil
}
`, []string{"ctx: (ctx is handed on at line 17, where the model does not follow it)", "parts:", "opts:", "put:", "jobs:", "results:"}},
		{"a fan-in that may break early", `package p

import "context"

type result struct {
	size int
	err  error
}

func upload(ctx context.Context, parts, threads int, opts string, put func(string, int) (int, error)) (string, error) {
	jobs := make(chan int)
	results := make(chan result)
	go func() {
		defer close(jobs)
		for p := 1; p <= parts; p++ {
			select {
			case <-ctx.Done():
				return
			case jobs <- p:
			}
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for {
				var job int
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job, ok = <-jobs:
					if !ok {
						return
					}
				}
				n, err := put(opts, job)
				select {
				case <-ctx.Done():
				case results <- result{n, err}:
				}
			}
		}()
	}
recv:
	for u := 1; u <= parts; u++ {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r := <-results:
			if r.err != nil {
				break recv
			}
		}
	}
	opts = "complete"
	return opts, nil
}
`, []string{"ctx: (ctx is handed on at line 17, where the model does not follow it)", "parts:", "opts: 36~55", "put:", "jobs:", "results:"}},
		{"fewer results than jobs", `package p

import "context"

type result struct {
	size int
	err  error
}

func upload(ctx context.Context, parts, threads int, opts string, put func(string, int) (int, error)) (string, error) {
	jobs := make(chan int)
	results := make(chan result)
	go func() {
		defer close(jobs)
		for p := 1; p <= parts; p++ {
			select {
			case <-ctx.Done():
				return
			case jobs <- p:
			}
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for {
				var job int
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job, ok = <-jobs:
					if !ok {
						return
					}
				}
				n, err := put(opts, job)
				select {
				case <-ctx.Done():
				case results <- result{n, err}:
				}
			}
		}()
	}
	for u := 1; u < parts; u++ {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r := <-results:
			if r.err != nil {
				return "", r.err
			}
		}
	}
	opts = "complete"
	return opts, nil
}
`, []string{"ctx: (ctx is handed on at line 17, where the model does not follow it)", "parts:", "opts: 36~54", "put:", "jobs:", "results:"}},
		{"a closed job channel received without ok", `package p

import "context"

type result struct {
	size int
	err  error
}

func upload(ctx context.Context, parts, threads int, opts string, put func(string, int) (int, error)) (string, error) {
	jobs := make(chan int)
	results := make(chan result)
	go func() {
		defer close(jobs)
		for p := 1; p <= parts; p++ {
			select {
			case <-ctx.Done():
				return
			case jobs <- p:
			}
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for {
				var job int
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job = <-jobs:
					_ = ok
				}
				n, err := put(opts, job)
				select {
				case <-ctx.Done():
				case results <- result{n, err}:
				}
			}
		}()
	}
	for u := 1; u <= parts; u++ {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r := <-results:
			if r.err != nil {
				return "", r.err
			}
		}
	}
	opts = "complete"
	return opts, nil
}
`, []string{"ctx: (ctx is handed on at line 17, where the model does not follow it)", "parts:", "opts: 34~52", "put:", "jobs:", "results:"}},
		{"an access after the result", `package p

import "context"

type result struct {
	size int
	err  error
}

func upload(ctx context.Context, parts, threads int, opts string, put func(string, int) (int, error)) (string, error) {
	jobs := make(chan int)
	results := make(chan result)
	go func() {
		defer close(jobs)
		for p := 1; p <= parts; p++ {
			select {
			case <-ctx.Done():
				return
			case jobs <- p:
			}
		}
	}()
	for w := 0; w < threads; w++ {
		go func() {
			for {
				var job int
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job, ok = <-jobs:
					if !ok {
						return
					}
				}
				n, err := put(opts, job)
				select {
				case <-ctx.Done():
				case results <- result{n, err}:
				}
				_ = len(opts)
			}
		}()
	}
	for u := 1; u <= parts; u++ {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r := <-results:
			if r.err != nil {
				return "", r.err
			}
		}
	}
	opts = "complete"
	return opts, nil
}
`, []string{"ctx: (ctx is handed on at line 17, where the model does not follow it)", "parts:", "opts: 41~55", "put:", "jobs:", "results:"}},
		// gocron v2 executor.go (executor.start): the goroutines read e.limitMode, the
		// pointer, and the loop sets e.limitMode.started, behind it.
		{"a read of a pointer field and a write through it", `package p

import "sync"

type config struct {
	started bool
	mode    int
}

type state struct{ cfg *config }

func run(n int, use func(int)) {
	var st state
	st.cfg = &config{}
	var wg sync.WaitGroup
	for range n {
		if !st.cfg.started {
			st.cfg.started = true
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st.cfg != nil {
				use(st.cfg.mode)
			}
		}()
	}
	wg.Wait()
}
`, []string{"use:", "st: (st.cfg.started is reached through a pointer, which other code may share (line 17))"}},
		{"a write of the pointer field itself", `package p

import "sync"

type config struct {
	started bool
	mode    int
}

type state struct{ cfg *config }

func run(n int, use func(int)) {
	var st state
	st.cfg = &config{}
	var wg sync.WaitGroup
	for range n {
		if !st.cfg.started {
			st.cfg = &config{started: true}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st.cfg != nil {
				use(st.cfg.mode)
			}
		}()
	}
	wg.Wait()
}
`, []string{"use:", "st: 23~18 24~18 (st.cfg.started is reached through a pointer, which other code may share (line 17))"}},
		// go-redis v9.23.0 internal/pool/conn_state_test.go (TestConnStateMachine_FIFOOrdering):
		// the state machine admits one goroutine at a time between AwaitAndTransition and
		// Transition, and the goroutines read order there outside orderMu.
		{"serialised by an object of the package", `package p

import "sync"

type machine struct {
	mu    sync.Mutex
	ready chan struct{}
	state int
}

func (m *machine) await(from, to int) error {
	<-m.ready
	m.mu.Lock()
	m.state = to
	m.mu.Unlock()
	return nil
}

func (m *machine) set(s int) { m.ready <- struct{}{} }

func fifo(n int, log func(...any)) []int {
	m := &machine{}
	var order []int
	var orderMu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.await(0, 1); err != nil {
				return
			}
			orderMu.Lock()
			order = append(order, i)
			orderMu.Unlock()
			log(len(order))
			m.set(0)
		}()
	}
	wg.Wait()
	return order
}
`, []string{"log:", "m: (m is handed on at line 30, where the model does not follow it)", "order:"}},
		{"an object whose methods only lock around their own work", `package p

import "sync"

type machine struct {
	mu    sync.Mutex
	state int
}

func (m *machine) await(from, to int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state = to
	return nil
}

func (m *machine) set(s int) {
	m.mu.Lock()
	m.state = s
	m.mu.Unlock()
}

func fifo(n int, log func(...any)) []int {
	m := &machine{}
	var order []int
	var orderMu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.await(0, 1); err != nil {
				return
			}
			orderMu.Lock()
			order = append(order, i)
			orderMu.Unlock()
			log(len(order))
			m.set(0)
		}()
	}
	wg.Wait()
	return order
}
`, []string{"log:", "m: (m is handed on at line 32, where the model does not follow it)", "order: 36~38"}},
		{"an object without a lock does not serialise", `package p

import "sync"

type machine struct{ state int }

func (m *machine) await(from, to int) error { return nil }
func (m *machine) set(s int)                {}

func fifo(n int, log func(...any)) []int {
	m := &machine{}
	var order []int
	var orderMu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.await(0, 1); err != nil {
				return
			}
			orderMu.Lock()
			order = append(order, i)
			orderMu.Unlock()
			log(len(order))
			m.set(0)
		}()
	}
	wg.Wait()
	return order
}
`, []string{"log:", "m: (m is handed on at line 19, where the model does not follow it)", "order: 23~25"}},
		{"a path that skips the release is not serialised", `package p

import "sync"

type machine struct {
	mu    sync.Mutex
	state int
}

func (m *machine) await(from, to int) error { return nil }
func (m *machine) set(s int)                {}

func fifo(n int, log func(...any)) int {
	m := &machine{}
	total := 0
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.await(0, 1); err != nil {
				return
			}
			total += i
			if i%2 == 0 {
				return
			}
			m.set(0)
		}()
	}
	wg.Wait()
	return total
}
`, []string{"m: (m is handed on at line 21, where the model does not follow it)", "total: 24~24"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := loadWithSync(t, tc.src)
			got := races(m)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// stubs are packages outside the standard library that the tests import.
var stubs = map[string]string{
	"golang.org/x/sync/errgroup": `package errgroup

type Group struct{}

func (g *Group) Go(f func() error)         {}
func (g *Group) TryGo(f func() error) bool { return true }
func (g *Group) Wait() error               { return nil }
func (g *Group) SetLimit(n int)            {}
`,
}

// stubImporter imports the stubs from source and everything else from export data.
type stubImporter struct {
	fset *token.FileSet
	pkgs map[string]*types.Package
}

func (im *stubImporter) Import(path string) (*types.Package, error) {
	src, ok := stubs[path]
	if !ok {
		return std.Import(path)
	}
	if p := im.pkgs[path]; p != nil {
		return p, nil
	}
	f, err := parser.ParseFile(im.fset, path+".go", src, 0)
	if err != nil {
		return nil, err
	}
	p, err := (&types.Config{Importer: im}).Check(path, im.fset, []*ast.File{f}, nil)
	if err != nil {
		return nil, err
	}
	im.pkgs[path] = p
	return p, nil
}

// loadWithSync is load with the stubs importable.
func loadWithSync(t *testing.T, src string) *model.Model {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, Implicits: map[ast.Node]types.Object{}, Scopes: map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	conf := &types.Config{Importer: &stubImporter{fset: fset, pkgs: map[string]*types.Package{}}, GoVersion: "go1.26"}
	pkg, err := conf.Check("p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	pass := &analysis.Pass{Fset: fset, Files: []*ast.File{f}, Pkg: pkg, TypesInfo: info,
		ResultOf: map[*analysis.Analyzer]any{inspect.Analyzer: inspector.New([]*ast.File{f})}}
	return model.New(pass)
}

func TestSharedLocksAndTiming(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"read lock does not exclude a writer", `package p

import "sync"

func f(k int) int {
	var mu sync.RWMutex
	n := 0
	for range k {
		go func() {
			mu.RLock()
			n++
			mu.RUnlock()
		}()
		go func() {
			mu.Lock()
			n--
			mu.Unlock()
		}()
	}
	return 0
}
`, []string{"n: 11~11"}},
		{"lock held at the call of a literal", `package p

import "sync"

func f(k int) {
	var mu sync.Mutex
	n := 0
	for range k {
		go func() {
			mu.Lock()
			func() { n++ }()
			mu.Unlock()
			defer func() { n++ }()
		}()
	}
}
`, []string{"n: 11~13 13~13"}},
		{"deferred read and a literal run any time", `package p

func f(k int, later func(func())) (n int) {
	done := make(chan bool)
	defer func() { println(n) }()
	go func() {
		n = 1
		done <- true
	}()
	later(func() { n = 2 })
	return
}
`, []string{"n: 7~5 7~11 (a function literal that may run at any time uses n (line 10))", "done:"}},
		{"wait group Go", `package p

import "sync"

func f(xs []int) int {
	var wg sync.WaitGroup
	total := 0
	for _, x := range xs {
		wg.Go(func() { total += x })
	}
	wg.Wait()
	return total
}
`, []string{"total: 9~9"}},
		{"start gate, helper wait, token ring, atomic flag, workers", `package p

import (
	"sync"
	"sync/atomic"
)

func gate(n int) int {
	d := 0
	hold := make(chan struct{})
	done := make(chan bool)
	for range n {
		go func() {
			<-hold
			_ = d
			done <- true
		}()
	}
	d = 1
	close(hold)
	waitAll(done, n)
	d = 2
	return d
}

func waitAll(done chan bool, n int) {
	for range n {
		<-done
	}
}

func ring(chans []chan bool) int {
	i := 0
	for g := range chans {
		go func() {
			<-chans[g]
			i++
			chans[(g+1)%len(chans)] <- true
		}()
	}
	return 0
}

func publish() int {
	var x int
	var ready atomic.Bool
	go func() {
		x = 1
		ready.Store(true)
	}()
	for !ready.Load() {
	}
	return x
}

func workers(jobs chan int, n int) int {
	count := 0
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				count++
			}
		}()
	}
	for j := range 10 {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	return count
}
`, []string{"d:", "hold:", "done:", "chans:", "i:", "x:", "jobs:", "count: 64~64"}},
		{"a variable of each goroutine, used by a goroutine it starts (x/tools cmd/stress)", `package p

import "bytes"

type cmd struct{ out *bytes.Buffer }

func stress(n int, run func(*cmd)) {
	for range n {
		go func() {
			c := &cmd{}
			var buf bytes.Buffer
			c.out = &buf
			done := make(chan bool)
			go func() {
				<-done
				_ = c.out
			}()
			run(c)
			close(done)
		}()
	}
}
`, []string{"run:", "c: (c.out is reached through a pointer, which other code may share (line 12))",
			"done: (a goroutine started in another function uses done (line 19))"}},
		{"a wait inside once.Do of a local closure (alertmanager cli/silence_import.go), a result returned as it is (nats.go ws_test.go)", `package p

import "sync"

func bulk(errc chan error) int {
	errDone := make(chan struct{})
	var once sync.Once
	closeAll := func() {
		once.Do(func() {
			close(errc)
			<-errDone
		})
	}
	defer closeAll()
	errCount := 0
	go func() {
		for err := range errc {
			if err != nil {
				errCount++
			}
		}
		errDone <- struct{}{}
	}()
	closeAll()
	return errCount
}

func catcher() (addr string, got chan []string) {
	got = make(chan []string, 1)
	go func() {
		got <- nil
	}()
	return "x", got
}
`, []string{"errc: (a function literal that may run at any time uses errc (line 10))",
			"errDone: (a function literal that may run at any time uses errDone (line 11))", "errCount:", "got:"}},
		{"a wait for ctx.Done() that the goroutine cancels (client-go tools/watch/informerwatcher_test.go)", `package p

import (
	"context"
	"time"
)

func process(out chan int) int {
	n := 0
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	go func() {
		for range 10 {
			<-out
			n++
		}
		cancel()
	}()
	<-ctx.Done()
	return n
}
`, []string{"out:", "n:", "cancel:"}},
		{"ordered through a shared object's methods (client-go util/flowcontrol/throttle_test.go)", `package p

import (
	"sync"
	"time"
)

type limiter struct{ c chan struct{} }

func (l *limiter) Accept() { <-l.c }
func (l *limiter) Stop()   { close(l.c) }

func never(rl *limiter) bool {
	finished := false
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		rl.Accept()
		finished = true
		wg.Done()
	}()
	time.Sleep(time.Millisecond)
	early := finished
	rl.Stop()
	wg.Wait()
	return early || !finished
}

func unordered(rl *limiter) bool {
	finished := false
	go func() {
		rl.Accept()
		finished = true
	}()
	rl.Stop()
	return finished
}
`, []string{"rl: (rl is handed on at line 18, where the model does not follow it)", "finished:",
			"rl: (rl is handed on at line 32, where the model does not follow it)", "finished: 33~36"}},
		{"ordered the other way: the goroutine stops what its starter runs (go-redis's maintnotifications e2e tests)", `package p

type runner struct{ stop chan struct{} }

func (r *runner) Run()  { <-r.stop }
func (r *runner) Stop() { close(r.stop) }

func wait(r *runner, find func() bool) bool {
	found := false
	go func() {
		found = find()
		r.Stop()
	}()
	r.Run()
	return found
}

func early(r *runner, find func() bool) bool {
	found := false
	go func() {
		r.Stop()
		found = find()
	}()
	r.Run()
	return found
}
`, []string{"r: (r is handed on at line 12, where the model does not follow it)", "find:", "found:",
			"r: (r is handed on at line 21, where the model does not follow it)", "find:", "found: 22~25"}},
		{"two goroutines, the second started after what the first stops (go-redis's e2e tests)", `package p

type runner struct{ stop chan struct{} }

func (r *runner) Run()  { <-r.stop }
func (r *runner) Stop() { close(r.stop) }

func phases(r, q *runner, find func() bool) bool {
	found := false
	go func() {
		found = find()
		r.Stop()
	}()
	r.Run()
	go func() {
		found = find()
		q.Stop()
	}()
	q.Run()
	return found
}
`, []string{"r: (r is handed on at line 12, where the model does not follow it)", "q: (q is handed on at line 17, where the model does not follow it)", "find:", "found:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := loadWithSync(t, tc.src)
			got := races(m)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestSpawns(t *testing.T) {
	m := loadWithSync(t, `package p

import (
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

func f(xs []int, d time.Duration) (err error) {
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() { defer wg.Done() }()
	}
	wg.Wait()
	done := make(chan struct{})
	go func() { close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		return nil
	}
	var g errgroup.Group
	g.Go(func() error { return nil })
	go func() {}()
	return g.Wait()
}
`)
	sh := m.Shared()
	var got []string
	for _, s := range sh.Spawns {
		got = append(got, fmt.Sprintf("%v line %d again=%v waited=%v mayReturnBefore=%v", s.Kind,
			m.Fset.Position(s.Node.Pos()).Line, s.Again(), s.Waited(), s.MayReturnBefore()))
	}
	want := []string{
		"go line 14 again=true waited=true mayReturnBefore=false",
		"go line 18 again=false waited=true mayReturnBefore=true",
		"errgroup.Go line 25 again=false waited=true mayReturnBefore=false",
		"go line 26 again=false waited=false mayReturnBefore=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadAfter(t *testing.T) {
	m := loadWithSync(t, `package p

import "sync"

func f(xs []int, do func(int) error) error {
	var err error
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err = do(x)
		}()
	}
	wg.Wait()
	err = nil
	return err
}

func g(xs []int, do func(int) error) error {
	var err error
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err = do(x)
		}()
	}
	wg.Wait()
	return err
}
`)
	sh := m.Shared()
	var got []string
	for _, s := range sh.Spawns {
		for _, v := range sh.Vars {
			if v.Var.Name() != "err" || v.Decl != s.In {
				continue
			}
			line := 0
			if a := sh.ReadAfter(s, v); a != nil {
				line = m.Fset.Position(a.Node.Pos()).Line
			}
			got = append(got, fmt.Sprintf("%s: %d", s.In.Name(), line))
		}
	}
	if want := []string{"f: 0", "g: 31"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestSharedConcurrentReaders reads the shared facts from several goroutines at once, as
// drivers that run fixers in parallel do (run with -race).
func TestSharedConcurrentReaders(t *testing.T) {
	m := loadWithSync(t, `package p

import "sync"

func f(xs []int) (n int, err error) {
	var wg sync.WaitGroup
	for range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n++
			err = nil
		}()
	}
	wg.Wait()
	return
}
`)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sh := m.Shared()
			for _, v := range sh.Vars {
				_ = sh.Races(v)
				_ = sh.Unseen(v)
				for _, s := range sh.Spawns {
					_ = sh.ReadAfter(s, v)
					_, _, _ = s.Again(), s.Waited(), s.MayReturnBefore()
				}
			}
		}()
	}
	wg.Wait()
}
