package fixers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sync"

	"golang.org/x/tools/go/analysis"
)

// WithoutGenerated wraps each analyzer so that it reports nothing in generated files
// (ast.IsGenerated), golangci-lint's convention: the go vet tool's counterpart of the
// concfix driver's default (rewrite.Options.Generated), so that both report the same.
// A file is judged by its source as the user sees it: a cgo file, whose compiled form is
// cgo's generated output, is not generated.
func WithoutGenerated(as []*analysis.Analyzer) []*analysis.Analyzer {
	out := make([]*analysis.Analyzer, len(as))
	for i, a := range as {
		w := *a
		w.Run = func(pass *analysis.Pass) (any, error) {
			var mu sync.Mutex
			judged := make(map[string]bool)
			inner := *pass
			inner.Report = func(d analysis.Diagnostic) {
				name := pass.Fset.Position(d.Pos).Filename // through //line, the user's file
				mu.Lock()
				gen, ok := judged[name]
				if !ok {
					gen = generatedSource(pass, name)
					judged[name] = gen
				}
				mu.Unlock()
				if !gen {
					pass.Report(d)
				}
			}
			return a.Run(&inner)
		}
		out[i] = &w
	}
	return out
}

// generatedSource reports whether the Go file name says it is generated.
func generatedSource(pass *analysis.Pass, name string) bool {
	src, err := pass.ReadFile(name)
	if err != nil {
		return false
	}
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.PackageClauseOnly|parser.ParseComments)
	return err == nil && ast.IsGenerated(f)
}
