package rewrite

import (
	"bytes"
	"cmp"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// finding records d and returns its key, or nil when it is outside the files the user
// named or was recorded before (the same file is analysed in a package and its test
// variant, and again in later rounds).
func (r *runner) finding(p *packages.Package, d diagnostic) (string, *Finding) {
	pos := r.position(p.Fset, d.Pos, true)
	end := pos
	if d.End.IsValid() {
		end = r.position(p.Fset, d.End, true)
	}
	if r.onlyFiles != nil && !r.onlyFiles[p.Fset.PositionFor(d.Pos, false).Filename] {
		return "", nil
	}
	key := findingKey(pos, d.analyzer.Name, d.Message)
	if f, ok := r.findings[key]; ok {
		if f.Fixed {
			return "", nil
		}
		return key, f // a later round: the fix may succeed now
	}
	f := &Finding{Analyzer: d.analyzer.Name, Pos: pos, End: end, Message: d.Message, Category: d.Category}
	if why, internal, ok := fixkit.NoFix(d.Diagnostic); ok {
		f.NoFix = why
		if internal {
			r.res.Internal = append(r.res.Internal, fmt.Errorf("%s: %s: %s", d.analyzer.Name, r.relPos(pos), why))
		}
	}
	r.findings[key] = f
	r.order = append(r.order, key)
	return key, f
}

// findingKey identifies a finding: the same diagnostic is reported by each variant of a
// package, and again in later rounds.
func findingKey(pos token.Position, analyzer, message string) string {
	return fmt.Sprintf("%s\x00%s\x00%s", pos, analyzer, message)
}

func (r *runner) result() *Result {
	// A dependency's error that its own analysis reported, at the same place.
	at := make(map[string]bool)
	for _, p := range r.res.Problems {
		if !r.secondary[p] && p.Pos != "" {
			at[p.Pos] = true
		}
	}
	r.res.Problems = slices.DeleteFunc(r.res.Problems, func(p Problem) bool { return r.secondary[p] && at[p.Pos] })
	slices.Sort(r.order)
	for _, k := range slices.Compact(r.order) {
		if f, ok := r.findings[k]; ok {
			r.res.Findings = append(r.res.Findings, *f)
		}
	}
	slices.SortStableFunc(r.res.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Offset, b.Pos.Offset), cmp.Compare(a.Analyzer, b.Analyzer))
	})
	for name, orig := range r.original {
		if cur := r.contents[name]; !bytes.Equal(cur, orig) {
			r.res.Changes = append(r.res.Changes, Change{Path: name, Old: orig, New: cur})
		}
	}
	slices.SortFunc(r.res.Changes, func(a, b Change) int { return cmp.Compare(a.Path, b.Path) })
	exactEdits(r.res.Findings, r.res.Changes)
	return &r.res
}

// describeEdits returns the edits of a fix for the report, at their places in the original
// files (in a round after the first, an edit of a line that an earlier round changed is
// at that line; exactEdits makes the edits exact).
func (r *runner) describeEdits(fset *token.FileSet, tes []analysis.TextEdit) []Edit {
	var out []Edit
	for _, te := range tes {
		end := te.End
		if !end.IsValid() {
			end = te.Pos
		}
		start := r.position(fset, te.Pos, false)
		out = append(out, Edit{Path: start.Filename, Start: start, End: r.position(fset, end, false), New: string(te.NewText)})
	}
	return out
}

func (r *runner) addProblem(p Problem) {
	delete(r.secondary, p)
	if !slices.Contains(r.res.Problems, p) {
		r.res.Problems = append(r.res.Problems, p)
	}
}

// addSecondaryProblem adds p, an error of a dependency that its importers reported, unless
// another problem is reported at its position (see result): the dependency's own, when it
// is analysed too (the parser and the compiler word a syntax error differently).
func (r *runner) addSecondaryProblem(p Problem) {
	if slices.Contains(r.res.Problems, p) {
		return
	}
	if r.secondary == nil {
		r.secondary = make(map[Problem]bool)
	}
	r.secondary[p] = true
	r.res.Problems = append(r.res.Problems, p)
}

// packageProblems reports the errors of p: its parse errors, or when it has none its type
// errors (which follow from parse errors), or when it has neither the build system's
// errors (which repeat the compiler's when it has them).
func (r *runner) packageProblems(p *packages.Package) {
	keep := func(e packages.Error) bool { return e.Kind != packages.ListError }
	switch {
	case slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return e.Kind == packages.ParseError }):
		keep = func(e packages.Error) bool { return e.Kind == packages.ParseError }
	case !slices.ContainsFunc(p.Errors, keep):
		keep = func(packages.Error) bool { return true }
	}
	for _, e := range p.Errors {
		if keep(e) {
			r.addProblem(r.problem(e))
		}
	}
}

func (r *runner) problem(e packages.Error) Problem {
	pos := e.Pos
	if pos == "-" || pos == "" {
		return Problem{Message: e.Msg}
	}
	// Make the file name relative to the working directory.
	if i := strings.Index(pos, ".go:"); i >= 0 {
		pos = r.rel(pos[:i+3]) + pos[i+3:]
	} else {
		pos = r.rel(pos)
	}
	return Problem{Pos: pos, Message: e.Msg}
}

// relPos formats p with its file name relative to the working directory.
func (r *runner) relPos(p token.Position) string {
	return fmt.Sprintf("%s:%d:%d", r.rel(p.Filename), p.Line, p.Column)
}

func (r *runner) rel(path string) string {
	if !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(r.dir, path); err == nil {
		return rel
	}
	return path
}
