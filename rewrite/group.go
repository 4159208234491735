package rewrite

import (
	"bytes"
	"fmt"
	"go/token"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/diff"
	"github.com/concfix/concfix/internal/fixkit"

	"golang.org/x/tools/go/packages"
)

// Whole-program fixes (see Parts) are assembled after every batch was analysed: each
// package's share is kept as byte-offset edits against the content it was analysed with,
// and a group is applied only if those files have not changed since.

// contribution is one package's Part, resolved to file offsets.
type contribution struct {
	fixkit.Part
	analyzer string
	pkgPath  string
	group    string // the package (with its tests) it came from; see groupPath
	module   *packages.Module
	pos      token.Position    // with Decl
	edits    map[string][]edit // by file
	base     map[string][]byte // the content each edited file had when analysed
	why      string            // the edits cannot be applied (a generated file...)
	report   []Edit            // the edits, for the report
}

// collectParts records the Parts of a batch's results, replacing what an earlier round
// recorded for the same package.
func (r *runner) collectParts(results []*pkgResult, files map[string]*fileInfo) {
	for _, pr := range results {
		r.analysed[pr.pkg.PkgPath] = true
		for _, p := range pr.parts {
			c := &contribution{Part: p.Part, analyzer: p.analyzer.Name, pkgPath: pr.pkg.PkgPath, group: groupPath(pr.pkg), module: pr.pkg.Module}
			if p.Decl {
				c.pos = r.position(pr.pkg.Fset, p.Pos, true)
			}
			cand, why := r.candidate(pr.pkg.Fset, files, "share of "+p.Key, p.Edits)
			if why != "" {
				c.why = why
			} else {
				c.edits = cand.edits
				c.base = make(map[string][]byte)
				for name := range c.edits {
					c.base[name], _ = r.readFile(name)
				}
				c.report = r.describeEdits(pr.pkg.Fset, p.Edits)
			}
			r.addPart(pr.pkg.ID+"\x00"+p.Key+fmt.Sprint(p.Decl), c)
		}
	}
}

// addPart records c under id (its package and role) in the group of its analyzer and Key.
func (r *runner) addPart(id string, c *contribution) {
	k := c.analyzer + "\x00" + c.Key
	if r.parts[k] == nil {
		r.parts[k] = make(map[string]*contribution)
	}
	r.parts[k][id] = c
}

