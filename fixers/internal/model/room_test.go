package model_test

import (
	"go/ast"
	"go/types"
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

func TestHasRoomBudget(t *testing.T) {
	const header = `package p

import "sync"

type batch struct {
	sync.Mutex
	msgs chan int
	err  error
}

func (b *batch) Messages() <-chan int { return b.msgs }

func next() (int, bool, error) { return 0, true, nil }
`
	// fill is the start of each case: the function fills part of a channel of capacity n,
	// then takes the free slots left as the goroutine's budget.
	const fill = `
	result := &batch{msgs: make(chan int, n)}
	for more && len(result.msgs) < n {
		result.msgs <- 1
	}
	requested := n - len(result.msgs)
`
	for _, tc := range []struct {
		name string
		want bool
		src  string
	}{
		// nats.go js.go (Subscription.FetchBatch): the field msgs of a batch has
		// capacity n; the function fills part of it, then a goroutine sends at most n -
		// len(msgs) more, counting them; the batch is returned, but its channel only as
		// a <-chan.
		{"fetch", true, `func fetch(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			m, user, err := next()
			if err != nil {
				break
			}
			if !user {
				continue
			}
			result.Lock()
			result.msgs <- m
			result.Unlock()
			got++
		}
		close(result.msgs)
	}()
	return result
}`},
		// The counter of a three-clause loop.
		{"forInit", true, `func forInit(n int, more bool) *batch {` + fill + `
	go func() {
		for got := 0; got < requested; got++ {
			result.msgs <- got
		}
	}()
	return result
}`},
		// ---- look-alikes ----
		// The counter is declared with other values: not a counter (and no crash).
		{"multiDef", false, `func multiDef(n int, more bool) *batch {` + fill + `
	go func() {
		got, _, _ := next()
		var _, k = next2()
		for got < requested && k < requested {
			result.msgs <- got
			got++
			k++
		}
	}()
	return result
}

func next2() (int, int) { return 0, 0 }`},
		// The loop runs once more than the budget.
		{"pastBudget", false, `func pastBudget(n int, more bool) *batch {` + fill + `
	go func() {
		for got := 0; got <= requested; got++ {
			result.msgs <- got
		}
	}()
	return result
}`},
		// Two sends per increment.
		{"twoPerCount", false, `func twoPerCount(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			result.msgs <- 1
			result.msgs <- 2
			got++
		}
	}()
	return result
}`},
		// A send that a continue keeps from its increment.
		{"sendWithoutCount", false, `func sendWithoutCount(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			m, user, _ := next()
			result.msgs <- m
			if !user {
				continue
			}
			got++
		}
	}()
	return result
}`},
		// The function sends again after it took the budget.
		{"sendsAfter", false, `func sendsAfter(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			result.msgs <- 1
			got++
		}
	}()
	if more {
		result.msgs <- 2
	}
	return result
}`},
		// The counter starts again in a loop.
		{"reset", false, `func reset(n int, more bool) *batch {` + fill + `
	go func() {
		for {
			got := 0
			for got < requested {
				result.msgs <- 1
				got++
			}
		}
	}()
	return result
}`},
		// Two goroutines share the budget.
		{"twoGoroutines", false, `func twoGoroutines(n int, more bool) *batch {` + fill + `
	for range 2 {
		go func() {
			var got int
			for got < requested {
				result.msgs <- 1
				got++
			}
		}()
	}
	return result
}`},
		// The budget is not the capacity.
		{"otherBudget", false, `func otherBudget(n, k int, more bool) *batch {
	result := &batch{msgs: make(chan int, n)}
	for more && len(result.msgs) < n {
		result.msgs <- 1
	}
	requested := k - len(result.msgs)
	go func() {
		var got int
		for got < requested {
			result.msgs <- 1
			got++
		}
	}()
	return result
}`},
		// The field escapes as a channel that can be sent on.
		{"escapes", false, `func (b *batch) Chan() chan int { return b.msgs }

func escapes(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			result.msgs <- 1
			got++
		}
	}()
	return result
}`},
		// The struct can be overwritten, field and all.
		{"overwritten", false, `func (b *batch) reset() { *b = batch{} }

func overwritten(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			result.msgs <- 1
			got++
		}
	}()
	return result
}`},
		// A method sends on the field: it may be this batch's.
		{"method", false, `func (b *batch) push() { b.msgs <- 0 }

func method(n int, more bool) *batch {` + fill + `
	go func() {
		var got int
		for got < requested {
			result.msgs <- 1
			got++
		}
	}()
	return result
}`},
	} {
		m := load(t, header+tc.src)
		cs := m.Chans()
		// The send checked is the first one in the goroutine.
		f := funcNamed(t, m, tc.name)
		var first, fillSend *ast.SendStmt
		ast.Inspect(f.Body, func(n ast.Node) bool {
			if s, ok := n.(*ast.SendStmt); ok && fillSend == nil {
				fillSend = s
			}
			if lit, ok := n.(*ast.FuncLit); ok && first == nil {
				ast.Inspect(lit.Body, func(n ast.Node) bool {
					if s, ok := n.(*ast.SendStmt); ok && first == nil {
						first = s
					}
					return first == nil
				})
			}
			return true
		})
		op := cs.Op(first)
		if op == nil {
			t.Fatalf("%s: no send", tc.name)
		}
		if got := cs.HasRoom(op); got != tc.want {
			t.Errorf("%s: HasRoom = %v, want %v", tc.name, got, tc.want)
		}
		// The fill before the goroutine: the goroutine sends after it, not before.
		if cs.HasRoom(cs.Op(fillSend)) {
			t.Errorf("%s fill: HasRoom = true, want false", tc.name)
		}
	}
}

func TestHasRoomFirst(t *testing.T) {
	const header = `package p

import (
	"errors"
	"time"
)

type T struct{}

func (T) Fatalf(string, ...any) { panic(0) }

func publish() (int, error) { return 0, nil }
func wait(int) error        { return nil }

var _, _ = errors.New, time.After
`
	// start is the first sender: at most one send on errs, then done on the other path.
	const start = `
	errs := make(chan error, 1)
	done := make(chan struct{}, 1)
	acks := make(chan int, 100)
	go func() {
		for i := 0; i < 100; i++ {
			if ack, err := publish(); err != nil {
				errs <- err
				return
			} else {
				acks <- ack
			}
		}
		close(acks)
		done <- struct{}{}
	}()
`
	// later starts the other senders, one per ack.
	const later = `
	for ack := range acks {
		go func(a int) {
			if err := wait(a); err != nil {
				errs <- err
			}
		}(ack)
	}
`
	for _, tc := range []struct {
		name string
		want bool
		src  string
	}{
		// nats.go jetstream/test/publish_test.go:1602 (TestPublishAsyncResetPendingOnReconnect):
		// the other senders start once done is received; the other cases fail the test.
		{"first", true, `func first(t T) {` + start + `
	select {
	case <-done:
	case err := <-errs:
		t.Fatalf("publish: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatalf("timeout")
	}` + later + `}`},
		// A receive statement is a join too.
		{"firstRecv", true, `func firstRecv(t T) {` + start + `
	<-done` + later + `}`},
		// ---- look-alikes ----
		// The other senders start before the join.
		{"noJoin", false, `func noJoin(t T) {` + start + later + `
	<-done
}`},
		// A default case goes on without the join.
		{"viaDefault", false, `func viaDefault(t T) {` + start + `
	select {
	case <-done:
	default:
	}` + later + `}`},
		// The errs case goes on: the value received is G's, but G is not known done.
		{"viaErrs", false, `func viaErrs(t T) {` + start + `
	select {
	case <-done:
	case <-errs:
	}` + later + `}`},
		// G may send on errs after done.
		{"sendsAfterDone", false, `func sendsAfterDone(t T, b bool) {
	errs := make(chan error, 1)
	done := make(chan struct{}, 1)
	acks := make(chan int, 100)
	go func() {
		done <- struct{}{}
		if b {
			errs <- errors.New("late")
		}
		close(acks)
	}()
	<-done` + later + `}`},
		// Two sends on a buffer of one.
		{"twoSends", false, `func twoSends(t T) {
	errs := make(chan error, 1)
	done := make(chan struct{}, 1)
	acks := make(chan int, 100)
	go func() {
		errs <- nil
		errs <- nil
		close(acks)
		done <- struct{}{}
	}()
	<-done` + later + `}`},
		// done outlives a run of the function that makes errs: a join may take the
		// value of an earlier run's goroutine.
		{"outerDone", false, `func outerDone(t T) {
	done := make(chan struct{}, 1)
	for range 2 {
		func() {
			errs := make(chan error, 1)
			acks := make(chan int, 100)
			go func() {
				if _, err := publish(); err != nil {
					errs <- err
					return
				}
				close(acks)
				done <- struct{}{}
				done <- struct{}{}
			}()
			<-done` + later + `
		}()
	}
}`},
		// Another goroutine sends done too: the join may not be with G.
		{"sharedDone", false, `func sharedDone(t T) {` + start + `
	go func() { done <- struct{}{} }()
	<-done` + later + `}`},
	} {
		m := load(t, header+tc.src)
		cs := m.Chans()
		// The send checked is the first one on errs.
		f := funcNamed(t, m, tc.name)
		var first *ast.SendStmt
		ast.Inspect(f.Body, func(n ast.Node) bool {
			if s, ok := n.(*ast.SendStmt); ok && first == nil && types.ExprString(s.Chan) == "errs" {
				first = s
			}
			return first == nil
		})
		op := cs.Op(first)
		if op == nil {
			t.Fatalf("%s: no send", tc.name)
		}
		if got := cs.HasRoom(op); got != tc.want {
			t.Errorf("%s: HasRoom = %v, want %v", tc.name, got, tc.want)
		}
	}
}
