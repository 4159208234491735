package model_test

import (
	"go/ast"
	"testing"
)

// TestCommentAfterCode checks that a comment after code that goes on to the next lines
// (an if condition and its brace, an argument of a call) belongs to its own line, not to
// the line below it: go-redis writes `if internal.LogLevel.DebugOrAbove() { // Debug
// level` above a logging call that is not detached on purpose.
func TestCommentAfterCode(t *testing.T) {
	m := load(t, `package p

import "context"

func log(ctx context.Context, args ...any) {}

func f(debug func() bool) {
	if debug() { // Debug level
		log(context.Background(), "a")
	}
	log(nil, // one
		context.Background())
	// Detached: the log outlives the request.
	log(context.Background(), "c")
}
`)
	f := funcNamed(t, m, "f")
	var bgs []*ast.CallExpr
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Background" {
				bgs = append(bgs, call)
			}
		}
		return true
	})
	if len(bgs) != 3 {
		t.Fatalf("%d calls of Background", len(bgs))
	}
	for i, want := range []bool{false, false, true} {
		if got := m.Comment(bgs[i].Pos()) != nil; got != want {
			t.Errorf("Background %d: comment %v, want %v", i, got, want)
		}
	}
}
