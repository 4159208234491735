package model_test

import (
	"fmt"
	"slices"
	"testing"
)

func TestCallSites(t *testing.T) {
	m := load(t, `package p

import "strings"

type C struct{}

func (c *C) refresh() {}
func helper(int) int  { return 0 }
func run()            {}

func f(c *C) {
	c.refresh()
	_ = helper(helper(1))
	go run()
	go helper(helper(2)) // the argument's call runs here, the started one does not
	defer run()
	_ = strings.ToUpper("x") // not a function of the package
	func() { run() }()       // the literal's call belongs to the literal
}
`)
	f := funcNamed(t, m, "f")
	var got []string
	for _, cs := range m.Locks().CallSites(f) {
		got = append(got, fmt.Sprintf("%s go=%v defer=%v", cs.Callee.Name(), cs.Go, cs.Defer))
	}
	want := []string{"C.refresh go=false defer=false", "helper go=false defer=false", "helper go=false defer=false",
		"run go=true defer=false", "helper go=true defer=false", "helper go=false defer=false", "run go=false defer=true"}
	if !slices.Equal(got, want) {
		t.Errorf("call sites of f:\n got %q\nwant %q", got, want)
	}
}

func TestCallers(t *testing.T) {
	m := load(t, `package p

func run() {}

func b() { run() }

func a() {
	go run()    // in another goroutine: not a caller where it runs
	defer run() // at the exit: not either
	func() { run() }()
	run()
	b()
}
`)
	var got []string
	for _, c := range m.Locks().Callers(funcNamed(t, m, "run")) {
		got = append(got, c.Name())
	}
	// b calls run first in the source; the literal's call is the literal's; a's own call
	// comes after it.
	want := []string{"b", "func literal at line 10", "a"}
	if !slices.Equal(got, want) {
		t.Errorf("callers of run:\n got %q\nwant %q", got, want)
	}
}
