package rewrite

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// groups assembles the whole-program fixes from the Parts that analyzers returned (see
// Parts). Each group becomes one candidate, applied or dropped as a whole.
func (r *runner) groups(results []*pkgResult, files map[string]*fileInfo) []*candidate {
	type contribution struct {
		pkg *packages.Package
		part
	}
	byKey := make(map[string][]contribution)
	var keys []string
	analysed := make(map[string]bool)
	for _, pr := range results {
		analysed[pr.pkg.PkgPath] = true
		for _, p := range pr.parts {
			k := p.analyzer.Name + "\x00" + p.Key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], contribution{pr.pkg, p})
		}
	}
	slices.Sort(keys)

	var cands []*candidate
	for _, k := range keys {
		parts := byKey[k]
		i := slices.IndexFunc(parts, func(c contribution) bool { return c.Decl })
		if i < 0 {
			continue // the declaration is not in the analysed packages
		}
		decl := parts[i]
		pos := decl.pkg.Fset.Position(decl.Pos)
		fkey := r.findingAt(pos.String(), decl.analyzer.Name)
		if fkey == "" {
			continue // outside the named files, or already fixed
		}
		f := r.findings[fkey]
		if j := slices.IndexFunc(parts, func(c contribution) bool { return c.Veto != "" }); j >= 0 {
			f.NoFix = parts[j].Veto
			continue
		}
		if decl.Exported {
			if missing := r.unanalysedImporter(decl.pkg, analysed); missing != "" {
				f.NoFix = fmt.Sprintf("package %s refers to it and was not analysed (run concfix on the whole module)", missing)
				continue
			}
		}
		c := &candidate{findings: []string{fkey}, edits: make(map[string][]edit)}
		f.FixMessage = decl.Message
		why := ""
		for _, p := range parts {
			pc, w := r.candidate(p.pkg.Fset, files, p.Edits)
			if w != "" {
				why = w
				break
			}
			f.Edits = append(f.Edits, pc.describe(p.pkg.Fset, p.Edits)...)
			for name, es := range pc.edits {
				for _, e := range es {
					if !slices.Contains(c.edits[name], e) {
						c.edits[name] = append(c.edits[name], e)
					}
				}
			}
		}
		if why != "" {
			f.NoFix = why
			continue
		}
		cands = append(cands, c)
	}
	return cands
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

// unanalysedImporter returns the path of a package of decl's module that imports decl
// (in its code or tests) and was not analysed, or "".
func (r *runner) unanalysedImporter(decl *packages.Package, analysed map[string]bool) string {
	if decl.Module == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.importers == nil {
		r.importers = make(map[string]map[string][]string)
	}
	imp, ok := r.importers[decl.Module.Path]
	if !ok {
		imp = make(map[string][]string)
		cmd := exec.Command("go", append([]string{"list", "-e", "-f",
			"{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}"},
			append(r.opts.BuildFlags, decl.Module.Path+"/...")...)...)
		cmd.Dir = decl.Module.Dir
		cmd.Env = r.opts.Env
		out, err := cmd.Output()
		if err != nil {
			return "(go list failed: " + err.Error() + ")"
		}
		for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			for _, dep := range fields[1:] {
				imp[dep] = append(imp[dep], fields[0])
			}
		}
		r.importers[decl.Module.Path] = imp
	}
	for _, p := range imp[decl.PkgPath] {
		if !analysed[p] && !analysed[p+"_test"] && p != decl.PkgPath {
			return p
		}
	}
	return ""
}
