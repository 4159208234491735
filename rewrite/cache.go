package rewrite

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"go/token"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"

	"golang.org/x/tools/go/packages"
)

// resultCache remembers the outcome of analysing each package, so that a re-run on an
// unchanged tree neither loads nor type-checks it again. A package's key covers
// everything its analysis depends on: concfix's build and options (the salt), the build
// configuration, and the name and content of every file of the package, its test variants
// and all their dependencies. (Keys made from the dependencies' export data would make the
// listing compile every package and test variant: minutes on a cold build cache.) A package's
// shares of whole-program fixes are cached with it and assembled anew on every run.
// Packages whose outcome cannot be told from their own (a load error, a fix dropped by
// verification, a run on named files that left findings out) are not cached: they are
// analysed every time.
type resultCache struct {
	dir  string
	salt string
	env  string // the build configuration: go env GOOS GOARCH ...

	pkgs  map[*packages.Package]string // pkgHash, memoized
	files map[string]string            // fileHash, memoized
}

// groupPath is the package a loaded package belongs to: a test variant or an external test
// package belongs to the package under test.
func groupPath(p *packages.Package) string {
	if p.ForTest != "" {
		return p.ForTest
	}
	return p.PkgPath
}

// key returns the cache key of a package from its listed variants, or "" when it cannot
// be computed (a package with errors, an unreadable file).
func (c *resultCache) key(variants []*packages.Package) string {
	h := sha256.New()
	io.WriteString(h, c.salt)
	io.WriteString(h, c.env)
	variants = slices.Clone(variants)
	slices.SortFunc(variants, func(a, b *packages.Package) int { return strings.Compare(a.ID, b.ID) })
	for _, p := range variants {
		if len(p.Errors) > 0 {
			return ""
		}
		ph := c.pkgHash(p)
		if ph == "" {
			return ""
		}
		fmt.Fprintf(h, "\x00pkg %s %s\n", p.ID, ph)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pkgHash hashes what type-checking p depends on, as the go command's action IDs do: the
// names and contents of its files, its module's Go version, and the same of each of its
// dependencies, transitively. It returns "" when a file cannot be read.
func (c *resultCache) pkgHash(p *packages.Package) string {
	if h, ok := c.pkgs[p]; ok {
		return h
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %v\n", p.ID, p.Errors)
	if p.Module != nil {
		fmt.Fprintf(h, "go %s\n", p.Module.GoVersion)
	}
	for _, f := range slices.Concat(p.GoFiles, p.OtherFiles, p.EmbedFiles) {
		fh := c.fileHash(f)
		if fh == "" {
			c.pkgs[p] = ""
			return ""
		}
		fmt.Fprintf(h, "file %s %s\n", f, fh)
	}
	for _, path := range slices.Sorted(maps.Keys(p.Imports)) {
		dh := c.pkgHash(p.Imports[path])
		if dh == "" {
			c.pkgs[p] = ""
			return ""
		}
		fmt.Fprintf(h, "dep %s %s\n", path, dh)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	c.pkgs[p] = sum
	return sum
}

// fileHash returns the hash of a file's content, or "" when it cannot be read.
func (c *resultCache) fileHash(name string) string {
	if h, ok := c.files[name]; ok {
		return h
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	c.files[name] = hex.EncodeToString(sum[:])
	return c.files[name]
}

func (c *resultCache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key)
}

// A cacheEntry is the outcome of analysing one package: its findings, and the content its
// verified fixes give to its files. A clean package has an empty entry (an empty file).
type cacheEntry struct {
	Findings []Finding
	Files    []cachedFile
	Parts    []cachedPart // its shares of whole-program fixes, assembled anew each run
}

type cachedFile struct {
	Path string // absolute
	New  []byte // the content with the package's fixes applied
}

// cachedPart is a contribution as the cache keeps it.
type cachedPart struct {
	Key, ID                  string // its Part's Key; its id for runner.addPart
	Analyzer, PkgPath, Group string
	Module                   *packages.Module
	Decl, Exported           bool
	Message, Veto, Why       string
	Pos                      token.Position
	Edits                    map[string][]edit
	Base                     map[string][]byte
	Report                   []Edit
}

func (e *cacheEntry) empty() bool { return len(e.Findings)+len(e.Files)+len(e.Parts) == 0 }

// only returns the part of the entry that a run on the named files (all when named is
// nil) would give: their findings, their fixes when those change named files alone, and
// the package's shares of whole-program fixes, where a share that changes a file not
// named says so, as candidate does when it analyses. It fails when a fixed file's fixes do
// not all stay within the named files: that outcome cannot be told from the entry.
func (e *cacheEntry) only(named map[string]bool, rel func(string) string) (*cacheEntry, bool) {
	if named == nil {
		return e, true
	}
	sub := new(cacheEntry)
	for _, f := range e.Findings {
		inNamed := named[f.Pos.Filename]
		if f.Fixed {
			for _, ed := range f.Edits {
				if named[ed.Path] != inNamed {
					return nil, false // the fix reaches across the named files' edge
				}
			}
		}
		if inNamed {
			sub.Findings = append(sub.Findings, f)
		}
	}
	for _, cf := range e.Files {
		if named[cf.Path] {
			sub.Files = append(sub.Files, cf)
		}
	}
	for _, cp := range e.Parts {
		if cp.Why == "" {
			// Report lists the edits in the analyzer's order, which candidate follows.
			if i := slices.IndexFunc(cp.Report, func(ed Edit) bool { return !named[ed.Path] }); i >= 0 {
				cp.Why = fmt.Sprintf("fix changes %s, which was not named", rel(cp.Report[i].Path))
				cp.Edits, cp.Base, cp.Report = nil, nil, nil
			}
		}
		sub.Parts = append(sub.Parts, cp)
	}
	return sub, true
}

// has reports whether an entry is stored for key.
func (c *resultCache) has(key string) bool {
	_, err := os.Stat(c.path(key))
	return err == nil
}

// get returns the entry stored for key, if any.
func (c *resultCache) get(key string) (*cacheEntry, bool) {
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	e := new(cacheEntry)
	if len(b) > 0 && gob.NewDecoder(bytes.NewReader(b)).Decode(e) != nil {
		return nil, false
	}
	return e, true
}

// put stores the entry for key. Failures are ignored: the cache only saves time. The file
// is written whole and renamed, so that a concurrent run never reads half an entry.
func (c *resultCache) put(key string, e *cacheEntry) {
	var buf bytes.Buffer
	if !e.empty() && gob.NewEncoder(&buf).Encode(e) != nil {
		return
	}
	p := c.path(key)
	if os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), key[:8]+".*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}

// restore takes a package's outcome from the cache in place of analysing it.
func (r *runner) restore(path string, e *cacheEntry) {
	r.analysed[path] = true // for whole-program fixes: it has no share in any
	for _, f := range e.Findings {
		key := findingKey(f.Pos, f.Analyzer, f.Message)
		if _, ok := r.findings[key]; !ok {
			r.findings[key] = &f
			r.order = append(r.order, key)
		}
	}
	for _, cf := range e.Files {
		old, err := os.ReadFile(cf.Path)
		if err != nil {
			continue
		}
		r.original[cf.Path] = old
		r.contents[cf.Path] = cf.New
	}
	for _, cp := range e.Parts {
		c := &contribution{
			Part:     fixkit.Part{Key: cp.Key, Decl: cp.Decl, Exported: cp.Exported, Message: cp.Message, Veto: cp.Veto},
			analyzer: cp.Analyzer, pkgPath: cp.PkgPath, group: cp.Group, module: cp.Module,
			pos: cp.Pos, why: cp.Why, base: cp.Base, report: cp.Report, edits: cp.Edits,
		}
		r.addPart(cp.ID, c)
	}
}

// store caches the outcome of each package of a batch just analysed: the findings (keys
// since added) positioned in its files, and the fixed content of those files. A finding
// in no file of the batch's packages (moved by a //line directive) stops it: the outcome
// could not be told apart.
func (r *runner) store(batch []string, variants map[string][]*packages.Package, keys []string) {
	owner := make(map[string]string)
	entries := make(map[string]*cacheEntry)
	for _, path := range batch {
		for _, p := range variants[path] {
			for _, f := range p.GoFiles {
				owner[f] = path
			}
		}
		if r.keys[path] != "" && !r.uncached[path] {
			entries[path] = new(cacheEntry)
		}
	}
	keys = slices.Clone(keys)
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		f, ok := r.findings[k]
		if !ok {
			continue
		}
		path, ok := owner[f.Pos.Filename]
		if !ok {
			return
		}
		if e := entries[path]; e != nil {
			e.Findings = append(e.Findings, *f)
		}
	}
	for name, old := range r.original {
		if e := entries[owner[name]]; e != nil && !bytes.Equal(old, r.contents[name]) {
			e.Files = append(e.Files, cachedFile{Path: name, New: r.contents[name]})
		}
	}
	for _, m := range r.parts {
		for id, c := range m {
			e := entries[c.group]
			if e == nil {
				continue
			}
			cp := cachedPart{Key: c.Key, ID: id, Analyzer: c.analyzer, PkgPath: c.pkgPath, Group: c.group,
				Module: c.module, Decl: c.Decl, Exported: c.Exported, Message: c.Message, Veto: c.Veto,
				Why: c.why, Pos: c.pos, Base: c.base, Report: c.report, Edits: c.edits}
			e.Parts = append(e.Parts, cp)
		}
	}
	for path, e := range entries {
		r.cache.put(r.keys[path], e)
	}
}

// goEnv returns the build configuration that the file lists do not show (the target's
// word size changes types).
func goEnv(dir string, env []string) (string, error) {
	cmd := exec.Command("go", "env", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOFLAGS", "GOVERSION",
		"GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOPPC64", "GORISCV64", "GOWASM")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	return string(out), err
}

// verifiedKey returns the key under which the cache records that the packages in dirs,
// loaded with overlay, type-check: it covers their sources and dependencies (their keys)
// and the overlay. It is "" when a package in dirs has no key.
func (r *runner) verifiedKey(dirs []string, overlay map[string][]byte) string {
	if r.cache == nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "verified\x00%s\x00%s", r.cache.salt, r.cache.env)
	for _, d := range dirs {
		k := r.dirKeys[d]
		if k == "" {
			return ""
		}
		fmt.Fprintf(h, "dir %s %s\n", d, k)
	}
	for _, name := range slices.Sorted(maps.Keys(overlay)) {
		fmt.Fprintf(h, "overlay %s %x\n", name, sha256.Sum256(overlay[name]))
	}
	return hex.EncodeToString(h.Sum(nil))
}
