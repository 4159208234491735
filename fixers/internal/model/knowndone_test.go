package model_test

import (
	"go/ast"
	"go/types"
	"strconv"
	"testing"
)

func TestKnownDone(t *testing.T) {
	m := load(t, `package p

import (
	"context"
	"errors"
	"time"
)

func f(ctx context.Context, out chan<- int, in <-chan int, b bool) {
	out <- 0
	select {
	case <-ctx.Done():
		out <- 1
	case v := <-in:
		out <- 2
		_ = v
	}
	out <- 3 // after the select: one case only
	if ctx.Err() != nil {
		out <- 4
	} else {
		out <- 5
	}
	if err := ctx.Err(); err != nil {
		out <- 6
	}
	if ctx.Err() == nil {
		out <- 7
	} else {
		out <- 8
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		out <- 9
	}
	if b && ctx.Err() != nil {
		out <- 10
	}
	if b || ctx.Err() != nil {
		out <- 11
	}
	if context.Cause(ctx) != nil {
		out <- 12
	}
	if ctx.Err() == context.DeadlineExceeded {
		out <- 13
	}
	if !(ctx.Err() == nil) {
		out <- 14
	}
}

func g(ctx context.Context, out chan<- int) {
	<-ctx.Done()
	out <- 20
	child, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_ = child
	out <- 21 // child is done too
	ctx = context.Background()
	out <- 22
}

func h(ctx context.Context, out chan<- int, work func()) {
	for ctx.Err() == nil {
		work()
		out <- 30
	}
	out <- 31
}

func h2(ctx context.Context, out chan<- int) {
	for {
		select {
		case <-ctx.Done():
			out <- 32
			return
		default:
		}
		out <- 33
	}
}

func k(ctx context.Context, out chan<- int, other context.Context) {
	if other.Err() != nil {
		out <- 40
	}
	switch {
	case ctx.Err() != nil:
		out <- 41
	case b():
		out <- 42
	}
	if err := other.Err(); err != nil {
		out <- 43
	}
}

func b() bool { return false }
`)
	done := map[int]bool{1: true, 4: true, 6: true, 8: true, 9: true, 10: true, 12: true, 13: true, 14: true,
		20: true, 21: true, 31: true, 32: true, 41: true}
	// In each function, the sends' value says which case they are; they are asked about
	// the context named ctx of their function (child for 21).
	for _, f := range m.Funcs {
		ctxVar := func(name string) *types.Var {
			for v := range f.Sig.Params().Variables() {
				if v.Name() == name {
					return v
				}
			}
			var found *types.Var
			ast.Inspect(f.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == name && found == nil {
					found, _ = m.Info.Defs[id].(*types.Var)
				}
				return true
			})
			return found
		}
		ast.Inspect(f.Body, func(n ast.Node) bool {
			s, ok := n.(*ast.SendStmt)
			if !ok {
				return true
			}
			lit, ok := s.Value.(*ast.BasicLit)
			if !ok {
				return true
			}
			i, _ := strconv.Atoi(lit.Value)
			name := "ctx"
			if i == 21 {
				name = "child"
			}
			if got := m.KnownDone(f, ctxVar(name), s); got != done[i] {
				t.Errorf("out <- %d: known done %v, want %v", i, got, done[i])
			}
			return true
		})
	}
}

// A context held in a field is followed through its selector: w.ctx.Done() makes the
// field known done, and an assignment of it ends that.
func TestKnownDoneField(t *testing.T) {
	m := load(t, `package p

import "context"

type worker struct {
	ctx context.Context
	out chan int
}

func (w *worker) run(in <-chan int) {
	for {
		select {
		case <-w.ctx.Done():
			w.out <- 1
			return
		case v := <-in:
			w.out <- 2
			_ = v
		}
		if w.ctx.Err() != nil {
			w.out <- 3
			w.ctx = context.Background()
			w.out <- 4
		}
	}
}
`)
	done := map[int]bool{1: true, 3: true}
	for _, f := range m.Funcs {
		if f.Obj == nil || f.Obj.Name() != "run" {
			continue
		}
		recv := f.Sig.Recv().Type().(*types.Pointer).Elem().Underlying().(*types.Struct)
		field := recv.Field(0)
		ast.Inspect(f.Body, func(n ast.Node) bool {
			s, ok := n.(*ast.SendStmt)
			if !ok {
				return true
			}
			i, _ := strconv.Atoi(s.Value.(*ast.BasicLit).Value)
			if got := m.KnownDone(f, field, s); got != done[i] {
				t.Errorf("w.out <- %d: known done %v, want %v", i, got, done[i])
			}
			return true
		})
	}
}
