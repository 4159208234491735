package rewrite

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/concfix/concfix/internal/diff"
	"github.com/concfix/concfix/internal/fixkit"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// Options configure a Run.
type Options struct {
	Dir        string   // directory to load from; "" means the current directory
	Patterns   []string // packages, directories (./...), or .go files; none means ./...
	Tests      bool     // include _test.go files and test packages
	BuildFlags []string // passed to the build system (e.g. -tags=x)
	Env        []string // environment for the build system; nil means os.Environ()
	Analyzers  []*analysis.Analyzer

	// CacheDir, if set, holds the result cache: a package analysed before, and unchanged
	// since, is not analysed again; its findings and fixes come from the cache. CacheSalt
	// identifies concfix's build and options (fixers, their flags): results from another
	// salt are never used.
	CacheDir, CacheSalt string

	// Progress, if set, is called once the packages to analyse are listed and after each
	// batch, with the number of packages analysed so far and the number listed so far.
	Progress func(done, total int)
}

// A Finding is one diagnostic, with the fate of its fix.
type Finding struct {
	Analyzer   string
	Pos        token.Position // the file name is absolute
	End        token.Position
	Message    string
	Category   string // the diagnostic's category, if any
	FixMessage string // the fix offered, if any: its message
	Edits      []Edit // and its edits, against the file contents before concfix
	Fixed      bool   // the fix is part of Result.Changes
	NoFix      string // why there is no fix, or why it was dropped
}

// An Edit replaces the bytes [Start.Offset, End.Offset) of the file at Path with New.
type Edit struct {
	Path       string // absolute
	Start, End token.Position
	New        string
}

// A Change is the new content of one file.
type Change struct {
	Path     string // absolute
	Old, New []byte
}

// A Problem is an error in the user's input: a package that does not load, parse or
// type-check, or a pattern that matches nothing. Pos is "file:line:col" when known.
type Problem struct {
	Pos     string
	Message string
}

func (p Problem) String() string {
	if p.Pos == "" {
		return p.Message
	}
	return p.Pos + ": " + p.Message
}

