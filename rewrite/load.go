package rewrite

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// The loader type-checks a batch of listed packages from source, with their dependencies
// from export data, as go vet does.
//
// go/packages cannot do this: asked for types without every dependency's syntax, it runs
// go list -export, which compiles every package it lists, the roots and their test
// variants included. On a tree whose tests were never built, that is most of the cost of
// a run. Here the go command compiles only the plain packages that the roots import
// (exportFiles); the roots, their test variants, and the test variants of dependencies
// (q [p.test], when q imports p) are type-checked from source.

// exportData is where a package's export data is, or why there is none: err for its
// importers, and errs, when it does not build, the errors of the build.
type exportData struct {
	file string
	err  string
	errs []packages.Error
}

// exportFiles returns the export data of every plain (non-test) package that a package
// of paths imports, directly or not. The go command builds those it lacks.
func (r *runner) exportFiles(dir string, paths []string, variants map[string][]*packages.Package) (map[string]exportData, error) {
	seen := make(map[string]bool)
	var plain []string
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		for _, ip := range p.Imports {
			if seen[ip.ID] {
				continue
			}
			seen[ip.ID] = true
			if isPlain(ip) && ip.PkgPath != "unsafe" {
				plain = append(plain, ip.ID)
			}
			visit(ip)
		}
	}
	for _, path := range paths {
		for _, p := range variants[path] {
			visit(p)
		}
	}
	files := make(map[string]exportData)
	if len(plain) == 0 {
		return files, nil
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode:       packages.NeedName | packages.NeedExportFile,
		Dir:        dir,
		Env:        r.opts.Env,
		BuildFlags: r.opts.BuildFlags,
	}, plain...)
	if err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		files[p.ID] = exportData{file: p.ExportFile}
		if p.ExportFile == "" && len(p.Errors) > 0 {
			ed := exportData{err: p.Errors[0].Error()}
			if msg := p.Errors[0].Msg; strings.HasPrefix(msg, "# ") {
				// The compiler's output: its errors are reported once (see
				// dependencyProblems), not in the error of every importer.
				ed = exportData{err: "it does not build", errs: buildErrors(dir, p.PkgPath, msg)}
			}
			files[p.ID] = ed
		}
	}
	return files, nil
}

// buildPos matches the position that starts a line of the compiler's output.
var buildPos = regexp.MustCompile(`^(.+?\.go):(\d+(?::\d+)?): (.*)$`)

// buildErrors returns the errors in the output of the go command building package pkg in
// dir: "# pkg", then one error a line, with its position (relative to dir) when it has one,
// and tab-indented continuation lines.
func buildErrors(dir, pkg, out string) []packages.Error {
	var errs []packages.Error
	for line := range strings.SplitSeq(strings.TrimRight(out, "\n"), "\n") {
		switch m := buildPos.FindStringSubmatch(line); {
		case strings.HasPrefix(line, "# "):
		case strings.HasPrefix(line, "\t") && len(errs) > 0:
			errs[len(errs)-1].Msg += "\n" + line
		case m != nil:
			file := m[1]
			if !filepath.IsAbs(file) {
				file = filepath.Join(dir, file)
			}
			errs = append(errs, packages.Error{Pos: file + ":" + m[2], Msg: m[3], Kind: packages.ListError})
		default:
			errs = append(errs, packages.Error{Pos: "-", Msg: pkg + ": " + line, Kind: packages.ListError})
		}
	}
	return errs
}

// dependencyProblems reports, once each, the build errors of the dependencies of the
// packages to analyse that do not build; their importers' errors say only that they do
// not build. A dependency that is analysed too reports its own errors, and those are kept
// where both are at one place (see addSecondaryProblem): the compiler's errors are still
// reported when the dependency type-checks from source but does not build.
func (r *runner) dependencyProblems(exports map[string]exportData) {
	for _, id := range sortedKeys(exports) {
		for _, e := range exports[id].errs {
			r.addSecondaryProblem(r.problem(e))
		}
	}
}

