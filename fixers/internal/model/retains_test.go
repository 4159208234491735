package model_test

import (
	"go/types"
	"testing"
)

// TestRetains checks which functions keep their context parameter after they return.
func TestRetains(t *testing.T) {
	m := load(t, `package p

import "context"

type S struct{ ctx context.Context }

func use(ctx context.Context) error { return ctx.Err() }                 // false: only used
func spawn(ctx context.Context)     { go use(ctx) }                       // true: a goroutine
func store(s *S, ctx context.Context) { s.ctx = ctx }                     // true: a field
func derived(ctx context.Context) {                                       // true: a derived context in a goroutine
	sub, cancel := context.WithCancel(ctx)
	_ = cancel
	go func() { <-sub.Done() }()
}
func through(ctx context.Context) { spawn(ctx) }                          // true: a callee keeps it
func calls(ctx context.Context)   { _ = use(ctx) }                        // false
func done(ctx context.Context, start func(<-chan struct{})) { start(ctx.Done()) } // true: a stop channel
func literal(ctx context.Context) { f := func() { _ = use(ctx) }; f() }   // true: a literal not called where it stands
func onSpot(ctx context.Context)  { func() { _ = use(ctx) }() }           // false
func returned(ctx context.Context) context.Context { return ctx }         // true
func sent(ctx context.Context, ch chan context.Context) { ch <- ctx }     // true
func recursive(ctx context.Context, n int) { if n > 0 { recursive(ctx, n-1) } } // false
`)
	for name, want := range map[string]bool{
		"use": false, "spawn": true, "store": true, "derived": true, "through": true, "calls": false,
		"done": true, "literal": true, "onSpot": false, "returned": true, "sent": true, "recursive": false,
	} {
		fn := m.Pkg.Scope().Lookup(name).(*types.Func)
		i := 0
		if name == "store" {
			i = 1
		}
		if got := m.Retains(fn, i); got != want {
			t.Errorf("Retains(%s) = %v, want %v", name, got, want)
		}
	}
}
