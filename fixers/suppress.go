package fixers

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Suppression comments, honoured by every fixer under every driver (concfix, go vet,
// golangci-lint, gopls):
//
//	//concfix:ignore [fixer,...] [reason]   on the finding's line or the line above
//	//nolint, //nolint:all, //nolint:concfix, //nolint:<fixer>   on the finding's line
//
// Either form in a function's doc comment silences the fixers it names in the whole
// function.

// suppressible wraps a so that findings silenced by a comment are not reported.
func suppressible(a *analysis.Analyzer) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		idx := make(map[*token.File]*fileDirectives)
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) {
			if !suppressed(pass, idx, a.Name, d.Pos) {
				pass.Report(d)
			}
		}
		return a.Run(&inner)
	}
	return &w
}

// fileDirectives holds the suppression comments of one file.
type fileDirectives struct {
	lines map[int][]directive // by line
	funcs []funcDirective
}

type directive struct {
	nolint bool     // a //nolint comment: applies to its own line only
	names  []string // fixers named; empty means all
}

func (d directive) covers(name string) bool {
	if len(d.names) == 0 {
		return true
	}
	for _, n := range d.names {
		if n == name || n == "all" || n == "concfix" {
			return true
		}
	}
	return false
}

type funcDirective struct {
	pos, end token.Pos
	d        directive
}

func suppressed(pass *analysis.Pass, idx map[*token.File]*fileDirectives, name string, pos token.Pos) bool {
	tf := pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	fd, ok := idx[tf]
	if !ok {
		fd = indexFile(pass, tf)
		idx[tf] = fd
	}
	if fd == nil {
		return false
	}
	line := tf.Line(pos)
	for _, d := range fd.lines[line] {
		if d.covers(name) {
			return true
		}
	}
	for _, d := range fd.lines[line-1] {
		if !d.nolint && d.covers(name) {
			return true
		}
	}
	for _, f := range fd.funcs {
		if f.pos <= pos && pos < f.end && f.d.covers(name) {
			return true
		}
	}
	return false
}

func indexFile(pass *analysis.Pass, tf *token.File) *fileDirectives {
	var file *ast.File
	for _, f := range pass.Files {
		if pass.Fset.File(f.Pos()) == tf {
			file = f
			break
		}
	}
	if file == nil {
		return nil
	}
	fd := &fileDirectives{lines: make(map[int][]directive)}
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			if d, ok := parseDirective(c.Text); ok {
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
			if d, ok := parseDirective(c.Text); ok {
				fd.funcs = append(fd.funcs, funcDirective{fn.Pos(), fn.End(), d})
			}
		}
	}
	return fd
}

// parseDirective parses a //concfix:ignore or //nolint comment.
func parseDirective(text string) (directive, bool) {
	text, ok := strings.CutPrefix(text, "//")
	if !ok {
		return directive{}, false
	}
	if rest, ok := strings.CutPrefix(text, "concfix:ignore"); ok {
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return directive{}, false
		}
		fields := strings.Fields(rest)
		if len(fields) > 0 {
			names := strings.Split(fields[0], ",")
			if allFixerNames(names) {
				return directive{names: names}, true
			}
		}
		return directive{}, true
	}
	text = strings.TrimLeft(text, " ")
	if rest, ok := strings.CutPrefix(text, "nolint"); ok {
		if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
			return directive{nolint: true}, true // bare //nolint: every linter
		}
		if rest[0] != ':' {
			return directive{}, false
		}
		list, _, _ := strings.Cut(rest[1:], " ")
		var names []string
		for n := range strings.SplitSeq(list, ",") {
			if n = strings.TrimSpace(n); n == "all" || n == "concfix" || knownFixer(n) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return directive{}, false // other linters only
		}
		return directive{nolint: true, names: names}, true
	}
	return directive{}, false
}

func allFixerNames(names []string) bool {
	for _, n := range names {
		if !knownFixer(n) {
			return false
		}
	}
	return true
}
