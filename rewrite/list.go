package rewrite

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A listing is one query of the build system: patterns, listed from dir. With files, the
// patterns are .go files of one directory, which make one ad-hoc package whatever their
// build constraints (go help packages).
type listing struct {
	dir      string
	patterns []string
	files    bool
}

// noteFiles records, when files were named, which are in a listed package and which its
// build constraints exclude.
func (r *runner) noteFiles(listed []*packages.Package) {
	if r.onlyFiles == nil {
		return
	}
	if r.inPackage == nil {
		r.inPackage, r.ignored = make(map[string]bool), make(map[string]bool)
	}
	for _, p := range listed {
		for _, f := range p.GoFiles {
			r.inPackage[f] = true
		}
		for _, f := range p.IgnoredFiles {
			r.ignored[f] = true
		}
	}
}

// excluded returns the listings of the named files that the build constraints of their
// package exclude: an ad-hoc package of them per directory, listed from their module, as
// go vet lists them. Test files are left out when tests are.
func (r *runner) excluded() []*listing {
	var out []*listing
	byDir := make(map[string]*listing)
	for _, f := range sortedKeys(r.onlyFiles) {
		if !r.ignored[f] || r.inPackage[f] || r.adhoc[f] != nil || !r.opts.Tests && strings.HasSuffix(f, "_test.go") {
			continue
		}
		d := filepath.Dir(f)
		if byDir[d] == nil {
			root, _ := moduleRoot(d)
			byDir[d] = &listing{dir: root, files: true}
			out = append(out, byDir[d])
		}
		byDir[d].patterns = append(byDir[d].patterns, f)
	}
	return out
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

// relist lists the packages of paths, of listing l, again, compiled (see list), from their
// directories (an ad-hoc package from its files), and puts their variants in place of the
// first listing's. It returns the paths it found again; the others are reported.
func (r *runner) relist(l *listing, paths []string, variants map[string][]*packages.Package) ([]string, error) {
	seen := make(map[string]bool)
	var dirs []string
	for _, path := range paths {
		if d := packageDir(variants[path]); d != "" && !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	if l.files {
		dirs = l.patterns
	}
	listed, err := r.list(l.dir, dirs, true)
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

// checkPatterns reports each "..." pattern that matched no package. (go list reports the
// other patterns that match nothing as package errors.)
func (r *runner) checkPatterns(dir string, patterns []string, pkgs []*packages.Package) {
	for _, pat := range patterns {
		if !strings.Contains(pat, "...") {
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
