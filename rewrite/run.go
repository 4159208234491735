package rewrite

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/packages"
)

// runner is the state of one Run.
type runner struct {
	opts      Options
	dir       string
	onlyFiles map[string]bool   // when files were named, only they are reported and changed
	done      int               // packages analysed, for Progress
	cache     *resultCache      // nil: no result cache
	keys      map[string]string // package path -> result cache key, for packages to analyse
	dirKeys   map[string]string // package directory -> result cache key
	uncached  map[string]bool   // package paths whose outcome must not be cached
	total     int               // packages listed

	mu        sync.Mutex
	contents  map[string][]byte // current content of every file changed so far (the overlay)
	original  map[string][]byte // content before concfix of every changed file
	findings  map[string]*Finding
	importers map[string]map[string][]string      // module path -> package -> its importers in the module
	parts     map[string]map[string]*contribution // analyzer and key -> package ID -> its part
	analysed  map[string]bool                     // package paths analysed
	secondary map[Problem]bool                    // problems of dependencies, reported by their importers
	adhoc     map[string]*listing                 // file -> the ad-hoc package's listing it is of
	inPackage map[string]bool                     // the files of the packages listed (with named files only)
	ignored   map[string]bool                     // the files that their packages' build constraints exclude (ditto)
	fixedIn   map[string][]byte                   // this round's overlay: the content its packages were loaded with
	origins   map[string]*origin                  // by file, for the files of fixedIn that changed
	order     []string                            // finding keys in order of discovery
	res       Result
}

// maxRounds bounds the re-runs after overlapping fixes.
const maxRounds = 4

// Run loads the packages, runs the analyzers, and computes the verified fixes.
func Run(opts Options) (*Result, error) {
	dir := opts.Dir
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r := &runner{
		opts:     opts,
		dir:      dir,
		contents: make(map[string][]byte),
		original: make(map[string][]byte),
		findings: make(map[string]*Finding),
		parts:    make(map[string]map[string]*contribution),
		analysed: make(map[string]bool),
		keys:     make(map[string]string),
		dirKeys:  make(map[string]string),
		uncached: make(map[string]bool),
		adhoc:    make(map[string]*listing),
	}
	if opts.CacheDir != "" {
		r.cache = &resultCache{dir: opts.CacheDir, salt: fmt.Sprintf("%s\x00generated=%v", opts.CacheSalt, opts.Generated),
			pkgs: make(map[*packages.Package]string), files: make(map[string]string)}
	}
	patterns := opts.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	// Files are loaded from the module that holds them (a pre-commit hook in a monorepo
	// passes files of several modules); everything else from dir.
	var listings []*listing
	modules := make(map[string]*listing) // by directory
	adhoc := make(map[string]*listing)   // by the directory of its files
	module := func(d string) *listing {
		if modules[d] == nil {
			modules[d] = &listing{dir: d}
			listings = append(listings, modules[d])
		}
		return modules[d]
	}
	for _, p := range patterns {
		if !strings.HasSuffix(p, ".go") {
			l := module(dir)
			l.patterns = append(l.patterns, p)
			continue
		}
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, p)
		}
		if fi, err := os.Stat(abs); err != nil || fi.IsDir() {
			r.res.Problems = append(r.res.Problems, Problem{Message: fmt.Sprintf("%s: no such file", p)})
			continue
		}
		if r.onlyFiles == nil {
			r.onlyFiles = make(map[string]bool)
		}
		r.onlyFiles[abs] = true
		// The whole package is listed, as ./... lists it, not only its variants that hold
		// the file: they are analysed with the same cache key, and the findings are then
		// narrowed to the named files. The files outside any module form an ad-hoc package
		// per directory, as go vet makes of them.
		fdir := filepath.Dir(abs)
		root, ok := moduleRoot(fdir)
		switch {
		case !ok && adhoc[fdir] == nil:
			adhoc[fdir] = &listing{dir: fdir, files: true, patterns: []string{abs}}
			listings = append(listings, adhoc[fdir])
		case !ok:
			adhoc[fdir].patterns = append(adhoc[fdir].patterns, abs)
		case !slices.Contains(module(root).patterns, fdir):
			l := module(root)
			l.patterns = append(l.patterns, fdir)
		}
	}
	for _, l := range listings {
		if err := r.runListing(l); err != nil {
			return nil, err
		}
	}
	// Named files that the build constraints of their package exclude are analysed as
	// go vet does: naming files ignores build constraints (go help packages).
	for _, l := range r.excluded() {
		if err := r.runListing(l); err != nil {
			return nil, err
		}
	}
	r.applyGroups()
	return r.result(), nil
}

