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
		got = append(got, fmt.Sprintf("%s go=%v", cs.Callee.Name(), cs.Go))
	}
	want := []string{"C.refresh go=false", "helper go=false", "helper go=false", "run go=true",
		"helper go=true", "helper go=false", "run go=false"}
	if !slices.Equal(got, want) {
		t.Errorf("call sites of f:\n got %q\nwant %q", got, want)
	}
}
