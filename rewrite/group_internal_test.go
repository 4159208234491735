package rewrite

import (
	"testing"

	"github.com/concfix/concfix/internal/diff"
)

func TestRebase(t *testing.T) {
	base := "a\nb\nc\nd\ne\n"
	cur := "a\nX\nY\nb\nc\nd\ne\n" // two lines inserted after "a"
	off := func(s, sub string) int {
		for i := range s {
			if len(s[i:]) >= len(sub) && s[i:i+len(sub)] == sub {
				return i
			}
		}
		t.Fatalf("%q not in %q", sub, s)
		return 0
	}
	for _, tc := range []struct {
		name string
		e    edit
		want string // cur after the rebased edit; "" means it must fail
	}{
		{"after the change", edit{Start: off(base, "d"), End: off(base, "d") + 1, Text: "D"}, "a\nX\nY\nb\nc\nD\ne\n"},
		{"before the change", edit{Start: 0, End: 1, Text: "A"}, "A\nX\nY\nb\nc\nd\ne\n"},
		{"insertion at the change", edit{Start: off(base, "b"), End: off(base, "b"), Text: "new\n"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rebase([]edit{tc.e}, []byte(base), []byte(cur))
			if tc.want == "" {
				if ok {
					t.Fatalf("rebased to %+v, want failure", got)
				}
				return
			}
			if !ok {
				t.Fatal("rebase failed")
			}
			if out := string(diff.Apply([]byte(cur), got)); out != tc.want {
				t.Errorf("got %q, want %q", out, tc.want)
			}
		})
	}
}
