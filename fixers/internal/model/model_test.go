package model_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

var std = importer.Default()

// load type-checks src, a file of package p (or p_test.go when name says so), and
// returns its model.
func load(t *testing.T, src string) *model.Model {
	t.Helper()
	return loadFiles(t, src)
}

// loadFiles type-checks the files srcs of package p (named p.go, p1.go, ...), added to the
// file set in the reverse order, as go/packages may add them, and returns its model.
func loadFiles(t *testing.T, srcs ...string) *model.Model {
	t.Helper()
	fset := token.NewFileSet()
	files := make([]*ast.File, len(srcs))
	for i := len(srcs) - 1; i >= 0; i-- {
		name := "p.go"
		if i > 0 {
			name = fmt.Sprintf("p%d.go", i)
		}
		f, err := parser.ParseFile(fset, name, srcs[i], parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = f
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, Implicits: map[ast.Node]types.Object{}, Scopes: map[ast.Node]*types.Scope{},
	}
	pkg, err := (&types.Config{Importer: std}).Check("p", fset, files, info)
	if err != nil {
		t.Fatal(err)
	}
	pass := &analysis.Pass{Fset: fset, Files: files, Pkg: pkg, TypesInfo: info,
		ResultOf: map[*analysis.Analyzer]any{inspect.Analyzer: inspector.New(files)}}
	return model.New(pass)
}

// funcNamed returns the declared function or method named name (T.M for methods).
func funcNamed(t *testing.T, m *model.Model, name string) *model.Func {
	t.Helper()
	for _, f := range m.Funcs {
		if f.Obj != nil && f.Name() == name {
			return f
		}
	}
	t.Fatalf("no function %s", name)
	return nil
}

// Files lie in the file set in any order: a function literal of the second file is not
// inside the last function of the first, whose positions come after it (a crash of the
// shared-variable walk on package runtime, and a wrong Outer, before).
func TestFilesInAnyOrder(t *testing.T) {
	m := loadFiles(t, `package p

var n int

func last() {
	n++
}
`, `package p

var hook = func() { go func() { n++ }() }
`)
	for _, f := range m.Funcs {
		if f.Obj == nil && f.Outer != nil && f.Outer.Obj != nil {
			t.Errorf("literal at %v: Outer = %s, want a literal or nil", m.Fset.Position(f.Node.Pos()), f.Outer.Name())
		}
	}
	m.Shared() // must not panic
}

func TestExit(t *testing.T) {
	m := load(t, `package p

import (
	"log"
	"os"
	"runtime"
	"testing"
)

func fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func die()                              { fatalf("die") } // through another helper
func forever()                          { for {} }
func block()                            { select {} }
func mixed(b bool) {
	if b {
		panic("x")
	}
	os.Exit(1)
}
func recovers() { // defers: a recover may make it return
	defer func() { recover() }()
	panic("x")
}
func sometimes(b bool) {
	if b {
		panic("x")
	}
}
func dead() {
	if false {
		return
	}
	panic("x")
}

type T struct{ l *log.Logger }

func (x T) fail() { x.l.Panicf("x") }

func use(t *testing.T, x T, b bool) {
	panic(1)
	os.Exit(1)
	runtime.Goexit()
	log.Fatal()
	log.Panicln()
	x.l.Fatalf("")
	t.Fatal()
	t.SkipNow()
	t.Error()
	fatalf("")
	die()
	forever()
	block()
	mixed(b)
	recovers()
	sometimes(b)
	dead()
	x.fail()
	os.Getenv("")
}
`)
	want := map[string]model.ExitKind{
		"panic": model.Panic, "Exit": model.ExitProcess, "Goexit": model.Goexit, "Fatal": model.Goexit,
		"Panicln": model.Panic, "Fatalf": model.ExitProcess, "SkipNow": model.Goexit, "Error": model.Returns,
		"fatalf": model.ExitProcess, "die": model.ExitProcess, "forever": model.Never, "block": model.Never,
		"mixed": model.Never, "recovers": model.Returns, "sometimes": model.Returns, "dead": model.Panic,
		"fail": model.Panic, "Getenv": model.Returns,
	}
	use := funcNamed(t, m, "use")
	for stmt := range slices.Values(use.Body.List) {
		call := stmt.(*ast.ExprStmt).X.(*ast.CallExpr)
		var name string
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			name = fun.Name
		case *ast.SelectorExpr:
			name = fun.Sel.Name
		}
		if name == "Fatal" && types.ExprString(call.Fun) == "log.Fatal" {
			if got := m.Exit(call); got != model.ExitProcess {
				t.Errorf("log.Fatal: %v, want exit", got)
			}
			continue
		}
		if got := m.Exit(call); got != want[name] {
			t.Errorf("%s: %v, want %v", types.ExprString(call), got, want[name])
		}
	}
}

