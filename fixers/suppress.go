package fixers

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Suppression comments, honoured by every fixer under every driver (concfix, go vet,
// golangci-lint, gopls):
//
//	//concfix:ignore [fixer,...] [reason]           on the finding's line or the line above
//	//lint:ignore concfix|fixer[,...] reason        staticcheck's form: same placement, reason required
//	//lint:file-ignore concfix|fixer[,...] reason   the whole file
//	//nolint, //nolint:all, //nolint:concfix, //nolint:<fixer>   on the finding's line
//
// Any but //lint:file-ignore in a function's doc comment silences the fixers it names in
// the whole function. //lint:ignore and //nolint name the checks of several tools: names
// that are not concfix's belong to the others and are left alone.
//
// A directive that names an unknown fixer, a misspelt one (one edit or one swap away from
// a fixer's name) or a list of names with an unknown one in it, silences only the fixers it
// names correctly, and is reported; so is a //lint:ignore for concfix without a reason,
// which silences nothing (as staticcheck does). The first fixer of All reports these, with
// category BadDirective; the first of Audited's, in concfix's own runs.

// Categories of the diagnostics about directives.
const (
	// BadDirective: a directive naming an unknown fixer, or a //lint:ignore without a reason.
	BadDirective = "directive"
	// DirectiveUsed and DirectiveUnused mark, for Audited fixers, each //concfix:ignore and
	// //lint:ignore that covers the fixer and did or did not silence one of its findings.
	// A directive is unused when every fixer it covers marks it unused.
	DirectiveUsed   = "directive-used"
	DirectiveUnused = "directive-unused"
)

// unwrapped maps each wrapped fixer to the fixer it wraps.
var unwrapped = make(map[*analysis.Analyzer]*analysis.Analyzer)

// suppressible wraps a so that findings silenced by a comment are not reported. The first
// registered fixer also reports bad directives.
func suppressible(a *analysis.Analyzer) *analysis.Analyzer {
	w := wrap(a, a == registry[0], false)
	unwrapped[w] = a
	return w
}

// Audited returns the fixers of All named by as, wrapped for concfix's own runs: the first
// reports bad directives, and with markUnused each marks the directives it covers as used
// or unused (DirectiveUsed, DirectiveUnused).
func Audited(as []*analysis.Analyzer, markUnused bool) []*analysis.Analyzer {
	out := make([]*analysis.Analyzer, len(as))
	for i, a := range as {
		if raw, ok := unwrapped[a]; ok {
			a = raw
		}
		out[i] = wrap(a, i == 0, markUnused)
	}
	return out
}

func wrap(a *analysis.Analyzer, reportBad, markUnused bool) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		idx := make(map[*token.File]*fileDirectives)
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) {
			if dir := silencing(pass, idx, a.Name, d.Pos); dir != nil {
				dir.used = true
				return
			}
			pass.Report(d)
		}
		res, err := a.Run(&inner)
		if reportBad || markUnused {
			for _, f := range pass.Files {
				fd := directivesOf(pass, idx, pass.Fset.File(f.Pos()))
				if fd == nil {
					continue
				}
				for _, d := range fd.all {
					if reportBad && d.problem != "" {
						pass.Report(analysis.Diagnostic{Pos: d.pos, Category: BadDirective, Message: d.problem})
					}
					if markUnused && d.audited() && d.covers(a.Name) {
						cat, msg := DirectiveUnused, d.text+" silences no finding; should it be removed?"
						if d.used {
							cat, msg = DirectiveUsed, d.text+" silences a finding"
						}
						pass.Report(analysis.Diagnostic{Pos: d.pos, Category: cat, Message: msg})
					}
				}
			}
		}
		return res, err
	}
	return &w
}

// dialect is the form of a directive.
type dialect int

const (
	concfixIgnore  dialect = iota // //concfix:ignore
	lintIgnore                    // //lint:ignore
	lintFileIgnore                // //lint:file-ignore
	nolint                        // //nolint
)

