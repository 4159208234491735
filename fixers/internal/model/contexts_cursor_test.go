package model_test

import (
	"go/ast"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
)

// TestCancelUseCursor checks that each use of a cancel variable carries the cursor of
// its identifier, from which a fixer reaches the statement (lostcancel removes the
// `_ = cancel` silencers through it), and that signal.NotifyContext is a derivation.
func TestCancelUseCursor(t *testing.T) {
	m := load(t, `package p

import (
	"context"
	"os"
	"os/signal"
)

func f(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	_ = cancel
	cleanup := func() { cancel() }
	cleanup()
	_ = ctx
	sctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	_ = sctx
}
`)
	ds := m.Contexts().Derivations
	if len(ds) != 2 || ds[1].Callee.Name() != "NotifyContext" || ds[1].Cancel.Name() != "stop" {
		t.Fatalf("derivations: %+v", ds)
	}
	for _, d := range ds {
		for _, u := range d.Uses {
			if u.Cursor.Node() != u.Ident {
				t.Errorf("%s: cursor at %T, not the identifier", u.Ident.Name, u.Cursor.Node())
			}
		}
	}
	silencer := ds[0].Uses[0]
	if silencer.Kind != model.CancelSilenced {
		t.Fatalf("first use is %v", silencer.Kind)
	}
	if _, ok := silencer.Cursor.Parent().Node().(*ast.AssignStmt); !ok {
		t.Errorf("the silencer's parent is %T", silencer.Cursor.Parent().Node())
	}
	if u := ds[0].Uses[1]; u.Kind != model.CancelCalled || u.In == ds[0].Func {
		t.Errorf("the call in the closure: %v in %v", u.Kind, u.In)
	}
	if u := ds[1].Uses[0]; u.Kind != model.CancelDeferred {
		t.Errorf("stop: %v", u.Kind)
	}
}
