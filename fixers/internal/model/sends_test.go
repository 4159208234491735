package model_test

import (
	"go/ast"
	"go/types"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
)

// chanIn returns the class of the channel named name in the body of function fn.
func chanIn(t *testing.T, m *model.Model, fn, name string) *model.Chan {
	t.Helper()
	f := funcNamed(t, m, fn)
	var found *model.Chan
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && found == nil && id.Name == name {
			found = m.Chans().Of(id)
		}
		return found == nil
	})
	if found == nil {
		t.Fatalf("%s: no channel %s", fn, name)
	}
	return found
}

func TestMaxSends(t *testing.T) {
	m := load(t, `package p

func straight(ch chan int) { ch <- 1; ch <- 2 }

func branches(ch chan int, b bool) {
	if b {
		ch <- 1
	} else {
		ch <- 2
	}
}

func firstError(ch chan error, xs []int) {
	for _, x := range xs {
		if x < 0 {
			ch <- nil
			return
		}
	}
}

func each(ch chan int, xs []int) {
	for _, x := range xs {
		ch <- x
	}
}

func counted(ch chan int) {
	for i := 0; i < 3; i++ {
		ch <- i
	}
	ch <- 3
}

func dead(ch chan int) {
	if false {
		ch <- 0
	}
	ch <- 1
}

func fatal(ch chan int, b bool) {
	if b {
		panic("b")
		ch <- 0
	}
	ch <- 1
}

func other(ch, other chan int) { other <- 1; ch <- 1 }

func nested(ch chan int) {
	go func() { ch <- 1 }()
	ch <- 2
}

func jump(ch chan int) {
again:
	for i := 0; i < 2; i++ {
		ch <- i
	}
	goto again
}
`)
	for _, c := range []struct {
		fn   string
		n    int64
		ok   bool
		name string
	}{
		{"straight", 2, true, "ch"},
		{"branches", 1, true, "ch"},
		{"firstError", 1, true, "ch"},
		{"each", 0, false, "ch"},
		{"counted", 4, true, "ch"},
		{"dead", 1, true, "ch"},
		{"fatal", 1, true, "ch"},
		{"other", 1, true, "ch"},
		{"nested", 1, true, "ch"}, // the literal's send is its own
		{"jump", 0, false, "ch"},
	} {
		f := funcNamed(t, m, c.fn)
		n, ok := m.Chans().MaxSends(f, chanIn(t, m, c.fn, c.name))
		if n != c.n || ok != c.ok {
			t.Errorf("%s: MaxSends = %d, %v; want %d, %v", c.fn, n, ok, c.n, c.ok)
		}
	}
}

