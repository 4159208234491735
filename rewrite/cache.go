package rewrite

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// resultCache remembers the outcome of analysing each package, so that a re-run on an
// unchanged tree neither loads nor type-checks it again. A package's key covers
// everything its analysis depends on: concfix's build and options (the salt), the name and
// content of every file of the package and its test variants, and the export data of every
// dependency (whose file names in the build cache are content hashes). Packages whose
// outcome reaches beyond themselves (a share of a whole-program fix, a load error, a fix
// dropped by verification) are not cached: they are analysed every time.
type resultCache struct {
	dir  string
	salt string
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
// be computed (a dependency without export data, an unreadable file).
func (c *resultCache) key(variants []*packages.Package) string {
	h := sha256.New()
	io.WriteString(h, c.salt)
	variants = slices.Clone(variants)
	slices.SortFunc(variants, func(a, b *packages.Package) int { return strings.Compare(a.ID, b.ID) })
	for _, p := range variants {
		fmt.Fprintf(h, "\x00pkg %s\n", p.ID)
		if len(p.Errors) > 0 {
			return ""
		}
		for _, f := range slices.Concat(p.GoFiles, p.OtherFiles, p.EmbedFiles) {
			b, err := os.ReadFile(f)
			if err != nil {
				return ""
			}
			fmt.Fprintf(h, "file %s %x\n", f, sha256.Sum256(b))
		}
		var exports []string
		seen := make(map[*packages.Package]bool)
		var walk func(q *packages.Package) bool
		walk = func(q *packages.Package) bool {
			for _, d := range q.Imports {
				if seen[d] {
					continue
				}
				seen[d] = true
				if d.ExportFile == "" && d.PkgPath != "unsafe" {
					return false
				}
				exports = append(exports, d.ExportFile)
				if !walk(d) {
					return false
				}
			}
			return true
		}
		if !walk(p) {
			return ""
		}
		slices.Sort(exports)
		for _, e := range exports {
			fmt.Fprintf(h, "dep %s\n", e)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *resultCache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key)
}

// A cacheEntry is the outcome of analysing one package: its findings, and the content its
// verified fixes give to its files. A clean package has an empty entry (an empty file).
type cacheEntry struct {
	Findings []Finding
	Files    []cachedFile
}

type cachedFile struct {
	Path string // absolute
	New  []byte // the content with the package's fixes applied
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
	if len(e.Findings)+len(e.Files) > 0 && gob.NewEncoder(&buf).Encode(e) != nil {
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
	for path, e := range entries {
		r.cache.put(r.keys[path], e)
	}
}
