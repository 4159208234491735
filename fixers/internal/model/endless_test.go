package model_test

import (
	"go/ast"
	"slices"
	"testing"
)

func TestEndless(t *testing.T) {
	m := load(t, `package p

import "os"

const on = true

func f(ch chan int, n int) {
	for { // 1: endless
		v := <-ch
		if v == 0 {
			continue
		}
		for {
			break
		}
		switch v {
		case 1:
			break
		}
		func() { return }()
	}
	for { // 2: a sentinel return
		if <-ch == 0 {
			return
		}
	}
	for on { // 3: constant true, a labeled continue of itself
	L:
		for {
			continue L
		}
	}
	for i := 0; i < n; i++ { // 4: bounded
		<-ch
	}
	for { // 5: exits the process
		if <-ch < 0 {
			os.Exit(1)
		}
	}
	for { // 6: goto
		goto end
	}
end:
	for { // 7: break out
		select {
		case <-ch:
		default:
			break
		}
		break
	}
}
`)
	var got []bool
	for c := range m.Inspector.Root().Preorder((*ast.ForStmt)(nil)) {
		if c.Parent().Node() == funcNamed(t, m, "f").Body || isLabeled(c.Parent().Node()) {
			got = append(got, m.Endless(c))
		}
	}
	if want := []bool{true, false, true, false, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("endless %v, want %v", got, want)
	}
}

func isLabeled(n ast.Node) bool {
	l, ok := n.(*ast.LabeledStmt)
	return ok && l.Label.Name == "end"
}
