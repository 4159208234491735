package rewrite

import (
	"fmt"
	"go/types"
	"reflect"
	"runtime/debug"
	"sync"

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
// given holds the results of requirements computed beforehand (the loader's inspector).
//
// Analyzers run in parallel, each once its requirements are done
// (the fixers share one model, safe for concurrent use). What they report is kept in the
// order of analyzers, whatever the order they finish in: of overlapping fixes, the first
// is applied.
func analyze(pkg *packages.Package, analyzers []*analysis.Analyzer, readFile func(string) ([]byte, error), given map[*analysis.Analyzer]func() any) *pkgResult {
	res := &pkgResult{pkg: pkg}
	var factsMu sync.Mutex
	facts := make(map[factKey]analysis.Fact)
	type job struct {
		once   sync.Once
		result any
		err    error
		diags  []diagnostic
		parts  []part
	}
	jobs := make(map[*analysis.Analyzer]*job)
	var add func(a *analysis.Analyzer)
	add = func(a *analysis.Analyzer) {
		if jobs[a] == nil {
			jobs[a] = new(job)
			for _, req := range a.Requires {
				add(req)
			}
		}
	}
	roots := make(map[*analysis.Analyzer]bool)
	for _, a := range analyzers {
		roots[a] = true
		add(a)
	}

	var run func(a *analysis.Analyzer) *job
	runOne := func(a *analysis.Analyzer, j *job) (result any, err error) {
		if res, ok := given[a]; ok && !roots[a] {
			return res(), nil
		}
		inputs := make(map[*analysis.Analyzer]any)
		for _, req := range a.Requires {
			rj := run(req)
			if rj.err != nil {
				return nil, fmt.Errorf("%s: requirement %s: %w", a.Name, req.Name, rj.err)
			}
			inputs[req] = rj.result
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
					j.diags = append(j.diags, diagnostic{a, d})
				}
			},
			ImportObjectFact: func(obj types.Object, fact analysis.Fact) bool {
				factsMu.Lock()
				defer factsMu.Unlock()
				return importFact(facts, factKey{obj, reflect.TypeOf(fact)}, fact)
			},
			ExportObjectFact: func(obj types.Object, fact analysis.Fact) {
				factsMu.Lock()
				defer factsMu.Unlock()
				facts[factKey{obj, reflect.TypeOf(fact)}] = fact
			},
			ImportPackageFact: func(p *types.Package, fact analysis.Fact) bool {
				factsMu.Lock()
				defer factsMu.Unlock()
				return p == pkg.Types && importFact(facts, factKey{nil, reflect.TypeOf(fact)}, fact)
			},
			ExportPackageFact: func(fact analysis.Fact) {
				factsMu.Lock()
				defer factsMu.Unlock()
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
		result, err = a.Run(pass)
		if err != nil {
			return nil, fmt.Errorf("%s on package %s: %v", a.Name, pkg.PkgPath, err)
		}
		if parts, ok := result.(*fixkit.Parts); ok && parts != nil && roots[a] {
			for _, p := range parts.List {
				j.parts = append(j.parts, part{a, p})
			}
		}
		return result, nil
	}

	run = func(a *analysis.Analyzer) *job {
		j := jobs[a]
		j.once.Do(func() { j.result, j.err = runOne(a, j) })
		return j
	}

	// Every analyzer at once: the scheduler shares the processors among them, so that a
	// slow analyzer late in the list does not run alone at the end. The packages of a
	// batch are analysed GOMAXPROCS at a time (runner.analyzeAll).
	var wg sync.WaitGroup
	for _, a := range analyzers {
		wg.Go(func() { run(a) })
	}
	wg.Wait()
	for _, a := range analyzers {
		j := jobs[a]
		if j.err != nil {
			res.errs = append(res.errs, j.err)
		}
		res.diags = append(res.diags, j.diags...)
		res.parts = append(res.parts, j.parts...)
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
