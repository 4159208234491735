package rewrite

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// resultCache remembers the packages in which the analyzers found nothing, so that a
// re-run on an unchanged tree neither loads nor type-checks them. A package's key covers
// everything its analysis depends on: concfix's build and options (the salt), the name and
// content of every file of the package and its test variants, and the export data of every
// dependency (whose file names in the build cache are content hashes). Packages with
// findings are always analysed again: their fixes must be recomputed and verified.
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

// clean reports whether the package with this key was analysed before and had no finding.
func (c *resultCache) clean(key string) bool {
	_, err := os.Stat(c.path(key))
	return err == nil
}

// markClean records that the package with this key has no finding. Failures are ignored:
// the cache only saves time.
func (c *resultCache) markClean(key string) {
	p := c.path(key)
	if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
		os.WriteFile(p, nil, 0o644)
	}
}