func TestCFGDeadBranches(t *testing.T) {
	m := load(t, `package p

const debug = false

func f(ch chan int) int {
	if false {
		return 1
	}
	if debug {
		return 2
	}
	for true {
		if <-ch > 0 {
			break
		}
	}
	return 3
}
`)
	f := funcNamed(t, m, "f")
	var live []string
	for _, b := range f.CFG().Blocks {
		if ret := b.Return(); ret != nil && b.Live && len(ret.Results) == 1 {
			live = append(live, types.ExprString(ret.Results[0]))
		}
	}
	if !slices.Equal(live, []string{"3"}) {
		t.Errorf("live returns %v, want [3]", live)
	}
	// The for true loop has no edge to its done block but through the break.
	for _, b := range f.CFG().Blocks {
		if b.Kind.String() == "ForLoop" && len(b.Succs) != 1 {
			t.Errorf("for true: %d successors", len(b.Succs))
		}
	}
}

func TestGoroutines(t *testing.T) {
	m := load(t, `package p

type S struct{}

func (s *S) loop()  {}
func worker(int)    {}
func onlyGo()       {}
func alsoCalled()   {}

func f(s *S, n int) {
	go s.loop()
	for i := range n {
		go worker(i)
	}
	go func() {}()
	go onlyGo()
	go alsoCalled()
	alsoCalled()
	func() {}()
}
`)
	var got []string
	for _, g := range m.Gos {
		runs := "-"
		if g.Runs != nil {
			runs = g.Runs.Name()
		}
		got = append(got, fmt.Sprintf("%s in %s runs %s loop=%v", types.ExprString(g.Stmt.Call.Fun), g.In.Name(), runs, g.InLoop))
	}
	want := []string{
		"s.loop in f runs S.loop loop=false",
		"worker in f runs worker loop=true",
		"(func() literal) in f runs func literal at line 15 loop=false",
		"onlyGo in f runs onlyGo loop=false",
		"alsoCalled in f runs alsoCalled loop=false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("go statements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for name, want := range map[string]bool{"onlyGo": true, "alsoCalled": false, "worker": true, "S.loop": false} {
		if got := funcNamed(t, m, name).OnlyStartedByGo(); got != want {
			t.Errorf("%s.OnlyStartedByGo() = %v", name, got)
		}
	}
	var called []bool
	for _, f := range m.Funcs {
		if f.Obj == nil {
			called = append(called, f.Called)
		}
	}
	if !slices.Equal(called, []bool{false, true}) {
		t.Errorf("literals called on the spot: %v, want [false true]", called)
	}
}

func TestChans(t *testing.T) {
	m := load(t, `package p

import (
	"context"
	"fmt"
)

type S struct {
	out  chan int
	done chan struct{}
	Pub  chan int
}

func newS() *S {
	return &S{out: make(chan int), done: make(chan struct{}), Pub: make(chan int, 4)}
}

func (s *S) run(ctx context.Context) {
	for {
		select {
		case s.out <- 1:
		case <-s.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

func (s *S) Close() { close(s.done) }

func pipe() <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- nil }()
	return errc
}

func use() {
	c := pipe()
	<-c
	local := make(chan int, 2)
	fmt.Println(local)
}
`)
	cs := m.Chans()
	find := func(fn, expr string) *model.Chan {
		f := funcNamed(t, m, fn)
		var found *model.Chan
		ast.Inspect(f.Body, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok && found == nil && types.ExprString(e) == expr {
				found = cs.Of(e)
			}
			return true
		})
		if found == nil {
			t.Fatalf("%s: no channel %s", fn, expr)
		}
		return found
	}
	out := find("S.run", "s.out")
	if capa, ok := out.Capacity(); !ok || capa != 0 || out.Buffered() || out.Escapes != "" {
		t.Errorf("s.out: capacity %d %v, buffered %v, escapes %q", capa, ok, out.Buffered(), out.Escapes)
	}
	done := find("S.run", "s.done")
	if !done.Closed() || len(done.Ops) != 2 {
		t.Errorf("s.done: closed %v, %d ops", done.Closed(), len(done.Ops))
	}
	if d := find("S.run", "ctx.Done()"); !d.Done {
		t.Errorf("ctx.Done() is not the Done class")
	}
	// Through the result of pipe: the goroutine's send and use's receive are one class.
	errc := find("use", "c")
	if capa, ok := errc.Capacity(); !ok || capa != 1 || len(errc.Ops) != 2 {
		t.Errorf("errc: capacity %d %v, %d ops", capa, ok, len(errc.Ops))
	}
	if send := errc.Ops[0]; send.Kind != model.Send || send.Func.Obj != nil || send.Func.Outer.Name() != "pipe" {
		t.Errorf("errc's first op: %v in %s", send.Kind, send.Func.Name())
	}
	if pub := cs.Of(funcNamed(t, m, "newS").Body.List[0].(*ast.ReturnStmt).Results[0].(*ast.UnaryExpr).X.(*ast.CompositeLit).Elts[2].(*ast.KeyValueExpr).Key); pub == nil || pub.Escapes == "" {
		t.Errorf("Pub does not escape")
	}
	if local := find("use", "local"); local.Escapes != "it is passed to a function of another package" {
		t.Errorf("local: escapes %q", local.Escapes)
	}
	sel := 0
	for _, op := range cs.Ops {
		if op.Select != nil {
			sel++
		}
	}
	if sel != 3 {
		t.Errorf("%d select cases, want 3", sel)
	}
}