// fileDirectives holds the suppression comments of one file.
type fileDirectives struct {
	all   []*directive
	lines map[int][]*directive // by line, but //lint:file-ignore
	funcs []funcDirective
}

type directive struct {
	pos     token.Pos
	dialect dialect
	text    string   // the directive's name, as written: //concfix:ignore, //lint:ignore...
	all     bool     // silences every fixer
	names   []string // or only these
	problem string   // what is wrong with it, if anything
	used    bool     // it silenced a finding in this pass
}

func (d *directive) covers(name string) bool {
	if d.all {
		return true
	}
	for _, n := range d.names {
		if n == name {
			return true
		}
	}
	return false
}

// audited reports whether an unused directive of this form is reported (staticcheck
// reports its //lint:ignore directives; //nolint is golangci-lint's nolintlint's).
func (d *directive) audited() bool {
	return (d.dialect == concfixIgnore || d.dialect == lintIgnore) && (d.all || len(d.names) > 0)
}

type funcDirective struct {
	pos, end token.Pos
	d        *directive
}

// silencing returns the directive that silences fixer name at pos, if any.
func silencing(pass *analysis.Pass, idx map[*token.File]*fileDirectives, name string, pos token.Pos) *directive {
	tf := pass.Fset.File(pos)
	fd := directivesOf(pass, idx, tf)
	if fd == nil {
		return nil
	}
	line := tf.Line(pos)
	for _, d := range fd.lines[line] {
		if d.covers(name) {
			return d
		}
	}
	for _, d := range fd.lines[line-1] {
		if d.dialect != nolint && d.covers(name) {
			return d
		}
	}
	for _, f := range fd.funcs {
		if f.pos <= pos && pos < f.end && f.d.covers(name) {
			return f.d
		}
	}
	for _, d := range fd.all {
		if d.dialect == lintFileIgnore && d.covers(name) {
			return d
		}
	}
	return nil
}

// directivesOf returns the directives of tf, indexing its file on first use; nil when tf
// is not one of the pass's files.
func directivesOf(pass *analysis.Pass, idx map[*token.File]*fileDirectives, tf *token.File) *fileDirectives {
	if tf == nil {
		return nil
	}
	if fd, ok := idx[tf]; ok {
		return fd
	}
	var file *ast.File
	for _, f := range pass.Files {
		if pass.Fset.File(f.Pos()) == tf {
			file = f
			break
		}
	}
	var fd *fileDirectives
	if file != nil {
		fd = indexFile(tf, file)
	}
	idx[tf] = fd
	return fd
}

func indexFile(tf *token.File, file *ast.File) *fileDirectives {
	fd := &fileDirectives{lines: make(map[int][]*directive)}
	byPos := make(map[token.Pos]*directive)
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			d := parseDirective(c.Text)
			if d == nil {
				continue
			}
			d.pos = c.Pos()
			byPos[d.pos] = d
			fd.all = append(fd.all, d)
			if d.dialect != lintFileIgnore {
				line := tf.Line(c.Pos())
				fd.lines[line] = append(fd.lines[line], d)
			}
		}
	}
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Doc == nil {
			continue
		}
		for _, c := range fn.Doc.List {
			if d := byPos[c.Pos()]; d != nil && d.dialect != lintFileIgnore {
				fd.funcs = append(fd.funcs, funcDirective{fn.Pos(), fn.End(), d})
			}
		}
	}
	return fd
}

// nameList is a comma-separated list of two names or more: in //concfix:ignore's first
// word, it is a list of fixers, not the start of a reason.
var nameList = regexp.MustCompile(`^[a-z][a-z0-9]*(,[a-z][a-z0-9]*)+$`)