func TestFits(t *testing.T) {
	m := load(t, `package p

import "context"

func do(int) error { return nil }

// Capacity one, one goroutine that sends its first error and returns.
func firstErr(xs []int) error {
	errc := make(chan error, 1)
	go func() {
		for _, x := range xs {
			if err := do(x); err != nil {
				errc <- err
				return
			}
		}
	}()
	return <-errc
}

// A fan-out of three goroutines on a channel of capacity three.
func three() {
	results := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() { results <- do(i) }()
	}
}

// One goroutine per item on a channel of capacity len(items).
func perItem(items []int) {
	errc := make(chan error, len(items))
	for _, it := range items {
		go func() { errc <- do(it) }()
	}
}

// The same with a counted loop and the channel passed as an argument.
func perN(n int) {
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(out chan<- error) { out <- do(i) }(errc)
	}
}

// A named goroutine that returns after its one send, on every path.
func named(ctx context.Context, jobs <-chan int) {
	errc := make(chan error, 1)
	go worker(ctx, jobs, errc)
	<-errc
}

func worker(ctx context.Context, jobs <-chan int, errc chan<- error) {
	for {
		select {
		case <-ctx.Done():
			errc <- ctx.Err()
			return
		case j := <-jobs:
			if err := do(j); err != nil {
				errc <- err
				return
			}
		}
	}
}

// A new channel per iteration, one goroutine each.
func perIteration(items []int) {
	for _, it := range items {
		done := make(chan error, 1)
		go func() { done <- do(it) }()
		<-done
	}
}

// ---- look-alikes ----

// Two goroutines, capacity one.
func two() {
	errc := make(chan error, 1)
	go func() { errc <- do(1) }()
	go func() { errc <- do(2) }()
	<-errc
}

// A send per item, in a loop of the goroutine.
func loop(xs []int) {
	out := make(chan error, 1)
	go func() {
		for _, x := range xs {
			out <- do(x)
		}
	}()
}

// The capacity is another slice's length.
func otherLen(items, others []int) {
	errc := make(chan error, len(others))
	for _, it := range items {
		go func() { errc <- do(it) }()
	}
}

// items grows between the make and the loop.
func grows(items []int) {
	errc := make(chan error, len(items))
	items = append(items, 0)
	for _, it := range items {
		go func() { errc <- do(it) }()
	}
}

// A map's length can change while it is ranged over.
func overMap(m map[int]int) {
	errc := make(chan error, len(m))
	for k := range m {
		go func() { errc <- do(k) }()
	}
}

// The channel is kept in a slice: the model loses it.
func kept() []chan error {
	var all []chan error
	errc := make(chan error, 1)
	all = append(all, errc)
	go func() { errc <- do(0) }()
	return all
}

// A deferred send besides the send.
func deferred() {
	errc := make(chan error, 1)
	go func() {
		defer func() {
			if recover() != nil {
				errc <- nil
			}
		}()
		errc <- do(0)
	}()
}

// The worker is also called directly.
func direct(ctx context.Context, jobs <-chan int) {
	errc := make(chan error, 1)
	go worker2(ctx, jobs, errc)
	worker2(ctx, jobs, errc)
}

func worker2(ctx context.Context, jobs <-chan int, errc chan<- error) { errc <- nil }

// A nil channel passed to the goroutine blocks forever.
func nilArg() {
	errc := make(chan error, 2)
	go report(errc)
	go report(nil)
}

func report(out chan<- error) { out <- nil }

// Nested loops around the go statement.
func nestedLoops(items [][]int) {
	errc := make(chan error, len(items))
	for _, row := range items {
		for range row {
			go func() { errc <- nil }()
		}
	}
}

// Returned: others may send.
func returned() chan error {
	errc := make(chan error, 1)
	go func() { errc <- nil }()
	return errc
}

// Unbuffered.
func unbuffered() {
	errc := make(chan error)
	go func() { errc <- nil }()
}

// Reassigned: the second value is another channel.
func reassigned() {
	errc := make(chan error, 1)
	go func() { errc <- nil }()
	errc = make(chan error, 1)
	go func() { errc <- nil }()
}
`)
	cs := m.Chans()
	for name, want := range map[string]bool{
		"firstErr": true, "three": true, "perItem": true, "perN": true, "named": true, "perIteration": true,
		"two": false, "loop": false, "otherLen": false, "grows": false, "overMap": false, "kept": false,
		"deferred": false, "direct": false, "nilArg": false, "nestedLoops": false, "returned": false,
		"unbuffered": false, "reassigned": false,
	} {
		f := funcNamed(t, m, name)
		// The channel is the first variable f makes.
		var ch *model.Chan
		ast.Inspect(f.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && ch == nil && types.ExprString(call.Fun) == "make" && strings.HasPrefix(types.ExprString(call.Args[0]), "chan") {
				ch = cs.Of(findAssigned(f.Body, call))
			}
			return ch == nil
		})
		if ch == nil {
			t.Fatalf("%s: no channel", name)
		}
		if got := cs.Fits(ch); got != want {
			t.Errorf("%s: Fits = %v, want %v", name, got, want)
		}
	}
}

// findAssigned returns the identifier that the make call initialises in body.
func findAssigned(body *ast.BlockStmt, call *ast.CallExpr) ast.Expr {
	var id ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && id == nil {
			for i, r := range as.Rhs {
				if r == call && i < len(as.Lhs) {
					id = as.Lhs[i]
				}
			}
		}
		return id == nil
	})
	return id
}

