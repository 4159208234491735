package model_test

import (
	"go/ast"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
)

func TestRunFits(t *testing.T) {
	m := load(t, `package p

type Resp struct{}

type RespChan <-chan Resp

var sink chan Resp

// go.etcd.io/etcd/client/v3 v3.7.3 watch.go (Watch): made once, guarded by a nil check,
// one send per path (the flag ok rules out the path from one send to the other), and
// returned receive-only; another make of the result is unbuffered.
func watch(closed bool, reqc chan int, donec chan struct{}, retry bool) RespChan {
	ok := false
	var closeCh chan Resp
	for {
		if closed {
			ch := make(chan Resp)
			close(ch)
			return ch
		}
		if closeCh == nil {
			closeCh = make(chan Resp, 1)
		}
		select {
		case reqc <- 1:
			ok = true
		case <-donec:
			ok = false
			if retry {
				closeCh <- Resp{}
				break
			}
			continue
		}
		if ok {
			<-donec
			if retry {
				closeCh <- Resp{}
				break
			}
			continue
		}
		break
	}
	close(closeCh)
	return closeCh
}

// Two sends on one path, capacity 2: fits.
func two() RespChan {
	ch := make(chan Resp, 2)
	ch <- Resp{}
	ch <- Resp{}
	return ch
}

// A copy into another local variable, and a receive-only argument.
func copied(consume func(<-chan Resp)) {
	ch := make(chan Resp, 1)
	other := ch
	consume(ch)
	other <- Resp{}
}

// Two sends, capacity 1.
func tooMany() RespChan {
	ch := make(chan Resp, 1)
	ch <- Resp{}
	ch <- Resp{}
	return ch
}

// A send in a loop.
func loop(n int) RespChan {
	ch := make(chan Resp, 1)
	for range n {
		ch <- Resp{}
	}
	return ch
}

// Returned send-capable: the caller may send on it too.
func returned() chan Resp {
	ch := make(chan Resp, 1)
	ch <- Resp{}
	return ch
}

// Stored in a package variable.
func stored() {
	ch := make(chan Resp, 1)
	sink = ch
	ch <- Resp{}
}

// Given to a function that may send on it.
func passed(produce func(chan Resp)) {
	ch := make(chan Resp, 1)
	produce(ch)
	ch <- Resp{}
}

// Captured by a literal.
func captured() {
	ch := make(chan Resp, 1)
	go func() { ch <- Resp{} }()
	ch <- Resp{}
}

// A parameter: its value comes from the caller.
func param(ch chan Resp) {
	ch <- Resp{}
}

// Unbuffered.
func unbuffered() RespChan {
	ch := make(chan Resp)
	ch <- Resp{}
	return ch
}

// Maybe nil.
func maybeNil(b bool) RespChan {
	var ch chan Resp
	if b {
		ch = make(chan Resp, 1)
	}
	ch <- Resp{}
	return ch
}

// A copy from a channel received: not a make of the run.
func received(chs chan chan Resp) {
	ch := make(chan Resp, 1)
	ch = <-chs
	ch <- Resp{}
}

// The capacity is not a constant.
func sized(n int) RespChan {
	ch := make(chan Resp, n)
	ch <- Resp{}
	return ch
}

// Sent as a value.
func sent(chs chan chan Resp) {
	ch := make(chan Resp, 1)
	chs <- ch
	ch <- Resp{}
}
`)
	cs := m.Chans()
	for name, want := range map[string]bool{
		"watch": true, "two": true, "copied": true,
		"tooMany": false, "loop": false, "returned": false, "stored": false, "passed": false,
		"captured": false, "param": false, "unbuffered": false, "maybeNil": false, "received": false,
		"sized": false, "sent": false,
	} {
		// Every send on a Resp channel of the function is checked.
		f := funcNamed(t, m, name)
		n := 0
		ast.Inspect(f.Body, func(x ast.Node) bool {
			if _, ok := x.(*ast.FuncLit); ok {
				return false
			}
			s, ok := x.(*ast.SendStmt)
			if !ok {
				return true
			}
			if _, isResp := s.Value.(*ast.CompositeLit); !isResp {
				return true
			}
			op := cs.Op(s)
			if op == nil || op.Kind != model.Send {
				t.Fatalf("%s: no send", name)
			}
			n++
			if got := cs.RunFits(op); got != want {
				t.Errorf("%s: RunFits(%v) = %v, want %v", name, m.Fset.Position(s.Pos()), got, want)
			}
			return true
		})
		if n == 0 {
			t.Errorf("%s: no send", name)
		}
	}
}

func TestMaxSendsFlags(t *testing.T) {
	m := load(t, `package p

// The send leaves the loop: ok is false after it.
func leaves(ch chan int, in chan int) {
	ok := true
	for {
		select {
		case <-in:
			ch <- 1
			ok = false
		default:
		}
		if !ok {
			break
		}
	}
}

// ok is not a constant: the send can run again.
func again(ch chan int, in chan int, f func() bool) {
	ok := true
	for {
		select {
		case <-in:
			ch <- 1
			ok = f()
		default:
		}
		if !ok {
			break
		}
	}
}

// A case of a switch with a tag tests tag == ok, not ok.
func tagged(ch chan int, in chan int, x bool) {
	ok := true
	for {
		select {
		case <-in:
			ch <- 1
			ok = false
		default:
		}
		switch x {
		case ok:
			continue
		}
		break
	}
}
`)
	for _, c := range []struct {
		fn string
		n  int64
		ok bool
	}{
		{"leaves", 1, true},
		{"again", 0, false},
		{"tagged", 0, false},
	} {
		f := funcNamed(t, m, c.fn)
		n, ok := m.Chans().MaxSends(f, chanIn(t, m, c.fn, "ch"))
		if n != c.n || ok != c.ok {
			t.Errorf("%s: MaxSends = %d, %v; want %d, %v", c.fn, n, ok, c.n, c.ok)
		}
	}
}