// parseDirective parses a suppression comment; nil means it is none, or names only other
// tools' checks.
func parseDirective(text string) *directive {
	text, ok := strings.CutPrefix(text, "//")
	if !ok {
		return nil
	}
	if rest, ok := strings.CutPrefix(text, "concfix:ignore"); ok {
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return nil
		}
		d := &directive{dialect: concfixIgnore, text: "//concfix:ignore", all: true}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return d
		}
		names := strings.Split(fields[0], ",")
		if allFixerNames(names) {
			d.all, d.names = false, names
		} else if nameList.MatchString(fields[0]) || len(names) == 1 && nearFixer(names[0]) != "" {
			d.all = false
			d.names, d.problem = sortNames(d.text, names, knownFixer)
		}
		return d
	}
	for _, form := range []struct {
		prefix  string
		dialect dialect
	}{{"lint:ignore", lintIgnore}, {"lint:file-ignore", lintFileIgnore}} {
		rest, ok := strings.CutPrefix(text, form.prefix)
		if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		d := &directive{dialect: form.dialect, text: "//" + form.prefix}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil // names no check: staticcheck reports it
		}
		if !d.named(strings.Split(fields[0], ","), "concfix") {
			return nil
		}
		if len(fields) < 2 {
			// staticcheck's rule: without a reason, the directive is malformed and silences
			// nothing.
			d.all, d.names = false, nil
			d.problem = strings.TrimPrefix(d.problem+"; ", "; ") +
				fmt.Sprintf("%s needs a reason after the fixers: %s %s reason", d.text, d.text, fields[0])
		}
		return d
	}
	text = strings.TrimLeft(text, " ")
	if rest, ok := strings.CutPrefix(text, "nolint"); ok {
		d := &directive{dialect: nolint, text: "//nolint", all: true}
		if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
			return d // bare //nolint: every linter
		}
		if rest[0] != ':' {
			return nil
		}
		list, _, _ := strings.Cut(rest[1:], " ")
		var names []string
		for n := range strings.SplitSeq(list, ",") {
			names = append(names, strings.TrimSpace(n))
		}
		d.all = false
		if !d.named(names, "all", "concfix") {
			return nil // other linters only
		}
		return d
	}
	return nil
}

// named sets what d silences from a list of check names of several tools, of which those
// in every and the fixers' are concfix's, and a near miss of a fixer's is an error. It
// reports whether any name is concfix's.
func (d *directive) named(names []string, every ...string) bool {
	ours := func(n string) bool { return knownFixer(n) || nearFixer(n) != "" || contains(every, n) }
	var mine []string
	for _, n := range names {
		if contains(every, n) {
			d.all = true
		}
		if ours(n) {
			mine = append(mine, n)
		}
	}
	if len(mine) == 0 {
		return false
	}
	if !d.all {
		d.names, d.problem = sortNames(d.text, mine, knownFixer)
	} else {
		_, d.problem = sortNames(d.text, mine, func(n string) bool { return knownFixer(n) || contains(every, n) })
	}
	return true
}

// sortNames returns the known names, and a problem naming the unknown ones.
func sortNames(text string, names []string, known func(string) bool) ([]string, string) {
	var good, bad []string
	for _, n := range names {
		if known(n) {
			good = append(good, n)
		} else {
			bad = append(bad, n)
		}
	}
	if len(bad) == 0 {
		return good, ""
	}
	var msgs []string
	hint := " (see concfix -list)"
	for _, n := range bad {
		m := fmt.Sprintf("%q", n)
		if near := nearFixer(n); near != "" {
			m += fmt.Sprintf(" (did you mean %s?)", near)
			hint = ""
		}
		msgs = append(msgs, m)
	}
	word := "fixer"
	if len(bad) > 1 {
		word = "fixers"
	}
	return good, fmt.Sprintf("%s names unknown %s %s%s", text, word, strings.Join(msgs, ", "), hint)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func allFixerNames(names []string) bool {
	for _, n := range names {
		if !knownFixer(n) {
			return false
		}
	}
	return true
}

// nearFixer returns the fixer whose name is one edit or one swap of adjacent letters away
// from n (a misspelling), or "".
func nearFixer(n string) string {
	if knownFixer(n) {
		return ""
	}
	for _, a := range registry {
		if editDistance(n, a.Name) <= 1 {
			return a.Name
		}
	}
	return ""
}

// editDistance is the optimal string alignment distance between a and b: insertions,
// deletions, substitutions and swaps of adjacent bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
