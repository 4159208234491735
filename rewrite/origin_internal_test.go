package rewrite

import (
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// TestOrigin maps offsets of fixed content back to the original: the same token of the
// original, whether the lines before it moved, its own line was re-aligned, or the fixes
// added it.
func TestOrigin(t *testing.T) {
	orig := "package m\n\nfunc f() {\n\ta := 1    // one\n\tbb := 22  // two\n\tccc := 3 // three\n}\n"
	fixed := "package m\n\nimport \"x\"\n\nfunc f() {\n\tx.Y()\n\ta := 1 // one\n\tbb := 22  // two\n\tccc := 3 // three\n}\n"
	o := newOrigin("a.go", []byte(orig), []byte(fixed))
	at := func(s, sub string, nth int) int {
		off := -1
		for range nth {
			off += 1 + strings.Index(s[off+1:], sub)
		}
		return off
	}
	for _, tc := range []struct {
		name      string
		off, want int
	}{
		{"before every change", at(fixed, "package", 1), 0},
		{"moved by an import", at(fixed, "func", 1), at(orig, "func", 1)},
		{"re-aligned line", at(fixed, "// one", 1), at(orig, "// one", 1)},
		{"within a token", at(fixed, "one", 1) + 1, at(orig, "one", 1) + 1},
		{"end of a token", at(fixed, "a :=", 1) + 1, at(orig, "a :=", 1) + 1},
		{"an unchanged line after", at(fixed, "ccc", 1), at(orig, "ccc", 1)},
		{"a line the fix added", at(fixed, "x.Y", 1), at(orig, "\ta :=", 1)}, // the start of its run of lines
		{"the end", len(fixed), len(orig)},
	} {
		if got := o.offset(tc.off); got != tc.want {
			t.Errorf("%s: offset %d -> %d (%q), want %d (%q)", tc.name, tc.off, got, orig[got:], tc.want, orig[tc.want:])
		}
	}

	// A //line directive of the original file adjusts the positions.
	orig = "package m\n\n//line gen.y:10\nvar a = 1\n"
	fixed = "package m\n\nimport \"x\"\n\n//line gen.y:10\nvar a = x.A\n"
	o = newOrigin("a.go", []byte(orig), []byte(fixed))
	off := o.offset(strings.Index(fixed, "var"))
	if got := o.position(off, true); got.Filename != "gen.y" || got.Line != 10 || got.Offset != strings.Index(orig, "var") {
		t.Errorf("adjusted position %v (offset %d), want gen.y:10 at offset %d", got, got.Offset, strings.Index(orig, "var"))
	}
	if got := o.position(off, false); got.Filename != "a.go" || got.Line != 4 {
		t.Errorf("unadjusted position %v, want a.go:4", got)
	}
}

// TestExactEdits makes the edits of the fixed findings add up to the change: kept when
// they do, the changed runs of lines shared by the findings whose edits touch them when
// they do not.
func TestExactEdits(t *testing.T) {
	const name = "/m/a.go"
	old := "a\nb\nc\nd\ne\nf\ng\n"
	tf := token.NewFileSet().AddFile(name, -1, len(old))
	tf.SetLinesForContent([]byte(old))
	ed := func(start, end int, text string) Edit {
		return Edit{Path: name, Start: tf.PositionFor(tf.Pos(start), false), End: tf.PositionFor(tf.Pos(end), false), New: text}
	}
	line := func(n int) int { return 2 * (n - 1) } // offset of 1-based line n
	for _, tc := range []struct {
		name  string
		new   string
		edits [][]Edit // of each fixed finding
		want  [][]Edit
	}{{
		name:  "own edits add up",
		new:   "a\nB\nc\nd\ne\nF\ng\n",
		edits: [][]Edit{{ed(line(2), line(3), "B\n")}, {ed(line(6), line(7), "F\n")}},
		want:  [][]Edit{{ed(line(2), line(3), "B\n")}, {ed(line(6), line(7), "F\n")}},
	}, {
		name:  "identical edits once",
		new:   "a\nB\nc\nd\ne\nf\ng\n",
		edits: [][]Edit{{ed(line(2), line(3), "B\n")}, {ed(line(2), line(3), "B\n")}},
		want:  [][]Edit{{ed(line(2), line(3), "B\n")}, {ed(line(2), line(3), "B\n")}},
	}, {
		// gofmt changed c too: the run b..c is both findings', and the stray change of
		// f goes to the nearest, the second.
		name:  "runs shared",
		new:   "a\nB\nC\nD\ne\nF\ng\n",
		edits: [][]Edit{{ed(line(2), line(3), "B\n")}, {ed(line(4), line(5), "D\n")}},
		want: [][]Edit{
			{ed(line(2), line(5), "B\nC\nD\n")},
			{ed(line(2), line(5), "B\nC\nD\n"), ed(line(6), line(7), "F\n")},
		},
	}, {
		// A later round's edit, mapped back, overlaps an earlier one.
		name:  "overlapping edits",
		new:   "a\nB\nX\nC\nd\ne\nf\ng\n",
		edits: [][]Edit{{ed(line(2), line(4), "B\nc\n")}, {ed(line(3), line(4), "X\nC\n")}},
		want:  [][]Edit{{ed(line(2), line(4), "B\nX\nC\n")}, {ed(line(2), line(4), "B\nX\nC\n")}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var findings []Finding
			for _, es := range tc.edits {
				findings = append(findings, Finding{Fixed: true, Edits: es})
			}
			findings = append(findings, Finding{Message: "not fixed"})
			exactEdits(findings, []Change{{Path: name, Old: []byte(old), New: []byte(tc.new)}})
			for i, want := range tc.want {
				if got := findings[i].Edits; !reflect.DeepEqual(got, want) {
					t.Errorf("finding %d: edits\n%+v\nwant\n%+v", i, got, want)
				}
			}
			if findings[len(findings)-1].Edits != nil {
				t.Errorf("the unfixed finding got edits")
			}
		})
	}
}