func TestLocks(t *testing.T) {
	m := load(t, `package p

import "sync"

type Cache struct {
	mu sync.RWMutex
	m  map[string]int
}

func (c *Cache) Get(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.refresh(k)
}

func (c *Cache) refresh(k string) int {
	if v, ok := c.m[k]; ok {
		return v
	}
	return c.store(k)
}

func (c *Cache) store(k string) int {
	c.mu.Lock()
	c.m[k] = 1
	c.mu.Unlock()
	return 1
}

type E struct{ sync.Mutex }

func (e *E) f() { e.Lock(); go func() { e.Unlock() }() }
`)
	l := m.Locks()
	var got []string
	for _, op := range l.Ops {
		got = append(got, fmt.Sprintf("%s %v stmt=%v deferred=%v in %s class=%s", types.ExprString(op.Sel), op.Method, op.Stmt != nil, op.Deferred, op.Func.Name(), op.Class.Name()))
	}
	want := []string{
		"c.mu.RLock 2 stmt=true deferred=false in Cache.Get class=mu",
		"c.mu.RUnlock 3 stmt=true deferred=true in Cache.Get class=mu",
		"c.mu.Lock 0 stmt=true deferred=false in Cache.store class=mu",
		"c.mu.Unlock 1 stmt=true deferred=false in Cache.store class=mu",
		"e.Lock 0 stmt=true deferred=false in E.f class=Mutex",
		"e.Unlock 1 stmt=true deferred=false in func literal at line 32 class=Mutex",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ops:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	get := funcNamed(t, m, "Cache.Get")
	rlock := l.Of(get)[0]
	ch, ok := l.Reaches(funcNamed(t, m, "Cache.refresh"), func(op *model.LockOp) bool {
		return op.Class == rlock.Class && op.Method == model.Lock
	})
	if !ok || ch.String() != "Cache.refresh → Cache.store → c.mu.Lock" {
		t.Errorf("chain %q, %v", ch, ok)
	}
}

func TestContexts(t *testing.T) {
	m := load(t, `package p

import (
	"context"
	"time"
)

type T struct{ cancel context.CancelFunc }

func f(parent context.Context, t *T) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if cancel == nil {
		return nil
	}
	defer cancel()
	_ = cancel
	t.cancel = cancel
	go func() { cancel() }()
	cancel = nil
	_ = ctx
	ctx2, _ := context.WithCancelCause(parent)
	_ = ctx2
	return nil
}
`)
	ds := m.Contexts().Derivations
	if len(ds) != 2 || ds[0].Cancel == nil || ds[0].Cancel.Name() != "cancel" || ds[1].Cancel != nil || !ds[1].Cause {
		t.Fatalf("derivations: %+v", ds)
	}
	var kinds []model.CancelUseKind
	for _, u := range ds[0].Uses {
		kinds = append(kinds, u.Kind)
	}
	want := []model.CancelUseKind{model.CancelCompared, model.CancelDeferred, model.CancelSilenced, model.CancelStored,
		model.CancelCalled, model.CancelAssigned}
	if !slices.Equal(kinds, want) {
		t.Errorf("uses %v, want %v", kinds, want)
	}
	if u := ds[0].Uses[3]; u.Field == nil || u.Field.Name() != "cancel" {
		t.Errorf("stored in %v", u.Field)
	}
	if u := ds[0].Uses[4]; u.In.Obj != nil {
		t.Errorf("the call in the goroutine is in %s", u.In.Name())
	}
}

func TestComment(t *testing.T) {
	m := load(t, `package p

import "context"

func f() {
	// Detached on purpose: the audit outlives the request.
	a := context.Background()

	b := context.Background() // detached
	c := context.Background()
	_, _, _ = a, b, c
}
`)
	f := funcNamed(t, m, "f")
	for i, want := range []bool{true, true, false} {
		stmt := f.Body.List[i]
		if got := m.Comment(stmt.Pos()) != nil; got != want {
			t.Errorf("statement %d: comment %v, want %v", i, got, want)
		}
	}
}

// ReachesAfter follows the graph from a node, and from a select case into its body.
func TestReachesAfter(t *testing.T) {
	m := load(t, `package p

func f(a, b, stop chan int) {
	for {
		select {
		case <-stop:
			return
		case <-a:
		}
		<-b
	}
}

func g(a, b chan int) {
	<-b
	<-a
}
`)
	recv := func(f *model.Func, name string) ast.Node {
		var found ast.Node
		ast.Inspect(f.Body, func(n ast.Node) bool {
			if u, ok := n.(*ast.UnaryExpr); ok && types.ExprString(u.X) == name {
				found = u
			}
			return found == nil
		})
		return found
	}
	f, g := funcNamed(t, m, "f"), funcNamed(t, m, "g")
	for _, tc := range []struct {
		f        *model.Func
		from, to string
		want     bool
	}{
		{f, "stop", "b", false}, // the case returns
		{f, "a", "b", true},
		{f, "b", "a", true}, // around the loop
		{f, "b", "stop", true},
		{g, "a", "b", false},
		{g, "b", "a", true},
	} {
		if got := tc.f.ReachesAfter(recv(tc.f, tc.from), map[ast.Node]bool{recv(tc.f, tc.to): true}); got != tc.want {
			t.Errorf("%s: from <-%s to <-%s: got %v, want %v", tc.f.Name(), tc.from, tc.to, got, tc.want)
		}
	}
}

// TestCalls checks that Model.Calls holds every call of the package, nested ones and those
// in function literals and package-level initialisers too, in source order.
func TestCalls(t *testing.T) {
	m := loadFiles(t, `package p

var x = f(g(1))

func f(int) int { return 0 }

func g(n int) int {
	go func() { f(n) }()
	return int(f(n))
}
`, `package p

func h() { defer g(f(2)) }
`)
	var got, want []string
	for _, c := range m.Calls {
		got = append(got, types.ExprString(c.Node().(*ast.CallExpr)))
	}
	for c := range m.Inspector.Root().Preorder((*ast.CallExpr)(nil)) {
		want = append(want, types.ExprString(c.Node().(*ast.CallExpr)))
	}
	if !slices.Equal(got, want) || len(got) != 8 {
		t.Errorf("Calls = %q, want %q (8)", got, want)
	}
}
