package model_test

import (
	"fmt"
	"go/ast"
	"go/types"
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

type table[K comparable, V any] struct{ m map[K]V }

func (t *table[K, V]) each(f func(K, V)) {
	for k, v := range t.m {
		f(k, v)
	}
}

func apply[F ~func()](f F) { f() } // a type parameter: not followed

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
	(&table[string, int]{}).each(func(string, int) {})
	apply(func() {})

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
				names = append(names, fmt.Sprintf("%s/%d", f.Func.Name(), len(f.Uses)))
			}
			got = append(got, types.ExprString(call.Fun)+" "+map[bool]string{true: "sync", false: "no"}[ok]+" "+strings.Join(names, ","))
		}
	}
	want := []string{
		"s.ForEach sync store.ForEach/2",
		"Map sync Map/1",
		"retry sync retry/1",
		"through sync retry/1,through/3",
		"walk sync walk/2",
		"deferred sync deferred/1",
		"std sync std/1",
		"def sync def/2",
		"sort.Slice sync ",
		"rangeF sync rangeF/1",
		"(&table[string, int]{}).each sync table.each/1",
		"apply no ",

		"s.register no ", "s.set no ", "spawn no ", "spawnLit no ", "deferInGo no ", "later no ",
		"toValue no ", "returned no ", "wrapped no ", "stored no ", "sent no ", "s.once_ no ",
		"s.once.Do no ", "toSpawn no ", "variadic no ", "boxed no ", "addr no ", "r.Run no ",
		"g no ", "time.AfterFunc no ", "(*store).ForEach no ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("RunsBeforeReturn:\n got %q\nwant %q", got, want)
	}
}