// Result is the outcome of a Run.
type Result struct {
	Findings []Finding
	Changes  []Change
	Problems []Problem
	Internal []error // failures of concfix itself (analyzer panics, verification drops)
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
	}
	if opts.CacheDir != "" {
		r.cache = &resultCache{dir: opts.CacheDir, salt: opts.CacheSalt,
			pkgs: make(map[*packages.Package]string), files: make(map[string]string)}
	}
	patterns := opts.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	// Files are loaded from the module that holds them (a pre-commit hook in a monorepo
	// passes files of several modules); everything else from dir.
	groups := map[string][]string{}
	var dirs []string
	add := func(d, pattern string) {
		if _, ok := groups[d]; !ok {
			dirs = append(dirs, d)
		}
		groups[d] = append(groups[d], pattern)
	}
	for _, p := range patterns {
		if !strings.HasSuffix(p, ".go") {
			add(dir, p)
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
		// narrowed to the named files. A file outside any module is an ad-hoc package.
		root, ok := moduleRoot(filepath.Dir(abs))
		switch {
		case !ok:
			add(dir, "file="+abs)
		case !slices.Contains(groups[root], filepath.Dir(abs)):
			add(root, filepath.Dir(abs))
		}
	}
	for _, d := range dirs {
		if err := r.runDir(d, groups[d]); err != nil {
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
	batchBytes = 4 << 20
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

// runDir lists the packages that patterns match from dir, then analyses and fixes them
// in batches.
func (r *runner) runDir(dir string, patterns []string) error {
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
	var paths []string
	variants := make(map[string][]*packages.Package)
	for _, p := range listed {
		if len(p.Errors) > 0 && len(p.GoFiles)+len(p.CompiledGoFiles)+len(p.OtherFiles) == 0 {
			for _, e := range p.Errors {
				r.addProblem(r.problem(e))
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
			r.dirKeys[packageDir(variants[path])] = key
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
		if paths, err = r.relist(dir, paths, variants); err != nil {
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
	for _, batch := range batches(paths, variants) {
		since, internal := len(r.order), len(r.res.Internal)
		if err := r.rounds(dir, loadBatch(batch, variants, exports)); err != nil {
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

// list lists the packages that patterns match, with their test variants when asked, and
// every dependency: the cache keys hash the dependencies' files, and the loader type-checks
// batches from the listing. With compiled, the listing has the files that the compiler
// sees (cgo's output) and the sizes of types: what the loader needs. go list runs cgo
// for them, which on a warm run costs more than the rest of the listing.
func (r *runner) list(dir string, patterns []string, compiled bool) ([]*packages.Package, error) {
	mode := packages.NeedName | packages.NeedFiles | packages.NeedForTest | packages.NeedDeps |
		packages.NeedImports | packages.NeedEmbedFiles | packages.NeedModule
	if compiled {
		mode |= packages.NeedCompiledGoFiles | packages.NeedTypesSizes
	}
	return packages.Load(&packages.Config{
		Mode:       mode,
		Dir:        dir,
		Env:        r.opts.Env,
		BuildFlags: r.opts.BuildFlags,
		Tests:      r.opts.Tests,
	}, patterns...)
}

// relist lists the packages of paths again, compiled (see list), from their directories,
// and puts their variants in place of the first listing's. It returns the paths it found
// again; the others are reported.
func (r *runner) relist(dir string, paths []string, variants map[string][]*packages.Package) ([]string, error) {
	seen := make(map[string]bool)
	var dirs []string
	for _, path := range paths {
		if d := packageDir(variants[path]); d != "" && !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	listed, err := r.list(dir, dirs, true)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*packages.Package)
	for _, p := range listed {
		byID[p.ID] = p
	}
	return slices.DeleteFunc(paths, func(path string) bool {
		// The variants of the first listing, which a query for files may have narrowed
		// to those that hold the files; each is expected in the second.
		vs := slices.Clone(variants[path])
		for i, p := range vs {
			again, ok := byID[p.ID]
			if !ok {
				r.addProblem(Problem{Message: fmt.Sprintf("%s: not found again as %s when listed from %s", path, p.ID, r.rel(packageDir(vs)))})
				return true
			}
			vs[i] = again
		}
		variants[path] = vs
		return false
	}), nil
}

// isGeneratedTestMain reports whether p is the main package that go test generates.
func isGeneratedTestMain(p *packages.Package) bool {
	return p.Name == "main" && strings.HasSuffix(p.ID, ".test") && p.ForTest == ""
}

// packageDir returns the directory of a package's files.
func packageDir(variants []*packages.Package) string {
	for _, p := range variants {
		for _, f := range p.GoFiles {
			return filepath.Dir(f)
		}
	}
	return ""
}

func (r *runner) addProblem(p Problem) {
	if !slices.Contains(r.res.Problems, p) {
		r.res.Problems = append(r.res.Problems, p)
	}
}

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
	order     []string                            // finding keys in order of discovery
	res       Result
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
func (r *runner) rounds(dir string, pkgs []*packages.Package) error {
	var patterns []string
	for round := 0; round < maxRounds; round++ {
		if round > 0 {
			var err error
			if pkgs, err = r.load(dir, patterns, r.overlayFor(patterns)); err != nil {
				return err
			}
		}
		roots, all := r.roots(pkgs, round == 0)
		results := r.analyzeAll(roots)
		conflicts := r.apply(results, all)
		if len(conflicts) == 0 {
			return nil
		}
		// Re-run on the packages whose fixes collided, against the fixed content. Their
		// unfixed findings will be found again, at their new positions.
		slices.Sort(conflicts)
		patterns = slices.Compact(conflicts)
		if round == maxRounds-1 {
			break
		}
		for k, f := range r.findings {
			if !f.Fixed && slices.Contains(patterns, filepath.Dir(f.Pos.Filename)) {
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
func (r *runner) roots(pkgs []*packages.Package, report bool) (roots, all []*packages.Package) {
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
		if len(p.Errors) > 0 || p.IllTyped {
			r.uncached[groupPath(p)] = true
			if report {
				r.packageProblems(p)
			}
			continue
		}
		all = append(all, p)
		if p.ForTest == "" && hasTestVariant[p.PkgPath] {
			continue
		}
		roots = append(roots, p)
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

// packageProblems reports the errors of p: its parse and type errors, or, when it has
// none, the build system's errors (which repeat the compiler's when it has them).
func (r *runner) packageProblems(p *packages.Package) {
	precise := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return e.Kind != packages.ListError })
	for _, e := range p.Errors {
		if !precise || e.Kind != packages.ListError {
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

// checkPatterns reports each "..." pattern that matched no package. (go list reports the
// other patterns that match nothing as package errors.)
func (r *runner) checkPatterns(dir string, patterns []string, pkgs []*packages.Package) {
	for _, pat := range patterns {
		if !strings.Contains(pat, "...") || strings.HasPrefix(pat, "file=") {
			continue
		}
		matched := false
		for _, p := range pkgs {
			if matchPattern(dir, pat, p) {
				matched = true
				break
			}
		}
		if !matched {
			r.addProblem(Problem{Message: fmt.Sprintf("pattern %s matched no packages", pat)})
		}
	}
}

// matchPattern reports whether package p may have been matched by pattern pat.
func matchPattern(dir, pat string, p *packages.Package) bool {
	prefix, _, _ := strings.Cut(pat, "...")
	if pat == "all" || pat == "std" {
		return true
	}
	if strings.HasPrefix(pat, ".") || filepath.IsAbs(pat) {
		abs := prefix
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, prefix)
		}
		abs = strings.TrimSuffix(abs, string(filepath.Separator))
		for _, f := range append(p.GoFiles, p.OtherFiles...) {
			if d := filepath.Dir(f); d == abs || strings.HasPrefix(d, abs+string(filepath.Separator)) {
				return true
			}
		}
		return len(p.Errors) > 0
	}
	return strings.HasPrefix(p.PkgPath, prefix) || len(p.Errors) > 0
}

func (r *runner) analyzeAll(roots []*packages.Package) []*pkgResult {
	results := make([]*pkgResult, len(roots))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range roots {
		g.Go(func() error {
			results[i] = analyze(p, r.opts.Analyzers, r.readFile)
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
		for _, err := range pr.errs {
			r.res.Internal = append(r.res.Internal, err)
		}
		fi := r.fileInfos(pr.pkg, files)
		for _, d := range pr.diags {
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
			f.Edits = describeEdits(pr.pkg.Fset, sf.TextEdits)
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
		files[name] = &fileInfo{name: name, pkg: p, syntax: f, generated: ast.IsGenerated(f), cgo: !goFiles[name]}
	}
	return files
}

// finding records d and returns its key, or nil when it is outside the files the user
// named or was recorded before (the same file is analysed in a package and its test
// variant, and again in later rounds).
func (r *runner) finding(p *packages.Package, d diagnostic) (string, *Finding) {
	pos := p.Fset.Position(d.Pos)
	end := pos
	if d.End.IsValid() {
		end = p.Fset.Position(d.End)
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
		case fi.cgo: // before generated: the compiled form of a cgo file is cgo's output
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

func (r *runner) result() *Result {
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
	return &r.res
}

// gofmtClean reports whether src is formatted as gofmt would.
func gofmtClean(src []byte) bool {
	out, err := format.Source(src)
	return err == nil && bytes.Equal(out, src)
}

// moduleRoot returns the nearest directory at or above dir that holds a go.mod, if any.
func moduleRoot(dir string) (string, bool) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// describeEdits returns the edits of a fix for the report. Edits of a file that an earlier
// round changed are positions in the changed content.
func describeEdits(fset *token.FileSet, tes []analysis.TextEdit) []Edit {
	var out []Edit
	for _, te := range tes {
		end := te.End
		if !end.IsValid() {
			end = te.Pos
		}
		start := fset.PositionFor(te.Pos, false)
		out = append(out, Edit{Path: start.Filename, Start: start, End: fset.PositionFor(end, false), New: string(te.NewText)})
	}
	return out
}
