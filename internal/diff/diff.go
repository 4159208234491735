// Package diff computes minimal line differences between two texts, and applies byte
// edits. The fixers' toolkit turns a rewritten file into edits with it, and the engine
// prints unified diffs and rebases edits with it: one algorithm for both.
package diff

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// A Change is one maximal run of differing lines between two texts: the old lines
// [OldStart, OldStart+len(Old)) were replaced by New (line numbers are 0-based). Every
// line keeps its trailing newline (the last line of a text may lack one).
type Change struct {
	OldStart, NewStart int
	Old, New           []string
}

// Lines returns the minimal line-level changes that turn a into b, in order. Where
// several minimal alignments exist, a common prefix and suffix of lines are kept
// unchanged first, so that a line inserted next to an identical one is reported after
// the common prefix.
func Lines(a, b string) []Change {
	if a == b {
		return nil
	}
	la, lb := SplitLines(a), SplitLines(b)
	matches := Common(la, lb)
	matches = append(matches, [2]int{len(la), len(lb)}) // sentinel

	// The script as runs of kept, deleted and inserted lines.
	var script []run
	x, y := 0, 0 // the end of the last match
	keep := 0    // the start of the current run of matches, in a
	for _, m := range matches {
		if m[0] == x && m[1] == y && m[0] < len(la) {
			x, y = m[0]+1, m[1]+1 // the run of matches goes on
			continue
		}
		if x > keep {
			script = append(script, run{eq, la[keep:x]})
		}
		if m[0] > x {
			script = append(script, run{del, la[x:m[0]]})
		}
		if m[1] > y {
			script = append(script, run{ins, lb[y:m[1]]})
		}
		keep = m[0]
		x, y = m[0]+1, m[1]+1
	}
	if len(la) > keep {
		script = append(script, run{eq, la[keep:]})
	}
	script = shift(script)

	var out []Change
	var cur *Change
	x, y = 0, 0
	for _, r := range script {
		if r.kind == eq {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			x += len(r.lines)
			y += len(r.lines)
			continue
		}
		if cur == nil {
			cur = &Change{OldStart: x, NewStart: y}
		}
		if r.kind == del {
			cur.Old = append(cur.Old, r.lines...)
			x += len(r.lines)
		} else {
			cur.New = append(cur.New, r.lines...)
			y += len(r.lines)
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// Common returns, in order, the index pairs (i, j) of a longest common subsequence of a
// and b: a[i] == b[j] for each pair. Lines compares lines with it; the engine compares the
// tokens of changed lines, to map positions in a fixed file back to the original.
func Common(a, b []string) [][2]int {
	// Intern the elements: the algorithm compares integers.
	ids := make(map[string]int)
	intern := func(ss []string) []int {
		out := make([]int, len(ss))
		for i, s := range ss {
			id, ok := ids[s]
			if !ok {
				id = len(ids)
				ids[s] = id
			}
			out[i] = id
		}
		return out
	}
	var matches [][2]int
	match(intern(a), intern(b), 0, 0, &matches)
	return matches
}

type runKind uint8

const (
	eq runKind = iota
	del
	ins
)

// A run is a part of an edit script: lines kept, deleted or inserted.
type run struct {
	kind  runKind
	lines []string
}

// merge joins adjacent runs of one kind, and orders each deletion before the insertion
// next to it.
func merge(script []run) []run {
	var out []run
	for _, r := range script {
		n := len(out)
		switch {
		case n > 0 && out[n-1].kind == r.kind:
			out[n-1].lines = concat(out[n-1].lines, r.lines)
		case n > 0 && r.kind == del && out[n-1].kind == ins:
			if n > 1 && out[n-2].kind == del {
				out[n-2].lines = concat(out[n-2].lines, r.lines)
			} else {
				out = append(out[:n-1], r, out[n-1])
			}
		default:
			out = append(out, r)
		}
	}
	return out
}

// shift moves each lone insertion or deletion that lies between two kept runs over the
// whole of one of them when it can, as diff-match-patch's cleanup does: "a" + ins("b a")
// + "c" becomes ins("a b") + "a c". Inserting "x }" before a "}" is then one change, not
// "x" before the "}" and "}" after it.
func shift(script []run) []run {
	for changed := true; changed; {
		changed = false
		for i := 1; i+1 < len(script); i++ {
			prev, r, next := script[i-1], script[i], script[i+1]
			if prev.kind != eq || next.kind != eq || r.kind == eq {
				continue
			}
			if hasSuffix(r.lines, prev.lines) {
				k := len(r.lines) - len(prev.lines)
				script[i].lines = concat(prev.lines, r.lines[:k])
				script[i+1].lines = concat(prev.lines, next.lines)
				script = append(script[:i-1], script[i:]...)
				changed = true
			} else if hasPrefix(r.lines, next.lines) {
				script[i-1].lines = concat(prev.lines, next.lines)
				script[i].lines = concat(r.lines[len(next.lines):], next.lines)
				script = append(script[:i+1], script[i+2:]...)
				changed = true
			}
		}
		if changed {
			script = merge(script)
		}
	}
	return script
}

func hasPrefix(s, p []string) bool { return len(p) <= len(s) && slices.Equal(s[:len(p)], p) }
func hasSuffix(s, p []string) bool { return len(p) <= len(s) && slices.Equal(s[len(s)-len(p):], p) }

func concat(a, b []string) []string { return append(slices.Clip(a), b...) }

// match appends to out, in order, the index pairs of the lines of a longest common
// subsequence of a and b, which start at offsets x0 and y0 of the whole texts. It uses
// Myers' O(ND) algorithm with the linear-space refinement (the middle snake).
func match(a, b []int, x0, y0 int, out *[][2]int) {
	// Common prefix and suffix.
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		*out = append(*out, [2]int{x0 + p, y0 + p})
		p++
	}
	a, b, x0, y0 = a[p:], b[p:], x0+p, y0+p
	s := 0
	for s < len(a) && s < len(b) && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	n, m := len(a)-s, len(b)-s
	if n > 0 && m > 0 {
		// Both sides are non-empty and differ at both ends: at least two edits, so each
		// half around the middle snake is a smaller problem.
		x, y, u, v := middleSnake(a[:n], b[:m])
		match(a[:x], b[:y], x0, y0, out)
		for i := 0; i < u-x; i++ {
			*out = append(*out, [2]int{x0 + x + i, y0 + y + i})
		}
		match(a[u:n], b[v:m], x0+u, y0+v, out)
	}
	for i := 0; i < s; i++ {
		*out = append(*out, [2]int{x0 + n + i, y0 + m + i})
	}
}

// middleSnake returns the middle snake (x, y) -> (u, v) of a shortest edit script from a
// to b (Myers 1986, section 4b): a run of matching lines, possibly empty, that a shortest
// path goes through, with about half of the edits before it.
func middleSnake(a, b []int) (x, y, u, v int) {
	n, m := len(a), len(b)
	delta := n - m
	odd := delta&1 != 0
	maxD := (n + m + 1) / 2
	off := maxD + 1
	vf := make([]int, 2*off+1) // furthest x of the forward paths, by diagonal k = x - y
	vb := make([]int, 2*off+1) // furthest distance from the end of the backward paths
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && vf[off+k-1] < vf[off+k+1] {
				x = vf[off+k+1]
			} else {
				x = vf[off+k-1] + 1
			}
			y := x - k
			sx, sy := x, y
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			vf[off+k] = x
			// The backward path on the same diagonal has reached c from the end.
			if kb := delta - k; odd && -(d-1) <= kb && kb <= d-1 && x+vb[off+kb] >= n {
				return sx, sy, x, y
			}
		}
		for k := -d; k <= d; k += 2 {
			var x int // distance from the end, along a and b reversed
			if k == -d || k != d && vb[off+k-1] < vb[off+k+1] {
				x = vb[off+k+1]
			} else {
				x = vb[off+k-1] + 1
			}
			y := x - k
			sx, sy := x, y
			for x < n && y < m && a[n-1-x] == b[m-1-y] {
				x++
				y++
			}
			vb[off+k] = x
			if kf := delta - k; !odd && -d <= kf && kf <= d && x+vf[off+kf] >= n {
				return n - x, m - y, n - sx, m - sy
			}
		}
	}
	panic("diff: no middle snake") // unreachable: a path of at most n+m edits exists
}

