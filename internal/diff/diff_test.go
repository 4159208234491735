package diff

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       []Change
	}{
		{"equal", "a\nb\n", "a\nb\n", nil},
		{"insert", "a\nc\n", "a\nb\nc\n", []Change{{1, 1, nil, []string{"b\n"}}}},
		{"delete", "a\nb\nc\n", "a\nc\n", []Change{{1, 1, []string{"b\n"}, nil}}},
		{"replace", "a\nb\nc\n", "a\nB\nc\n", []Change{{1, 1, []string{"b\n"}, []string{"B\n"}}}},
		{"two changes", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", []Change{
			{0, 0, []string{"a\n"}, []string{"A\n"}}, {4, 4, []string{"e\n"}, []string{"E\n"}}}},
		{"no final newline", "a\nb", "a\nc", []Change{{1, 1, []string{"b"}, []string{"c"}}}},
		{"from empty", "", "a\n", []Change{{0, 0, nil, []string{"a\n"}}}},
		{"to empty", "a\n", "", []Change{{0, 0, []string{"a\n"}, nil}}},
		// Lines added before a line equal to their last one are one change, not two
		// around the kept "}".
		{"insertion before an identical line", "\tf()\n\t}\n}\n", "\tf()\n\t\tx()\n\t}\n\t}\n}\n",
			[]Change{{1, 1, nil, []string{"\t\tx()\n", "\t}\n"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Lines(tc.a, tc.b)
			if !equal(got, tc.want) {
				t.Errorf("Lines(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func equal(a, b []Change) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].OldStart != b[i].OldStart || a[i].NewStart != b[i].NewStart ||
			strings.Join(a[i].Old, "") != strings.Join(b[i].Old, "") || strings.Join(a[i].New, "") != strings.Join(b[i].New, "") {
			return false
		}
	}
	return true
}

// TestLinesRandom checks on random texts that the changes turn a into b, that they are
// maximal runs in order, and that they are minimal (against a quadratic LCS).
func TestLinesRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var sb strings.Builder
		for range rng.IntN(14) {
			sb.WriteString(string(rune('a' + rng.IntN(4))))
			sb.WriteByte('\n')
		}
		return sb.String()
	}
	for i := 0; i < 5000; i++ {
		a, b := text(), text()
		cs := Lines(a, b)
		var es []Edit
		cost := 0
		for j, c := range cs {
			if len(c.Old)+len(c.New) == 0 {
				t.Fatalf("%q -> %q: empty change", a, b)
			}
			if j > 0 && c.OldStart <= cs[j-1].OldStart+len(cs[j-1].Old) {
				t.Fatalf("%q -> %q: changes not separated: %v", a, b, cs)
			}
			es = append(es, ChangeEdit([]byte(a), c))
			cost += len(c.Old) + len(c.New)
		}
		if got := string(Apply([]byte(a), es)); got != b {
			t.Fatalf("%q -> %q: applying the changes gives %q", a, b, got)
		}
		la, lb := SplitLines(a), SplitLines(b)
		if want := len(la) + len(lb) - 2*lcs(la, lb); cost != want {
			t.Fatalf("%q -> %q: %d lines changed, minimum is %d", a, b, cost, want)
		}
	}
}

// TestCommon checks on random sequences that Common gives matching pairs, in order, as
// many as a longest common subsequence has.
func TestCommon(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	seq := func() []string {
		s := make([]string, rng.IntN(12))
		for i := range s {
			s[i] = string(rune('a' + rng.IntN(3)))
		}
		return s
	}
	for i := 0; i < 5000; i++ {
		a, b := seq(), seq()
		pairs := Common(a, b)
		for j, p := range pairs {
			if a[p[0]] != b[p[1]] {
				t.Fatalf("%q, %q: pair %v matches %q with %q", a, b, p, a[p[0]], b[p[1]])
			}
			if j > 0 && (p[0] <= pairs[j-1][0] || p[1] <= pairs[j-1][1]) {
				t.Fatalf("%q, %q: pairs out of order: %v", a, b, pairs)
			}
		}
		if want := lcs(a, b); len(pairs) != want {
			t.Fatalf("%q, %q: %d pairs, a longest common subsequence has %d", a, b, len(pairs), want)
		}
	}
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func TestValidateApply(t *testing.T) {
	src := []byte("hello world")
	for _, tc := range []struct {
		name  string
		edits []Edit
		ok    bool
		want  string
	}{
		{"one", []Edit{{0, 5, "bye"}}, true, "bye world"},
		{"unsorted", []Edit{{6, 11, "moon"}, {0, 5, "bye"}}, true, "bye moon"},
		{"insertion next to a replacement", []Edit{{5, 5, ","}, {0, 5, "bye"}}, true, "bye, world"},
		{"overlap", []Edit{{0, 6, ""}, {5, 7, ""}}, false, ""},
		{"two insertions at one offset", []Edit{{5, 5, ","}, {5, 5, ";"}}, false, ""},
		{"past the end", []Edit{{10, 12, ""}}, false, ""},
		{"backwards", []Edit{{4, 3, ""}}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ok := Validate(tc.edits, len(src)); ok != tc.ok {
				t.Fatalf("Validate = %v, want %v", ok, tc.ok)
			}
			if tc.ok {
				if got := string(Apply(src, tc.edits)); got != tc.want {
					t.Errorf("Apply = %q, want %q", got, tc.want)
				}
			}
		})
	}
}
