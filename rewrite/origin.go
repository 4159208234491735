package rewrite

import (
	"bytes"
	"go/scanner"
	"go/token"
	"os"
	"slices"
	"sort"

	"github.com/concfix/concfix/internal/diff"
)

// Every position the engine reports (findings, the edits of fixes) refers to the file as it
// was before concfix. Two things break that unless they are undone here:
//
//   - A round after the first analyses content that the fixes of earlier rounds changed:
//     its positions are in the fixed content. An origin maps them back.
//   - The edits of fixes made at different times, or next to each other, do not add up
//     to the change of the file: verification gofmt-formats the merged result, and gofmt
//     re-aligns the trailing comments of neighbouring lines. exactEdits makes them add up.

// An origin maps offsets in a file's fixed content back to its original content. Outside
// the lines the fixes changed, an offset moves with the lines before it. Inside them it
// goes to the same token of the original lines: the tokens of the changed lines are
// compared (diff.Common), so that a statement that gofmt only re-aligned keeps its place.
// A token that the fixes added has no original: it goes to the end of the nearest original
// token before it in the run of changed lines, or to the run's start.
type origin struct {
	orig  *token.File // the original content's lines and //line directives
	size  int
	hunks []hunk // in order
}

// A hunk is a run of changed lines: the byte ranges [old[0], old[1]) of the original and
// [new[0], new[1]) of the fixed content, with the tokens that they share.
type hunk struct {
	old, new [2]int
	same     []sameToken
}

// sameToken is a token that a hunk's original and fixed lines share.
type sameToken struct{ old, new, len int }

func newOrigin(name string, orig, fixed []byte) *origin {
	fset := token.NewFileSet()
	o := &origin{orig: fset.AddFile(name, -1, len(orig)), size: len(orig)}
	oldToks := scanTokens(o.orig, orig) // records the //line directives in o.orig
	newToks := scanTokens(fset.AddFile(name, -1, len(fixed)), fixed)
	for _, c := range diff.Lines(string(orig), string(fixed)) {
		e := diff.ChangeEdit(orig, c)
		start := diff.LineOffset(fixed, c.NewStart)
		h := hunk{old: [2]int{e.Start, e.End}, new: [2]int{start, start + len(e.Text)}}
		a, b := within(oldToks, h.old), within(newToks, h.new)
		for _, p := range diff.Common(texts(a), texts(b)) {
			h.same = append(h.same, sameToken{old: a[p[0]].off, new: b[p[1]].off, len: len(a[p[0]].text)})
		}
		o.hunks = append(o.hunks, h)
	}
	return o
}

// offset returns the offset in the original content of offset off of the fixed content.
func (o *origin) offset(off int) int {
	shift := 0 // how far the fixed content is ahead of the original, after the hunks passed
	for _, h := range o.hunks {
		if off < h.new[0] {
			break
		}
		if off >= h.new[1] {
			shift = h.new[1] - h.old[1]
			continue
		}
		i := sort.Search(len(h.same), func(i int) bool { return h.same[i].new > off }) - 1
		if i < 0 {
			return h.old[0]
		}
		t := h.same[i]
		return t.old + min(off-t.new, t.len)
	}
	return min(max(off-shift, 0), o.size)
}

// position returns the position of offset off of the original content, adjusted by its
// //line directives or not.
func (o *origin) position(off int, adjusted bool) token.Position {
	return o.orig.PositionFor(o.orig.Pos(off), adjusted)
}

// A tok is a token of a file: its offset and its text.
type tok struct {
	off  int
	text string
}

// scanTokens returns the tokens of src, comments included, without the semicolons that
// the scanner inserts at line ends. It records src's lines and //line directives in tf.
func scanTokens(tf *token.File, src []byte) []tok {
	var s scanner.Scanner
	s.Init(tf, src, func(token.Position, string) {}, scanner.ScanComments)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue
		}
		if lit == "" {
			lit = t.String()
		}
		toks = append(toks, tok{tf.Offset(pos), lit})
	}
	return toks
}

// within returns the tokens that lie wholly in the byte range r.
func within(toks []tok, r [2]int) []tok {
	i, _ := slices.BinarySearchFunc(toks, r[0], func(t tok, off int) int { return t.off - off })
	j := i
	for j < len(toks) && toks[j].off+len(toks[j].text) <= r[1] {
		j++
	}
	return toks[i:j]
}

func texts(toks []tok) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

// loadedFrom records the content that this round's packages were loaded with (the
// overlay), for position to map their positions back to the original files; nil after the
// round.
func (r *runner) loadedFrom(overlay map[string][]byte) {
	r.fixedIn, r.origins = overlay, nil
}

// originOf returns the origin of the file name as this round loaded it, or nil when it was
// loaded as it was originally.
func (r *runner) originOf(name string) *origin {
	fixed, ok := r.fixedIn[name]
	if !ok {
		return nil
	}
	if o, ok := r.origins[name]; ok {
		return o
	}
	r.mu.Lock()
	orig, ok := r.original[name]
	r.mu.Unlock()
	var o *origin
	if ok && !bytes.Equal(orig, fixed) {
		o = newOrigin(name, orig, fixed)
	}
	if r.origins == nil {
		r.origins = make(map[string]*origin)
	}
	r.origins[name] = o
	return o
}