// SplitLines splits s after each newline; a final line without newline is kept.
func SplitLines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// LineOffset returns the byte offset of 0-based line n in src (len(src) past the end).
func LineOffset(src []byte, n int) int {
	off := 0
	for ; n > 0; n-- {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return off
}

// An Edit replaces the bytes [Start, End) of a text with Text.
type Edit struct {
	Start, End int
	Text       string
}

// ChangeEdit returns the edit that makes change c to src.
func ChangeEdit(src []byte, c Change) Edit {
	start := LineOffset(src, c.OldStart)
	end := start
	for _, l := range c.Old {
		end += len(l)
	}
	return Edit{start, end, strings.Join(c.New, "")}
}

// Sort sorts edits by position; insertions at one offset keep their order.
func Sort(es []Edit) {
	slices.SortStableFunc(es, func(a, b Edit) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
}

// Validate reports whether es, sorted, are within a text of size n and do not overlap.
// Two insertions at one offset overlap: their order would be arbitrary.
func Validate(es []Edit, n int) bool {
	es = slices.Clone(es)
	Sort(es)
	for i, e := range es {
		if e.Start < 0 || e.End < e.Start || e.End > n {
			return false
		}
		if i > 0 {
			p := es[i-1]
			if e.Start < p.End || e.Start == p.Start && e.Start == e.End && p.Start == p.End {
				return false
			}
		}
	}
	return true
}

// Apply returns src with the edits applied. They must not overlap (see Validate).
func Apply(src []byte, es []Edit) []byte {
	es = slices.Clone(es)
	Sort(es)
	var out bytes.Buffer
	last := 0
	for _, e := range es {
		out.Write(src[last:e.Start])
		out.WriteString(e.Text)
		last = e.End
	}
	out.Write(src[last:])
	return out.Bytes()
}