// A batch is the set of packages (with their test variants) loaded with syntax and types
// at once: memory, not time, is what a load-everything driver runs out of. Dependencies
// come from export data. A batch holds at most batchSize packages, or batchBytes of
// source: the memory a package takes grows with its source, and one large package with
// its tests (runtime, net/http) takes as much as dozens of small ones.
const (
	batchSize  = 32
	batchBytes = 2 << 20
)

// batches splits paths, in order, into batches.
func batches(paths []string, variants map[string][]*packages.Package) [][]string {
	var out [][]string
	var cur []string
	var bytes int64
	for _, path := range paths {
		size := sourceSize(variants[path])
		if len(cur) > 0 && (len(cur) == batchSize || bytes+size > batchBytes) {
			out = append(out, cur)
			cur, bytes = nil, 0
		}
		cur = append(cur, path)
		bytes += size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// sourceSize returns the size of the Go files of a package and its test variants.
func sourceSize(variants []*packages.Package) int64 {
	var n int64
	seen := make(map[string]bool)
	for _, p := range variants {
		for _, f := range p.GoFiles {
			if seen[f] {
				continue
			}
			seen[f] = true
			if fi, err := os.Stat(f); err == nil {
				n += fi.Size()
			}
		}
	}
	return n
}

// runListing lists the packages of l, then analyses and fixes them in batches.
func (r *runner) runListing(l *listing) error {
	dir, patterns := l.dir, l.patterns
	if l.files {
		for _, f := range patterns {
			r.adhoc[f] = l
		}
	}
	if r.cache != nil {
		if env, err := goEnv(dir, r.opts.Env); err != nil {
			r.cache = nil // no key can be trusted: analyse everything
		} else {
			r.cache.env = env
		}
	}
	// With the cache, the first listing is only for the keys; the packages left to analyse
	// are listed again, compiled. Without it, one compiled listing serves.
	compiled := r.cache == nil
	listed, err := r.list(dir, patterns, compiled)
	if err != nil {
		return err
	}
	r.checkPatterns(dir, patterns, listed)
	r.noteFiles(listed)
	var paths []string
	variants := make(map[string][]*packages.Package)
	for _, p := range listed {
		if len(p.Errors) > 0 && len(p.GoFiles)+len(p.CompiledGoFiles)+len(p.OtherFiles) == 0 {
			// A named file that build constraints exclude is analysed alone (excluded),
			// even when they exclude every file of the package.
			if !slices.ContainsFunc(p.IgnoredFiles, func(f string) bool { return r.onlyFiles[f] }) {
				for _, e := range p.Errors {
					r.addProblem(r.problem(e))
				}
			}
			continue
		}
		if isGeneratedTestMain(p) {
			continue
		}
		path := groupPath(p)
		if _, ok := variants[path]; !ok {
			paths = append(paths, path)
		}
		variants[path] = append(variants[path], p)
	}
	if r.cache != nil {
		paths = slices.DeleteFunc(paths, func(path string) bool {
			key := r.cache.key(variants[path])
			if key == "" {
				return false
			}
			if !l.files { // an ad-hoc package does not stand for its directory
				r.dirKeys[packageDir(variants[path])] = key
			}
			if e, ok := r.cache.get(key); ok {
				if e, ok = e.only(r.onlyFiles, r.rel); ok {
					r.restore(path, e)
					return true
				}
			}
			r.keys[path] = key
			return false
		})
	}
	if len(paths) == 0 {
		return nil
	}
	if !compiled {
		if paths, err = r.relist(l, paths, variants); err != nil {
			return err
		}
	}
	r.total += len(paths)
	if r.opts.Progress != nil {
		r.opts.Progress(r.done, r.total)
	}
	exports, err := r.exportFiles(dir, paths, variants)
	if err != nil {
		return err
	}
	r.dependencyProblems(exports)
	for _, batch := range batches(paths, variants) {
		since, internal := len(r.order), len(r.res.Internal)
		pkgs, loader := loadBatch(batch, variants, exports)
		if err := r.rounds(l, pkgs, loader); err != nil {
			return err
		}
		if r.cache != nil && len(r.res.Internal) == internal {
			r.store(batch, variants, r.order[since:])
		}
		r.done += len(batch)
		if r.opts.Progress != nil {
			r.opts.Progress(r.done, r.total)
		}
	}
	return nil
}

func (r *runner) load(dir string, patterns []string, overlay map[string][]byte) ([]*packages.Package, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule | packages.NeedForTest,
		Dir:        dir,
		Env:        r.opts.Env,
		BuildFlags: r.opts.BuildFlags,
		Tests:      r.opts.Tests,
		Overlay:    overlay,
	}
	return packages.Load(cfg, patterns...)
}

// overlayFor returns the fixed content of the files in dirs, for loading those packages
// again. The other packages' fixes are left out: they are local (a fix that changes what
// other packages see is a whole-program fix, and those are verified together, after every
// batch), and the go command would compile again every package that depends on a package
// with a file in the overlay: all of them, after a fix in package testing.
func (r *runner) overlayFor(dirs []string) map[string][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	overlay := make(map[string][]byte)
	for name, b := range r.contents {
		if slices.Contains(dirs, filepath.Dir(name)) {
			overlay[name] = b
		}
	}
	return overlay
}

// rounds runs the analysis until no fix is left out because it overlapped another.
// The first round analyses the loaded batch; later rounds load the directories of the
// conflicting packages again, with their fixed content.
func (r *runner) rounds(l *listing, pkgs []*packages.Package, loader *batchLoader) error {
	var dirs []string
	defer r.loadedFrom(nil)
	for round := 0; round < maxRounds; round++ {
		if round > 0 {
			overlay := r.overlayFor(dirs)
			query := dirs
			if l.files {
				query = l.patterns // an ad-hoc package: its files again
			}
			var err error
			if pkgs, err = r.load(l.dir, query, overlay); err != nil {
				return err
			}
			r.loadedFrom(overlay) // positions in this round's files are mapped back
			loader = nil
		}
		roots, all := r.roots(pkgs, round == 0, loader.complete)
		results := r.analyzeAll(roots, loader)
		conflicts := r.apply(results, all)
		if len(conflicts) == 0 {
			return nil
		}
		// Re-run on the packages whose fixes collided, against the fixed content. Their
		// unfixed findings will be found again.
		slices.Sort(conflicts)
		dirs = slices.Compact(conflicts)
		if round == maxRounds-1 {
			break
		}
		for k, f := range r.findings {
			again := slices.Contains(dirs, filepath.Dir(f.Pos.Filename))
			if l.files { // not the findings of the directory's package, which is not loaded
				again = slices.Contains(l.patterns, f.Pos.Filename)
			}
			if !f.Fixed && again {
				delete(r.findings, k)
			}
		}
	}
	return nil
}

// roots picks the packages to analyse: a package's test variant in place of the package
// (it holds every file of it and the in-package tests), the external test package, and
// no generated test main. Packages with errors are reported (once, in the first round)
// and skipped. all is every loaded root package, to be verified when files change.
// complete gives a package loaded for its API only (see batchLoader.apiOnly) with its
// function bodies, when it is analysed after all.
func (r *runner) roots(pkgs []*packages.Package, report bool, complete func(*packages.Package) *packages.Package) (roots, all []*packages.Package) {
	hasTestVariant := make(map[string]bool)
	for _, p := range pkgs {
		if p.ForTest != "" && p.ForTest == p.PkgPath && len(p.Errors) == 0 {
			hasTestVariant[p.PkgPath] = true
		}
	}
	for _, p := range pkgs {
		if isGeneratedTestMain(p) && isTestMain(p) {
			continue
		}
		analysed := p.ForTest != "" || !hasTestVariant[p.PkgPath]
		if analysed {
			p = complete(p)
		}
		if len(p.Errors) > 0 || p.IllTyped {
			r.uncached[groupPath(p)] = true
			if report {
				r.packageProblems(p)
			}
			continue
		}
		all = append(all, p)
		if analysed {
			roots = append(roots, p)
		}
	}
	return roots, all
}

func isTestMain(p *packages.Package) bool {
	for _, f := range p.CompiledGoFiles {
		if !strings.HasSuffix(f, "_testmain.go") && filepath.Ext(f) == ".go" && !strings.Contains(f, string(filepath.Separator)+"go-build") {
			return false
		}
	}
	return true
}

// analyzeAll analyses the roots, GOMAXPROCS at a time. The loader, when the roots are
// its packages, gives the syntax index it built for them. A root's type information is
// released once it is analysed (what follows needs its syntax and its API only), so that
// a batch holds the type information of the packages in analysis, not of all.
func (r *runner) analyzeAll(roots []*packages.Package, loader *batchLoader) []*pkgResult {
	results := make([]*pkgResult, len(roots))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range roots {
		g.Go(func() error {
			given := make(map[*analysis.Analyzer]func() any)
			if insp := loader.takeInspector(p); insp != nil {
				given[inspect.Analyzer] = insp
			}
			results[i] = analyze(p, r.opts.Analyzers, r.readFile, given)
			p.TypesInfo, p.TypeErrors = nil, nil
			return nil
		})
	}
	g.Wait()
	return results
}

// readFile serves pass.ReadFile: fixed content from the overlay, else the disk.
func (r *runner) readFile(name string) ([]byte, error) {
	r.mu.Lock()
	b, ok := r.contents[name]
	r.mu.Unlock()
	if ok {
		return b, nil
	}
	return os.ReadFile(name)
}