// position returns the position of p in the original file, adjusted by //line directives
// or not. The offset of a position that a directive moved is its offset in the file the
// directive names (cgo's output names the user's file), when that file can be read.
func (r *runner) position(fset *token.FileSet, p token.Pos, adjusted bool) token.Position {
	tf := fset.File(p)
	if tf == nil {
		return fset.PositionFor(p, adjusted)
	}
	var pos, raw token.Position
	if o := r.originOf(tf.Name()); o != nil {
		off := o.offset(tf.Offset(p))
		pos, raw = o.position(off, adjusted), o.position(off, false)
	} else {
		pos, raw = fset.PositionFor(p, adjusted), fset.PositionFor(p, false)
	}
	if pos.Filename != raw.Filename || pos.Line != raw.Line || pos.Column != raw.Column {
		if src, err := r.originalContent(pos.Filename); err == nil {
			pos.Offset = lineColumnOffset(src, pos.Line, pos.Column)
		}
	}
	return pos
}

// originalContent returns the content of the file name before concfix.
func (r *runner) originalContent(name string) ([]byte, error) {
	r.mu.Lock()
	b, ok := r.original[name]
	r.mu.Unlock()
	if ok {
		return b, nil
	}
	return os.ReadFile(name)
}

// lineColumnOffset returns the offset of the 1-based line and byte column in src, within
// the line (column 0, unknown, is its start).
func lineColumnOffset(src []byte, line, col int) int {
	start := diff.LineOffset(src, line-1)
	end := len(src)
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		end = start + i
	}
	return start + min(max(col-1, 0), end-start)
}

// exactEdits makes the edits of the fixed findings add up to the changes: applying the
// edits of every fixed finding (identical edits once, as the analysis framework merges
// fixes) to the original files gives their new content. In a file where the findings' own
// edits do, they are kept. Where they do not (gofmt re-aligned the lines next to two
// fixes; a later round fixed lines that an earlier one had changed), the file's edits are
// its changed runs of lines (diff.Lines of the original and the new content): each
// finding gets the runs that its own edits touch, and a run that none touches goes to the
// finding whose edits are nearest.
func exactEdits(findings []Finding, changes []Change) {
	for _, c := range changes {
		var fixed []int // the findings whose fixes edit c.Path
		var own []edit  // their edits, identical ones once
		for i, f := range findings {
			if !f.Fixed {
				continue
			}
			for _, e := range f.Edits {
				if e.Path != c.Path {
					continue
				}
				if len(fixed) == 0 || fixed[len(fixed)-1] != i {
					fixed = append(fixed, i)
				}
				if de := (edit{Start: e.Start.Offset, End: e.End.Offset, Text: e.New}); !slices.Contains(own, de) {
					own = append(own, de)
				}
			}
		}
		if len(fixed) == 0 || diff.Validate(own, len(c.Old)) && bytes.Equal(diff.Apply(c.Old, own), c.New) {
			continue
		}
		tf := token.NewFileSet().AddFile(c.Path, -1, len(c.Old))
		tf.SetLinesForContent(c.Old)
		pos := func(off int) token.Position { return tf.PositionFor(tf.Pos(off), false) }
		// distance is how far the edits of finding i in c.Path are from the byte range
		// [start, end]: 0 when one touches it.
		distance := func(i, start, end int) int {
			d := -1
			for _, e := range findings[i].Edits {
				if e.Path == c.Path {
					if n := max(0, start-e.End.Offset, e.Start.Offset-end); d < 0 || n < d {
						d = n
					}
				}
			}
			return d
		}
		// nearest returns the first of the findings whose edits are nearest to [start, end].
		nearest := func(candidates []int, start, end int) int {
			best, dist := -1, -1
			for _, i := range candidates {
				if d := distance(i, start, end); dist < 0 || d < dist {
					best, dist = i, d
				}
			}
			return best
		}
		var all []edit
		for _, ch := range diff.Lines(string(c.Old), string(c.New)) {
			all = append(all, diff.ChangeEdit(c.Old, ch))
		}
		gets := make(map[int][]int) // finding -> the runs it gets, by index in all
		for k, e := range all {
			if i := nearest(fixed, e.Start, e.End); distance(i, e.Start, e.End) > 0 {
				gets[i] = append(gets[i], k) // no finding's edits touch the run
				continue
			}
			for _, i := range fixed {
				if distance(i, e.Start, e.End) == 0 {
					gets[i] = append(gets[i], k)
				}
			}
		}
		for _, i := range fixed {
			if len(gets[i]) > 0 {
				continue
			}
			best := 0 // its edits touch no run (a fix undone by another): it gets the nearest
			for k, e := range all {
				if distance(i, e.Start, e.End) < distance(i, all[best].Start, all[best].End) {
					best = k
				}
			}
			gets[i] = []int{best}
		}
		runs := make(map[int][]Edit) // finding -> its runs
		for i, ks := range gets {
			slices.Sort(ks)
			for _, k := range ks {
				e := all[k]
				runs[i] = append(runs[i], Edit{Path: c.Path, Start: pos(e.Start), End: pos(e.End), New: e.Text})
			}
		}
		for _, i := range fixed {
			var out []Edit
			for _, e := range findings[i].Edits {
				if e.Path != c.Path {
					out = append(out, e)
				} else if runs[i] != nil {
					out = append(out, runs[i]...) // in place of its first edit in the file
					runs[i] = nil
				}
			}
			findings[i].Edits = out
		}
	}
}
