package model_test

import (
	"go/ast"
	"testing"
)

// TestReceivedAll: a close after a loop that receives every send there can be (the
// shape of nats-server's server/jwt_test.go TestJWTUserRevocation), and look-alikes.
func TestReceivedAll(t *testing.T) {
	m := load(t, `package p

func call() {}

func capLoop() {
	done := make(chan struct{}, 2)
	defer close(done)
	go func() { done <- struct{}{} }()
	go func() { done <- struct{}{} }()
	for i := 0; i < cap(done); i++ {
		<-done
	}
}

func perItem(xs []int) {
	ch := make(chan int)
	for _, x := range xs {
		go func() { ch <- x }()
	}
	for range xs {
		<-ch
	}
	close(ch)
}

func oneShort() {
	ch := make(chan int)
	go func() { ch <- 1 }()
	go func() { ch <- 2 }()
	go func() { ch <- 3 }()
	for range 2 {
		<-ch
	}
	close(ch)
}

func callBefore() {
	done := make(chan struct{}, 2)
	defer close(done)
	go func() { done <- struct{}{} }()
	go func() { done <- struct{}{} }()
	call()
	for i := 0; i < cap(done); i++ {
		<-done
	}
}

func closeFirst(b bool) {
	ch := make(chan int)
	go func() { ch <- 1 }()
	if b {
		close(ch)
		return
	}
	for range 1 {
		<-ch
	}
	close(ch)
}
`)
	for _, tc := range []struct {
		fn   string
		want bool
	}{
		{"capLoop", true},
		{"perItem", true},
		{"oneShort", false},
		{"callBefore", false},
		{"closeFirst", false},
	} {
		f := funcNamed(t, m, tc.fn)
		got := false
		var last *ast.CallExpr
		var deferred bool
		ast.Inspect(f.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.DeferStmt:
				if id, ok := n.Call.Fun.(*ast.Ident); ok && id.Name == "close" {
					last, deferred = n.Call, true
				}
				return false
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "close" {
					last, deferred = n, false
				}
			}
			return true
		})
		if last == nil {
			t.Fatalf("%s: no close", tc.fn)
		}
		got = m.Chans().ReceivedAll(m.Chans().Of(last.Args[0]), f, last, deferred)
		if got != tc.want {
			t.Errorf("%s: ReceivedAll = %v, want %v", tc.fn, got, tc.want)
		}
	}
}
