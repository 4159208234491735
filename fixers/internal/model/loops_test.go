package model_test

import (
	"go/ast"
	"testing"

	"github.com/concfix/concfix/fixers/internal/model"
)

func TestTrips(t *testing.T) {
	m := load(t, `package p

const k = 3

type S struct{ items []int }

func f(n int, items []int, m map[int]int, s *S) {
	for range 4 {} // count 4
	for i := 0; i < 3; i++ {} // count 3
	for i := 1; i <= k; i += 1 {} // count 3
	for i := 0; i < 3; i++ { i++ } // i changes
	for i := 0; i < 3; i++ { p := &i; _ = p } // its address is taken
	for i := 0; i < n; i++ {} // key n
	for range n {} // key n
	for range items {} // key len(items)
	for i := 0; i < len(items); i++ {} // key len(items)
	for range m {} // key len(m), over a map
	for range s.items {} // key len(s.items)
	for i := 0; i < n; i += 2 {} // neither
	for {} // neither
}

func g(items []int) {
	for range items {} // items is assigned below: no key
	items = append(items, 1)
}
`)
	type want struct {
		count   int64
		counted bool
		key     string
		overMap bool
	}
	wants := []want{
		{4, true, "4", false},
		{3, true, "3", false},
		{3, true, "", false},
		{0, false, "", false},
		{0, false, "", false},
		{0, false, "n", false},
		{0, false, "n", false},
		{0, false, "len(items)", false},
		{0, false, "len(items)", false},
		{0, false, "len(m)", true},
		{0, false, "len(s.items)", false},
		{0, false, "", false},
		{0, false, "", false},
	}
	f := funcNamed(t, m, "f")
	for i, stmt := range f.Body.List {
		count, counted := model.TripCount(m.Info, stmt)
		key, overMap := f.TripKey(stmt)
		got := want{count, counted, key, overMap}
		if got != wants[i] {
			t.Errorf("loop %d: %+v, want %+v", i, got, wants[i])
		}
	}
	g := funcNamed(t, m, "g")
	if key, _ := g.TripKey(g.Body.List[0].(*ast.RangeStmt)); key != "" {
		t.Errorf("g: key %q, want none", key)
	}
}
