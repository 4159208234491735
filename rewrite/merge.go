package rewrite

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"

	"github.com/concfix/concfix/internal/diff"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// A candidate is one fix that may be applied: the edits of one diagnostic's suggested fix,
// or of a whole-program group.
type candidate struct {
	findings []string // keys of the findings it fixes
	edits    map[string][]edit
}

type edit = diff.Edit // gob-encodable, for the result cache

// byteEdit returns te as an edit of the bytes of file tf.
func byteEdit(tf *token.File, te analysis.TextEdit) edit {
	end := te.End
	if !end.IsValid() {
		end = te.Pos
	}
	return edit{Start: tf.Offset(te.Pos), End: tf.Offset(end), Text: string(te.NewText)}
}

// apply turns the analysis results into applied, verified fixes. It returns the directories
// of packages to analyse again because a fix overlapped another one.
func (r *runner) apply(results []*pkgResult, all []*packages.Package) (rerun []string) {
	var cands []*candidate
	files := make(map[string]*fileInfo)
	for _, pr := range results {
		// With files named, the findings in the others are left out.
		if len(pr.errs) > 0 || r.onlyFiles != nil && len(pr.diags)+len(pr.parts) > 0 {
			r.uncached[groupPath(pr.pkg)] = true
		}
		r.res.Internal = append(r.res.Internal, pr.errs...)
		fi := r.fileInfos(pr.pkg, files)
		for _, d := range pr.diags {
			if tf := pr.pkg.Fset.File(d.Pos); !r.opts.Generated && tf != nil && fi[tf.Name()] != nil && fi[tf.Name()].generated {
				continue // reported with Options.Generated only
			}
			key, f := r.finding(pr.pkg, d)
			if f == nil {
				continue // out of scope, or already seen in another variant of the package
			}
			if len(d.SuggestedFixes) == 0 {
				continue
			}
			sf := d.SuggestedFixes[0]
			f.FixMessage = sf.Message
			c, why := r.candidate(pr.pkg.Fset, fi, sf.Message, sf.TextEdits)
			if why != "" {
				f.NoFix = why
				continue
			}
			c.findings = []string{key}
			f.Edits = r.describeEdits(pr.pkg.Fset, sf.TextEdits)
			cands = append(cands, c)
		}
	}
	r.collectParts(results, files)

	// Merge: keep the first of overlapping fixes; the rest wait for the next round.
	accepted := make(map[string][]edit)
	var kept []*candidate
	conflictFiles := make(map[string]bool)
	for _, c := range cands {
		if overlaps(c, accepted) {
			for name := range c.edits {
				conflictFiles[name] = true
			}
			for _, k := range c.findings {
				r.findings[k].NoFix = "overlaps another fix: run concfix again"
			}
			continue
		}
		for name, es := range c.edits {
			accepted[name] = append(accepted[name], es...)
		}
		kept = append(kept, c)
	}

	kept = r.verify(kept, all, files)
	for _, c := range kept {
		for _, k := range c.findings {
			r.findings[k].Fixed = true
			r.findings[k].NoFix = ""
		}
	}
	for name := range conflictFiles {
		rerun = append(rerun, filepath.Dir(name))
	}
	return rerun
}

// generatedSource reports whether the Go file name says it is generated (ast.IsGenerated).
func generatedSource(name string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
	return err == nil && ast.IsGenerated(f)
}

// fileInfo is what the merge and verification need to know about a source file.
type fileInfo struct {
	name      string
	pkg       *packages.Package
	syntax    *ast.File
	generated bool
	cgo       bool // compiled from a cgo file: its syntax is not the user's source
}

func (r *runner) fileInfos(p *packages.Package, files map[string]*fileInfo) map[string]*fileInfo {
	goFiles := make(map[string]bool)
	for _, f := range p.GoFiles {
		goFiles[f] = true
	}
	for _, f := range p.Syntax {
		name := p.Fset.File(f.Pos()).Name()
		if _, ok := files[name]; ok {
			continue
		}
		fi := &fileInfo{name: name, pkg: p, syntax: f, generated: ast.IsGenerated(f), cgo: !goFiles[name]}
		if fi.cgo {
			// cgo's output says it is generated: the user's file, which its //line
			// directives name, says whether the code is.
			fi.generated = generatedSource(p.Fset.PositionFor(f.Package, true).Filename)
		}
		files[name] = fi
	}
	return files
}

// candidate converts a fix's edits to byte offsets per file, or says why it cannot be
// applied.
func (r *runner) candidate(fset *token.FileSet, files map[string]*fileInfo, what string, tes []analysis.TextEdit) (*candidate, string) {
	c := &candidate{edits: make(map[string][]edit)}
	for _, te := range tes {
		tf := fset.File(te.Pos)
		if tf == nil {
			return nil, "fix has an edit outside any file"
		}
		name := tf.Name()
		fi := files[name]
		switch {
		case fi == nil:
			return nil, "fix edits a file outside the package"
		case fi.cgo:
			return nil, `the file imports "C": concfix does not rewrite cgo files`
		case fi.generated:
			return nil, "generated file"
		case r.onlyFiles != nil && !r.onlyFiles[name]:
			return nil, fmt.Sprintf("fix changes %s, which was not named", r.rel(name))
		}
		c.edits[name] = append(c.edits[name], byteEdit(tf, te))
	}
	for name, es := range c.edits {
		if !diff.Validate(es, fset.File(files[name].syntax.FileStart).Size()) {
			// A bug of the fixer: analysis has the same rule for a fix's edits.
			r.res.Internal = append(r.res.Internal, fmt.Errorf("fix %q has overlapping or out-of-range edits in %s", what, r.rel(name)))
			return nil, "internal error: the fix's edits overlap"
		}
	}
	return c, ""
}

// overlaps reports whether c conflicts with the accepted edits. An edit identical to an
// accepted one is not a conflict; it is dropped from c.
func overlaps(c *candidate, accepted map[string][]edit) bool {
	for name, es := range c.edits {
		var rest []edit
		for _, e := range es {
			dup := false
			for _, a := range accepted[name] {
				if e == a {
					dup = true
					break
				}
				if e.Start < a.End && a.Start < e.End || // ranges intersect
					e.Start == e.End && a.Start == a.End && e.Start == a.Start || // two insertions at one point
					e.Start == e.End && a.Start < e.Start && e.Start < a.End ||
					a.Start == a.End && e.Start < a.Start && a.Start < e.End {
					return true
				}
			}
			if !dup {
				rest = append(rest, e)
			}
		}
		c.edits[name] = rest
	}
	return false
}