// isPlain reports whether p is a package as the build of a program sees it, not a
// variant built for a package's tests.
func isPlain(p *packages.Package) bool { return !strings.Contains(p.ID, " [") }

// batchLoader loads one batch. Each package of the listing it needs gets a fresh
// packages.Package, so that nothing of a batch outlives it.
type batchLoader struct {
	fset    *token.FileSet
	members map[string]bool       // IDs of the batch's packages, loaded with syntax and types
	apiOnly map[string]bool       // IDs of members whose test variant is in the batch
	exports map[string]exportData // plain package ID -> its export data
	parsed  sync.Map              // file name -> *parsedFile (a package and its test variant share files)
	export  sync.Mutex            // gcexportdata fills packages shared by every reader

	listed map[string]*packages.Package // the listing of each member, by ID

	mu         sync.Mutex
	inspectors map[*packages.Package]*pendingInspector // by loaded package
}

// A pendingInspector is the syntax index of a package, built while the package
// type-checks: on a huge package, inspector.New takes a second that the type checker
// leaves a core idle for.
type pendingInspector struct {
	done chan struct{}
	insp *inspector.Inspector
}

func (pi *pendingInspector) get() *inspector.Inspector {
	<-pi.done
	return pi.insp
}

// takeInspector returns the syntax index built for p while it loaded, or nil, and
// forgets it: p is analysed once.
func (l *batchLoader) takeInspector(p *packages.Package) func() any {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if pi := l.inspectors[p]; pi != nil {
		delete(l.inspectors, p)
		return func() any { return pi.get() }
	}
	return nil
}

// complete returns p type-checked with its function bodies, when it was loaded for its
// API only (its test variant, which holds every file of it, is the one analysed): the
// test variant did not type-check, and p is analysed instead.
func (l *batchLoader) complete(p *packages.Package) *packages.Package {
	if l == nil || !l.apiOnly[p.ID] {
		return p
	}
	return l.checkAs(l.listed[p.ID], p.Imports, false)
}

type parsedFile struct {
	once sync.Once
	f    *ast.File
	err  error
}

// loadBatch type-checks the listed packages of the batch (every variant of each path).
// Packages are loaded in dependency order, GOMAXPROCS at a time: a package starts when
// all its imports are loaded.
func loadBatch(batch []string, variants map[string][]*packages.Package, exports map[string]exportData) ([]*packages.Package, *batchLoader) {
	l := &batchLoader{fset: token.NewFileSet(), members: make(map[string]bool), apiOnly: make(map[string]bool), exports: exports,
		inspectors: make(map[*packages.Package]*pendingInspector), listed: make(map[string]*packages.Package)}
	var list []*packages.Package
	for _, path := range batch {
		for _, p := range variants[path] {
			l.members[p.ID] = true
			l.listed[p.ID] = p
			list = append(list, p)
		}
		// A package whose test variant is loaded too is analysed in that variant, which
		// holds all its files: its own function bodies need not be type-checked again.
		// Its API serves its importers in the batch, and its syntax the verification.
		for _, p := range variants[path] {
			if isPlain(p) && slices.ContainsFunc(variants[path], func(q *packages.Package) bool { return q.ForTest == p.PkgPath && q.PkgPath == p.PkgPath }) {
				l.apiOnly[p.ID] = true
			}
		}
	}
	// The graph below the batch: how many imports each package waits for, and who
	// waits for it.
	waiting := make(map[string]int)
	importers := make(map[string][]*packages.Package)
	var ready []*packages.Package
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if _, ok := waiting[p.ID]; ok {
			return
		}
		waiting[p.ID] = len(p.Imports)
		if len(p.Imports) == 0 {
			ready = append(ready, p)
		}
		for _, ip := range p.Imports {
			importers[ip.ID] = append(importers[ip.ID], p)
			visit(ip)
		}
	}
	for _, p := range list {
		visit(p)
	}

	loaded := make(map[string]*packages.Package, len(waiting))
	done := make(chan *packages.Package, len(waiting)) // never blocks a worker
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for inflight := 0; len(loaded) < len(waiting); inflight-- {
		inflight += len(ready)
		if inflight == 0 {
			break // the rest waits on itself: an import cycle, which go list reports
		}
		for _, p := range ready {
			imports := make(map[string]*packages.Package, len(p.Imports))
			for path, ip := range p.Imports {
				imports[path] = loaded[ip.ID]
			}
			g.Go(func() error {
				done <- l.check(p, imports)
				return nil
			})
		}
		ready = ready[:0]
		lp := <-done
		loaded[lp.ID] = lp
		for _, q := range importers[lp.ID] {
			if waiting[q.ID]--; waiting[q.ID] == 0 {
				ready = append(ready, q)
			}
		}
	}
	g.Wait()
	out := make([]*packages.Package, len(list))
	for i, p := range list {
		out[i] = loaded[p.ID]
		if out[i] == nil {
			out[i] = l.copyOf(p)
			out[i].IllTyped = true
			out[i].Errors = append(slices.Clip(p.Errors), packages.Error{Pos: "-", Msg: "import cycle", Kind: packages.ListError})
		}
	}
	return out, l
}

