package rewrite

import (
	"fmt"
	"go/types"
	"reflect"
	"runtime/debug"

	"github.com/concfix/concfix/internal/fixkit"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// analysis of one package by a set of analyzers and their requirements.
//
// concfix runs analyzers with this small runner rather than x/tools' checker for two
// reasons: the checker reads files from disk (pass.ReadFile ignores the overlay that a
// re-run after conflicting fixes needs), and an analyzer with facts (ctrlflow) makes the
// checker analyse every dependency from source. Facts here live within one package: a
// dependency's facts are absent, which analyzers must tolerate (ctrlflow then assumes a
// function may return, the conservative answer).

// pkgResult is what the analyzers found in one package.
type pkgResult struct {
	pkg   *packages.Package
	diags []diagnostic
	parts []part
	errs  []error // analyzer failures (internal errors, not the user's)
}

type part struct {
	analyzer *analysis.Analyzer
	fixkit.Part
}

type diagnostic struct {
	analyzer *analysis.Analyzer
	analysis.Diagnostic
}

type factKey struct {
	obj types.Object // nil for a package fact
	typ reflect.Type
}

// analyze runs analyzers (the roots) with their requirements on pkg. readFile serves
// pass.ReadFile, so that fixes are computed against the content the syntax came from.
func analyze(pkg *packages.Package, analyzers []*analysis.Analyzer, readFile func(string) ([]byte, error)) *pkgResult {
	res := &pkgResult{pkg: pkg}
	results := make(map[*analysis.Analyzer]any)
	failed := make(map[*analysis.Analyzer]error)
	facts := make(map[factKey]analysis.Fact)
	roots := make(map[*analysis.Analyzer]bool)
	for _, a := range analyzers {
		roots[a] = true
	}

	var run func(a *analysis.Analyzer) error
	run = func(a *analysis.Analyzer) (err error) {
		if _, ok := results[a]; ok {
			return nil
		}
		if err, ok := failed[a]; ok {
			return err
		}
		defer func() {
			if err != nil {
				failed[a] = err
			}
		}()
		inputs := make(map[*analysis.Analyzer]any)
		for _, req := range a.Requires {
			if err := run(req); err != nil {
				return fmt.Errorf("%s: requirement %s: %w", a.Name, req.Name, err)
			}
			inputs[req] = results[req]
		}
		pass := &analysis.Pass{
			Analyzer:     a,
			Fset:         pkg.Fset,
			Files:        pkg.Syntax,
			OtherFiles:   pkg.OtherFiles,
			IgnoredFiles: pkg.IgnoredFiles,
			Pkg:          pkg.Types,
			TypesInfo:    pkg.TypesInfo,
			TypesSizes:   pkg.TypesSizes,
			TypeErrors:   pkg.TypeErrors,
			Module:       &analysis.Module{},
			ResultOf:     inputs,
			ReadFile:     readFile,
			Report: func(d analysis.Diagnostic) {
				if roots[a] {
					res.diags = append(res.diags, diagnostic{a, d})
				}
			},
			ImportObjectFact: func(obj types.Object, fact analysis.Fact) bool {
				return importFact(facts, factKey{obj, reflect.TypeOf(fact)}, fact)
			},
			ExportObjectFact: func(obj types.Object, fact analysis.Fact) {
				facts[factKey{obj, reflect.TypeOf(fact)}] = fact
			},
			ImportPackageFact: func(p *types.Package, fact analysis.Fact) bool {
				return p == pkg.Types && importFact(facts, factKey{nil, reflect.TypeOf(fact)}, fact)
			},
			ExportPackageFact: func(fact analysis.Fact) {
				facts[factKey{nil, reflect.TypeOf(fact)}] = fact
			},
			AllObjectFacts:  func() []analysis.ObjectFact { return nil },
			AllPackageFacts: func() []analysis.PackageFact { return nil },
		}
		if m := pkg.Module; m != nil {
			pass.Module = &analysis.Module{Path: m.Path, Version: m.Version, GoVersion: m.GoVersion}
		}
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%s panicked on package %s: %v\n%s", a.Name, pkg.PkgPath, r, debug.Stack())
			}
		}()
		result, err := a.Run(pass)
		if err != nil {
			return fmt.Errorf("%s on package %s: %v", a.Name, pkg.PkgPath, err)
		}
		if parts, ok := result.(*fixkit.Parts); ok && parts != nil && roots[a] {
			for _, p := range parts.List {
				res.parts = append(res.parts, part{a, p})
			}
		}
		results[a] = result
		return nil
	}
	for _, a := range analyzers {
		if err := run(a); err != nil && roots[a] {
			res.errs = append(res.errs, err)
		}
	}
	return res
}

func importFact(facts map[factKey]analysis.Fact, k factKey, into analysis.Fact) bool {
	f, ok := facts[k]
	if !ok {
		return false
	}
	reflect.ValueOf(into).Elem().Set(reflect.ValueOf(f).Elem())
	return true
}