func TestSendBound(t *testing.T) {
	m := load(t, `package p

func do(int) error { return nil }

func perItem(items []int) {
	errc := make(chan error)
	for _, it := range items {
		go func() { errc <- do(it) }()
	}
	go func() { errc <- nil }()
}

func perN(n int) {
	errc := make(chan error)
	for i := 0; i < n; i++ {
		go func() {
			if do(i) != nil {
				errc <- nil
				return
			}
			errc <- nil
		}()
	}
}

func twoLoops(a, b []int) {
	errc := make(chan error)
	for range a {
		go func() { errc <- nil }()
	}
	for range b {
		go func() { errc <- nil }()
	}
}
`)
	cs := m.Chans()
	for _, c := range []struct {
		fn     string
		n, per int64
		bound  string
		ok     bool
	}{
		{"perItem", 1, 1, "len(items)", true},
		{"perN", 0, 1, "n", true},
		{"twoLoops", 0, 0, "", false},
	} {
		b, ok := cs.SendBound(chanIn(t, m, c.fn, "errc"))
		bound := ""
		if ok && b.Loop != nil {
			bound, _ = b.LoopBound()
		}
		if ok != c.ok || ok && (b.N != c.n || b.Per != c.per || bound != c.bound) {
			t.Errorf("%s: SendBound = %+v (%q), %v; want N %d, Per %d (%q), %v", c.fn, b, bound, ok, c.n, c.per, c.bound, c.ok)
		}
	}
}

func TestDrained(t *testing.T) {
	m := load(t, `package p

import (
	"fmt"
	"runtime"
)

func printer(ch chan int) {
	for v := range ch {
		switch {
		case v < 0:
			break // the switch
		}
		fmt.Println(v)
	}
}

func first(ch chan int) {
	for v := range ch {
		if v > 10 {
			break
		}
	}
}

func forward(ch, out chan int) {
	for v := range ch {
		out <- v
	}
}

func recv(ch chan int) { <-ch }

func labeled(ch chan int) {
outer:
	for range ch {
		for i := 0; i < 3; i++ {
			if i == 2 {
				continue outer
			}
			if i == 1 {
				break outer
			}
		}
	}
}

func Exported(ch chan int) {
	for range ch {
	}
}

// prometheus's tsdb/agent loadWAL: a panic on an impossible value ends the program.
func invariant(ch chan any) {
	for v := range ch {
		switch v.(type) {
		case int:
		default:
			panic(fmt.Errorf("unexpected %T", v))
		}
	}
}

func goexit(ch chan int, t interface{ FailNow() }) {
	for v := range ch {
		if v < 0 {
			runtime.Goexit() // the goroutine ends, its senders block
		}
	}
}

func selects(ch chan int, tick chan struct{}) {
	for v := range ch {
		select {
		case <-tick:
			break // the select; but a select in the body may block it
		default:
		}
		fmt.Println(v)
	}
}

// hashicorp/go-plugin's Client.Start: the function reads while it waits, and a goroutine
// it starts from a deferred literal reads the rest until the channel is closed.
func handOff(lines func() (string, bool), timeout <-chan struct{}) string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		for {
			l, ok := lines()
			if !ok {
				return
			}
			ch <- l
		}
	}()
	defer func() {
		go func() {
			for range ch {
			}
		}()
	}()
	select {
	case l := <-ch:
		return l
	case <-timeout:
		return ""
	}
}

// Look-alike: the drainer is started by a plain call, on one path only.
func handOffLate(lines func() string, timeout <-chan struct{}) string {
	ch := make(chan string)
	go func() { ch <- lines() }()
	drain := func() {
		go func() {
			for range ch {
			}
		}()
	}
	select {
	case l := <-ch:
		drain()
		return l
	case <-timeout:
		return ""
	}
}
`)
	for fn, want := range map[string]bool{"selects": false, "printer": true, "first": false, "forward": false, "recv": false, "labeled": false, "Exported": false, "invariant": true, "goexit": false,
		"handOff": true, "handOffLate": false} {
		if got := m.Chans().Drained(chanIn(t, m, fn, "ch")); got != want {
			t.Errorf("%s: Drained = %v, want %v", fn, got, want)
		}
	}
}