// copyOf returns a new package with the listing's facts about p, and no types yet.
func (l *batchLoader) copyOf(p *packages.Package) *packages.Package {
	return &packages.Package{
		ID: p.ID, Name: p.Name, PkgPath: p.PkgPath, ForTest: p.ForTest, Module: p.Module,
		GoFiles: p.GoFiles, CompiledGoFiles: p.CompiledGoFiles, OtherFiles: p.OtherFiles,
		IgnoredFiles: p.IgnoredFiles, EmbedFiles: p.EmbedFiles, EmbedPatterns: p.EmbedPatterns,
		Fset: l.fset, TypesSizes: p.TypesSizes, Types: types.NewPackage(p.PkgPath, p.Name),
	}
}

// newTypesInfo returns a types.Info with every map the analyzers may read.
func newTypesInfo() *types.Info {
	return &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Instances:    make(map[*ast.Ident]types.Instance),
		Scopes:       make(map[ast.Node]*types.Scope),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		FileVersions: make(map[*ast.File]string),
	}
}

// check makes the loaded copy of p, whose imports are loaded.
func (l *batchLoader) check(p *packages.Package, imports map[string]*packages.Package) *packages.Package {
	return l.checkAs(p, imports, l.apiOnly[p.ID])
}

// checkAs is check, with the function bodies of a member left out when apiOnly.
func (l *batchLoader) checkAs(p *packages.Package, imports map[string]*packages.Package, apiOnly bool) *packages.Package {
	lp := l.copyOf(p)
	lp.Imports = imports
	member := l.members[p.ID]
	if member {
		lp.Errors = append(lp.Errors, p.Errors...)
		lp.Syntax = []*ast.File{}
		lp.TypesInfo = newTypesInfo()
	}
	if p.PkgPath == "unsafe" {
		lp.Types = types.Unsafe
		return lp
	}
	for _, ip := range imports {
		lp.IllTyped = lp.IllTyped || ip.IllTyped
	}
	if !member && isPlain(p) {
		if err := l.readExport(lp, imports); err != nil {
			lp.Errors = append(lp.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
			lp.IllTyped = true
		}
		return lp
	}
	for _, name := range p.CompiledGoFiles {
		f, err := l.parse(name)
		if f != nil {
			lp.Syntax = append(lp.Syntax, f)
		}
		if err != nil {
			lp.Errors = append(lp.Errors, parseErrors(name, err)...)
		}
	}
	if member && !apiOnly {
		pi := &pendingInspector{done: make(chan struct{})}
		go func() {
			defer close(pi.done)
			pi.insp = inspector.New(lp.Syntax)
		}()
		l.mu.Lock()
		l.inspectors[lp] = pi
		l.mu.Unlock()
	}
	conf := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			ip := imports[path]
			if ip == nil {
				return nil, fmt.Errorf("no metadata for %s", path)
			}
			if !ip.Types.Complete() {
				if len(ip.Errors) > 0 {
					return nil, errors.New(ip.Errors[0].Msg)
				}
				return nil, fmt.Errorf("%s did not load", path)
			}
			return ip.Types, nil
		}),
		IgnoreFuncBodies: !member || apiOnly, // a test variant of a dependency, or a package analysed in its test variant: its API is enough
		Sizes:            p.TypesSizes,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				lp.TypeErrors = append(lp.TypeErrors, te)
				lp.Errors = append(lp.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
				return
			}
			lp.Errors = append(lp.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	_ = types.NewChecker(conf, l.fset, lp.Types, lp.TypesInfo).Files(lp.Syntax)
	lp.IllTyped = lp.IllTyped || len(lp.Errors) > 0
	if !member {
		lp.Syntax = nil // kept by the parse cache while the batch loads
	}
	return lp
}

