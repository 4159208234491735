package model_test

import (
	"go/ast"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
)

func TestHasRoom(t *testing.T) {
	m := load(t, `package p

import (
	"context"
	"fmt"
)

const total = 100

// nats.go test/norace_test.go (TestNoRaceJetStreamPushFlowControl_SubscribeAsyncAndChannel):
// the one sender returns once the buffer is full.
func fullThenReturn(ctx context.Context, in chan int) {
	delivered := make(chan int, total)
	go func() {
		for m := range in {
			select {
			case <-ctx.Done():
				return
			default:
			}
			delivered <- m
			if len(delivered) == total {
				return
			}
		}
	}()
	<-ctx.Done()
}

// A check of room before each send, against cap.
func checked(in []int) int {
	ch := make(chan int, 4)
	for _, x := range in {
		if len(ch) < cap(ch) {
			ch <- x
		}
	}
	return len(ch)
}

// nats.go js.go (FetchBatch): fill while there is room, with a capacity that is a
// variable; a condition joined by &&.
func fillWhileRoom(more func() bool, batch int) int {
	msgs := make(chan int, batch)
	for more() && len(msgs) < batch {
		msgs <- 1
	}
	return len(msgs)
}

// The negation of a full buffer on the else branch: !(len(ch) >= k).
func notFull(in []int) {
	ch := make(chan int, 2)
	for _, x := range in {
		if len(ch) >= 2 {
			break
		} else {
			ch <- x
		}
	}
}

// ---- look-alikes ----

// No check: the count can exceed the capacity.
func unchecked(ctx context.Context, in chan int) {
	delivered := make(chan int, total)
	go func() {
		for m := range in {
			delivered <- m
		}
	}()
}

// The check compares with a bound that is not the capacity.
func otherBound(ctx context.Context, in chan int) {
	delivered := make(chan int, total)
	go func() {
		for m := range in {
			delivered <- m
			if len(delivered) == total+1 {
				return
			}
		}
	}()
}

// len(ch) <= cap leaves no slot.
func lessOrEqual(in []int) {
	ch := make(chan int, 4)
	for _, x := range in {
		if len(ch) <= 4 {
			ch <- x
		}
	}
}

// A variable capacity compared with another variable.
func otherVar(batch, n int) {
	msgs := make(chan int, batch)
	for len(msgs) < n {
		msgs <- 1
	}
}

// Two sends after one check.
func twoSends(in []int) {
	ch := make(chan int, 4)
	for _, x := range in {
		if len(ch) < cap(ch) {
			ch <- x
			ch <- x
		}
	}
}

// A second sender shares the channel.
func secondSender(ctx context.Context, in chan int) {
	delivered := make(chan int, total)
	go func() { delivered <- 0 }()
	go func() {
		for m := range in {
			delivered <- m
			if len(delivered) == total {
				return
			}
		}
	}()
}

// The checking goroutine is started once per iteration: several senders.
func perIteration(ctx context.Context, in chan int, n int) {
	delivered := make(chan int, total)
	for range n {
		go func() {
			for m := range in {
				delivered <- m
				if len(delivered) == total {
					return
				}
			}
		}()
	}
}

// The channel escapes to a function of another package.
func escapes(ctx context.Context, in chan int) {
	delivered := make(chan int, total)
	fmt.Println(delivered)
	go func() {
		for m := range in {
			delivered <- m
			if len(delivered) == total {
				return
			}
		}
	}()
}

// The check is on another channel.
func otherChan(in []int) {
	ch := make(chan int, 4)
	other := make(chan int, 4)
	for _, x := range in {
		if len(other) < cap(other) {
			ch <- x
		}
	}
}

// || on the true branch proves nothing.
func orTrue(in []int, b bool) {
	ch := make(chan int, 4)
	for _, x := range in {
		if b || len(ch) < 4 {
			ch <- x
		}
	}
}

// The capacity changes after the make.
func capChanges(batch int) {
	msgs := make(chan int, batch)
	batch++
	for len(msgs) < batch {
		msgs <- 1
	}
}

// Returned: the caller may send on it too.
func returned(in []int) chan int {
	ch := make(chan int, 4)
	for _, x := range in {
		if len(ch) < cap(ch) {
			ch <- x
		}
	}
	return ch
}

// Unbuffered.
func unbuffered(in []int) {
	ch := make(chan int)
	for _, x := range in {
		if len(ch) < cap(ch) {
			ch <- x
		}
	}
}
`)
	cs := m.Chans()
	for name, want := range map[string]bool{
		"fullThenReturn": true, "checked": true, "fillWhileRoom": true, "notFull": true,
		"unchecked": false, "otherBound": false, "lessOrEqual": false, "otherVar": false, "twoSends": false,
		"secondSender": false, "perIteration": false, "escapes": false, "otherChan": false, "orTrue": false,
		"capChanges": false, "unbuffered": false, "returned": false,
	} {
		// The send checked is the last one of the function.
		f := funcNamed(t, m, name)
		var last *ast.SendStmt
		ast.Inspect(f.Body, func(n ast.Node) bool {
			if s, ok := n.(*ast.SendStmt); ok {
				last = s
			}
			return true
		})
		op := cs.Op(last)
		if op == nil || op.Kind != model.Send {
			t.Fatalf("%s: no send", name)
		}
		if got := cs.HasRoom(op); got != want {
			t.Errorf("%s: HasRoom = %v, want %v", name, got, want)
		}
	}
}
