package rewrite

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// A change is one maximal run of differing lines between two texts: the old lines
// [OldStart, OldStart+len(Old)) were replaced by New (line numbers are 0-based).
type change struct {
	OldStart, NewStart int
	Old, New           []string
}

// lineChanges returns the minimal line-level changes that turn a into b. Every element of
// Old and New keeps its trailing newline (the last line of a text may lack one).
func lineChanges(a, b string) []change {
	if a == b {
		return nil
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // a time limit makes large diffs non-minimal and nondeterministic
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)

	var out []change
	var cur *change
	oldLine, newLine := 0, 0
	for _, d := range diffs {
		ls := splitLines(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			oldLine += len(ls)
			newLine += len(ls)
			continue
		}
		if cur == nil {
			cur = &change{OldStart: oldLine, NewStart: newLine}
		}
		if d.Type == diffmatchpatch.DiffDelete {
			cur.Old = append(cur.Old, ls...)
			oldLine += len(ls)
		} else {
			cur.New = append(cur.New, ls...)
			newLine += len(ls)
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// splitLines splits s after each newline; a final line without newline is kept.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}