// readExport fills lp.Types from its export data. The importer sees the packages of lp's
// dependencies that are already loaded, so that every package has one types.Package.
func (l *batchLoader) readExport(lp *packages.Package, imports map[string]*packages.Package) error {
	ed := l.exports[lp.ID]
	if ed.file == "" {
		switch {
		case ed.err != "":
			return errors.New(ed.err)
		case lp.IllTyped: // a dependency does not build, and so neither does lp
			return errors.New("it does not build")
		}
		return fmt.Errorf("no export data for %s", lp.ID)
	}
	name := ed.file
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := exportReader(f)
	if err != nil {
		return fmt.Errorf("reading %s: %v", name, err)
	}
	view := make(map[string]*types.Package)
	seen := make(map[*packages.Package]bool)
	var visit func(map[string]*packages.Package)
	visit = func(imports map[string]*packages.Package) {
		for _, ip := range imports {
			if !seen[ip] {
				seen[ip] = true
				view[ip.PkgPath] = ip.Types
				visit(ip.Imports)
			}
		}
	}
	visit(imports)
	view[lp.PkgPath] = lp.Types
	l.export.Lock()
	defer l.export.Unlock()
	tp, err := gcexportdata.Read(rd, l.fset, view, lp.PkgPath)
	if err != nil {
		return fmt.Errorf("reading %s: %v", name, err)
	}
	lp.Types = tp
	return nil
}

func (l *batchLoader) parse(name string) (*ast.File, error) {
	v, _ := l.parsed.LoadOrStore(name, new(parsedFile))
	pf := v.(*parsedFile)
	pf.once.Do(func() {
		src, err := os.ReadFile(name)
		if err != nil {
			pf.err = err
			return
		}
		// No ast.Object resolution (deprecated; concfix's analyzers read go/types): it is
		// a tenth of the syntax's memory. A file that does not parse is not analysed: its
		// first error on each line is enough, as gofmt and the compiler report them
		// (AllErrors adds the parser's recovery, such as an "expected ';'" after the error
		// that made it).
		pf.f, pf.err = parser.ParseFile(l.fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	})
	return pf.f, pf.err
}

// parseErrors converts a parse error as go/packages does.
func parseErrors(name string, err error) []packages.Error {
	switch err := err.(type) {
	case scanner.ErrorList:
		var out []packages.Error
		for _, e := range err {
			out = append(out, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
		}
		return out
	case *os.PathError:
		return []packages.Error{{Pos: err.Path + ":1", Msg: err.Err.Error(), Kind: packages.ParseError}}
	}
	return []packages.Error{{Pos: name + ":1", Msg: err.Error(), Kind: packages.ParseError}}
}
