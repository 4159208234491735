package model_test

import (
	"go/ast"
	"slices"
	"strings"
	"testing"
)

func TestRunsBeforeReturn(t *testing.T) {
	m := load(t, `package p

import (
	"io/fs"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

type store struct {
	m     map[string]string
	hooks []func()
	hook  func()
	once  sync.Once
	sm    sync.Map
}

func (s *store) ForEach(f func(k, v string) error) error {
	if f == nil {
		return nil
	}
	for k, v := range s.m {
		if err := f(k, v); err != nil {
			return err
		}
	}
	return nil
}

func Map[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func retry(n int, f func() error) (err error) {
	for i := 0; i < n; i++ {
		if err = (f)(); err == nil {
			return nil
		}
	}
	return err
}

// through passes f on to retry, inside a literal that runs where it is and a deferred one.
func through(f func() error) error {
	defer func() { _ = f() }()
	func() { _ = retry(1, f) }()
	return retry(3, func() error { return f() })
}

// walk calls itself: the cycle is decided by the other uses.
type node struct{ kids []*node }

func walk(n *node, f func(*node)) {
	f(n)
	for _, k := range n.kids {
		walk(k, f)
	}
}

func deferred(f func()) { defer f() }

func std(f func(int) bool, w fs.WalkDirFunc) {
	sort.Search(3, f)
	filepath.WalkDir(".", w)
}

func def(f func()) { f = func() {}; f() }

// Look-alikes.
func (s *store) register(f func())       { s.hooks = append(s.hooks, f) }
func (s *store) set(f func())            { s.hook = f }
func spawn(f func())                     { go f() }
func spawnLit(f func())                  { go func() { f() }() }
func deferInGo(f func())                 { go func() { defer f() }() }
func later(f func()) *time.Timer         { return time.AfterFunc(time.Second, f) }
func toValue(f func(), g func(func()))   { g(f) }
func returned(f func()) func()           { return f }
func wrapped(f func()) func()            { return func() { f() } }
func stored(f func())                    { g := func() { f() }; g() }
func sent(f func(), ch chan func())      { ch <- f }
func (s *store) once_(f func())          { s.once.Do(f) }
func toSpawn(f func())                   { spawn(f) }
func variadic(fs ...func())              { for _, f := range fs { f() } }
func boxed(f any)                        { f.(func())() }
func addr(f func())                      { p := &f; (*p)() }
func rangeF(f func(key, value any) bool) { var m sync.Map; m.Range(f) }

type runner interface{ Run(func()) }

func use(s *store, r runner, n *node, g func(func())) {
	s.ForEach(func(k, v string) error { return nil })
	Map([]int{1}, func(i int) string { return "" })
	retry(3, func() error { return nil })
	through(func() error { return nil })
	walk(n, func(*node) {})
	deferred(func() {})
	std(func(int) bool { return true }, nil)
	def(func() {})
	sort.Slice([]int{}, func(i, j int) bool { return false })
	rangeF(func(key, value any) bool { return true })

	s.register(func() {})
	s.set(func() {})
	spawn(func() {})
	spawnLit(func() {})
	deferInGo(func() {})
	later(func() {})
	toValue(func() {}, g)
	returned(func() {})
	wrapped(func() {})
	stored(func() {})
	sent(func() {}, nil)
	s.once_(func() {})
	s.once.Do(func() {})
	toSpawn(func() {})
	variadic(func() {})
	boxed(func() {})
	addr(func() {})
	r.Run(func() {})
	g(func() {})
	time.AfterFunc(time.Second, func() {})
	(*store).ForEach(s, func(k, v string) error { return nil })
}
`)
	var got []string
	for _, cur := range m.Calls {
		call := cur.Node().(*ast.CallExpr)
		if f := m.Enclosing(cur); f == nil || f.Name() != "use" {
			continue
		}
		for i, a := range call.Args {
			if _, ok := a.(*ast.FuncLit); !ok {
				continue
			}
			via, ok := m.RunsBeforeReturn(call, i)
			var names []string
			for _, f := range via {
				names = append(names, f.Name())
			}
			got = append(got, calleeText(call)+" "+map[bool]string{true: "sync", false: "no"}[ok]+" "+strings.Join(names, ","))
		}
	}
	want := []string{
		"s.ForEach sync store.ForEach",
		"Map sync Map",
		"retry sync retry",
		"through sync through,retry",
		"walk sync walk",
		"deferred sync deferred",
		"std sync std",
		"def sync def",
		"sort.Slice sync ",
		"rangeF sync rangeF",

		"s.register no ", "s.set no ", "spawn no ", "spawnLit no ", "deferInGo no ", "later no ",
		"toValue no ", "returned no ", "wrapped no ", "stored no ", "sent no ", "s.once_ no ",
		"s.once.Do no ", "toSpawn no ", "variadic no ", "boxed no ", "addr no ", "r.Run no ",
		"g no ", "time.AfterFunc no ", "(*store).ForEach no ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("RunsBeforeReturn:\n got %q\nwant %q", got, want)
	}
}

// calleeText returns the text of the callee expression of call.
func calleeText(call *ast.CallExpr) string {
	var b strings.Builder
	var expr func(e ast.Expr)
	expr = func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.Ident:
			b.WriteString(e.Name)
		case *ast.SelectorExpr:
			expr(e.X)
			b.WriteString("." + e.Sel.Name)
		case *ast.ParenExpr:
			b.WriteString("(")
			expr(e.X)
			b.WriteString(")")
		case *ast.StarExpr:
			b.WriteString("*")
			expr(e.X)
		}
	}
	expr(call.Fun)
	return b.String()
}
