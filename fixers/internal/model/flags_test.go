package model_test

import (
	"slices"
	"testing"
)

// TestFlags checks which locals a path may follow as flags: booleans of the body that
// only constants assign, whose address no one takes and no literal refers to.
func TestFlags(t *testing.T) {
	m := load(t, `package p

func f(param bool, cond func() bool) (named bool) {
	done := false
	var zero bool
	a, b := true, false
	computed := false
	computed = cond()
	addressed := false
	_ = &addressed
	captured := false
	_ = func() { captured = true }
	var n int
	or := false
	or = or || cond()
	done, zero, a, b = true, true, false, true
	_, _, _, _, _, _, _, _, _, _, _ = param, named, computed, addressed, captured, n, or, done, zero, a, b
	return
}
`)
	f := funcNamed(t, m, "f")
	fl := f.Flags()
	var got []string
	for i := range fl.Len() {
		got = append(got, fl.Var(i).Name())
	}
	if want := []string{"done", "zero", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("flags = %v, want %v", got, want)
	}
}