// applyGroups turns complete, unvetoed groups of parts into verified fixes.
func (r *runner) applyGroups() {
	keys := make([]string, 0, len(r.parts))
	for k := range r.parts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	accepted := make(map[string][]edit)
	var cands []*candidate
	for _, k := range keys {
		var parts []*contribution
		for _, id := range sortedKeys(r.parts[k]) {
			parts = append(parts, r.parts[k][id])
		}
		i := slices.IndexFunc(parts, func(c *contribution) bool { return c.Decl })
		if i < 0 {
			continue // the declaration is not in the analysed packages
		}
		decl := parts[i]
		fkey := r.findingAt(decl.pos.String(), decl.analyzer)
		if fkey == "" {
			continue // outside the named files, or fixed already
		}
		f := r.findings[fkey]
		if j := slices.IndexFunc(parts, func(c *contribution) bool { return c.Veto != "" }); j >= 0 {
			f.NoFix = parts[j].Veto
			continue
		}
		if j := slices.IndexFunc(parts, func(c *contribution) bool { return c.why != "" }); j >= 0 {
			f.NoFix = parts[j].why
			continue
		}
		if decl.Exported {
			if missing := r.unanalysedImporter(decl.module, decl.pkgPath); missing != "" {
				f.NoFix = fmt.Sprintf("package %s refers to it and was not analysed: run concfix on the whole module", missing)
				continue
			}
		}
		c := &candidate{findings: []string{fkey}, edits: make(map[string][]edit)}
		stale := false
		var described []Edit
		for _, p := range parts {
			for name, es := range p.edits {
				if cur, _ := r.readFile(name); !bytes.Equal(cur, p.base[name]) {
					// Other fixes changed the file since: follow them, unless they touch
					// the lines this part edits.
					var ok bool
					if es, ok = rebase(es, p.base[name], cur); !ok {
						stale = true
					}
				}
				for _, e := range es {
					if !slices.Contains(c.edits[name], e) {
						c.edits[name] = append(c.edits[name], e)
					}
				}
			}
			described = append(described, p.report...)
		}
		if stale || overlaps(c, accepted) {
			f.NoFix = "overlaps another fix: run concfix again"
			continue
		}
		for name, es := range c.edits {
			accepted[name] = append(accepted[name], es...)
		}
		f.FixMessage = decl.Message
		f.Edits = described
		cands = append(cands, c)
	}
	for _, c := range r.verifyByReload(cands) {
		for _, k := range c.findings {
			r.findings[k].Fixed = true
			r.findings[k].NoFix = ""
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// verifyByReload applies the candidates that keep the packages of their files building,
// checked by loading those packages again with the new content, and returns them. It is
// for fixes that span batches, whose packages are no longer in memory.
func (r *runner) verifyByReload(cands []*candidate) []*candidate {
	if len(cands) == 0 {
		return nil
	}
	if content, err := r.reloadCheck(cands); err == nil {
		r.commit(content)
		return cands
	}
	var good []*candidate
	for _, c := range cands {
		try := append(slices.Clone(good), c)
		if _, err := r.reloadCheck(try); err != nil {
			r.drop(c, err)
			continue
		}
		good = try
	}
	content, err := r.reloadCheck(good)
	if err != nil {
		return nil
	}
	r.commit(content)
	return good
}

func (r *runner) reloadCheck(set []*candidate) (map[string][]byte, error) {
	if len(set) == 0 {
		return nil, nil
	}
	content, _, err := r.newContent(token.NewFileSet(), set)
	if err != nil {
		return nil, err
	}
	var dirs, pkgDirs []string
	var adhoc []*listing // the ad-hoc packages of changed files, loaded from their files
	for name := range content {
		dirs = append(dirs, filepath.Dir(name))
		if l := r.adhoc[name]; l != nil {
			if !slices.Contains(adhoc, l) {
				adhoc = append(adhoc, l)
			}
		} else {
			pkgDirs = append(pkgDirs, filepath.Dir(name))
		}
	}
	slices.Sort(dirs)
	dirs = slices.Compact(dirs)
	slices.Sort(pkgDirs)
	pkgDirs = slices.Compact(pkgDirs)
	overlay := r.overlayFor(dirs)
	maps.Copy(overlay, content)
	vkey := ""
	if len(adhoc) == 0 { // an ad-hoc package has no key
		vkey = r.verifiedKey(dirs, overlay)
	}
	if vkey != "" && r.cache.has(vkey) {
		return content, nil // verified before, with the same sources
	}
	queries := make([]*listing, 0, 1+len(adhoc))
	if len(pkgDirs) > 0 {
		root, ok := moduleRoot(pkgDirs[0])
		if !ok {
			root = r.dir
		}
		queries = append(queries, &listing{dir: root, patterns: pkgDirs})
	}
	for _, q := range append(queries, adhoc...) {
		pkgs, err := packages.Load(&packages.Config{
			Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports |
				packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
			Dir:        q.dir,
			Env:        r.opts.Env,
			BuildFlags: r.opts.BuildFlags,
			Tests:      r.opts.Tests,
			Overlay:    overlay,
		}, q.patterns...)
		if err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				return nil, fmt.Errorf("result does not type-check: %s", p.Errors[0])
			}
		}
	}
	if vkey != "" {
		r.cache.put(vkey, new(cacheEntry))
	}
	return content, nil
}

// findingAt returns the key of the open finding of analyzer at pos, or "".
func (r *runner) findingAt(pos, analyzer string) string {
	prefix := pos + "\x00" + analyzer + "\x00"
	for k, f := range r.findings {
		if strings.HasPrefix(k, prefix) && !f.Fixed {
			return k
		}
	}
	return ""
}

// unanalysedImporter returns the path of a package of the module that imports pkgPath
// (in its code or tests), directly or not, and was not analysed, or "".
func (r *runner) unanalysedImporter(mod *packages.Module, pkgPath string) string {
	if mod == nil {
		return ""
	}
	if r.importers == nil {
		r.importers = make(map[string]map[string][]string)
	}
	imp, ok := r.importers[mod.Path]
	if !ok {
		imp = make(map[string][]string)
		cmd := exec.Command("go", append(append([]string{"list", "-e", "-f",
			"{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}"},
			r.opts.BuildFlags...), mod.Path+"/...")...)
		cmd.Dir = mod.Dir
		cmd.Env = r.opts.Env
		out, err := cmd.Output()
		if err != nil {
			return "(go list failed: " + err.Error() + ")"
		}
		for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
			fields := strings.Fields(line)
			for _, dep := range fields[min(1, len(fields)):] {
				imp[dep] = append(imp[dep], fields[0])
			}
		}
		r.importers[mod.Path] = imp
	}
	// The importers of importers too: a package that gets a value of the declaration's
	// type through another package calls its methods, or copies it, without importing it.
	seen := map[string]bool{pkgPath: true}
	queue := []string{pkgPath}
	for len(queue) > 0 {
		for _, p := range imp[queue[0]] {
			if seen[p] {
				continue
			}
			if !r.analysed[p] {
				return p
			}
			seen[p] = true
			queue = append(queue, p)
		}
		queue = queue[1:]
	}
	return ""
}

// rebase moves edits computed against base to the same places in cur, which other edits
// made from base. It fails when one of those changes touches a line the edits touch.
func rebase(edits []edit, base, cur []byte) ([]edit, bool) {
	type span struct{ start, end, delta int }
	var spans []span
	for _, c := range diff.Lines(string(base), string(cur)) {
		start := diff.LineOffset(base, c.OldStart)
		end, grow := start, 0
		for _, l := range c.Old {
			end += len(l)
			grow -= len(l)
		}
		for _, l := range c.New {
			grow += len(l)
		}
		spans = append(spans, span{start, end, grow})
	}
	out := make([]edit, 0, len(edits))
	for _, e := range edits {
		shift := 0
		for _, s := range spans {
			if e.End < s.start || e.End == s.start && e.Start < e.End {
				break // wholly before this change (an insertion at its start is ambiguous)
			}
			if e.Start < s.end || e.Start == s.start {
				return nil, false // overlaps or borders the change
			}
			shift += s.delta
		}
		out = append(out, edit{Start: e.Start + shift, End: e.End + shift, Text: e.Text})
	}
	return out, true
}
