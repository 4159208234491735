package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/concfix/concfix/fixers"
	"github.com/concfix/concfix/rewrite"
)

// TestVetToolAgrees runs the concfix driver and go vet -vettool=concfix on the same
// packages, every fixer's testdata and a sample of the standard library, and requires the
// same findings at the same positions, and the same fix for each finding both fix: one
// package at a time, a fixer must see what it sees in a whole run (no facts from other
// packages, one no-return policy). The driver alone makes whole-program fixes (a finding
// vet reports "exported" without a fix), and it may drop a fix that fails verification
// or overlaps another.
func TestVetToolAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("builds concfix and runs go vet")
	}
	bin := filepath.Join(t.TempDir(), "concfix")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("testdata", func(t *testing.T) {
		dir := testdataModule(t)
		agree(t, bin, dir, []string{"./..."})
	})
	t.Run("std", func(t *testing.T) {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			t.Fatal(err)
		}
		src := filepath.Join(strings.TrimSpace(string(out)), "src")
		agree(t, bin, src, []string{"context", "database/sql", "net/http/httputil", "os/exec", "sync", "testing"})
	})
}

// testdataModule copies the fixers' analysistest packages that import only the standard
// library into one module, a package each.
func testdataModule(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/agree\n\ngo 1.22\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	pkgs, err := filepath.Glob("../../fixers/*/testdata/src/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		files, _ := filepath.Glob(filepath.Join(p, "*.go"))
		if len(files) == 0 || !stdOnly(t, files) {
			continue // a directory of packages with import paths of their own
		}
		fixer := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(p))))
		to := filepath.Join(dir, fixer+"_"+filepath.Base(p))
		if err := os.MkdirAll(to, 0o777); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(to, filepath.Base(f)), b, 0o666); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// stdOnly reports whether the files import only standard library packages.
func stdOnly(t *testing.T, files []string) bool {
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !stdPackages(t)[path] && path != "C" {
				return false
			}
		}
	}
	return true
}

var stdList struct {
	once sync.Once
	set  map[string]bool
}

func stdPackages(t *testing.T) map[string]bool {
	stdList.once.Do(func() {
		out, err := exec.Command("go", "list", "std").Output()
		if err != nil {
			t.Fatalf("go list std: %v", err)
		}
		stdList.set = make(map[string]bool)
		for _, p := range strings.Fields(string(out)) {
			stdList.set[p] = true
		}
	})
	return stdList.set
}

// A vetDiag is a diagnostic of go vet -json.
type vetDiag struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
	Fixes   []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename string `json:"filename"`
			Start    int    `json:"start"`
			End      int    `json:"end"`
			New      string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
	Related []struct {
		Message string `json:"message"`
	} `json:"related"`
}

func agree(t *testing.T, bin, dir string, patterns []string) {
	res, err := rewrite.Run(rewrite.Options{Dir: dir, Patterns: patterns, Tests: true, Analyzers: fixers.All()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("concfix: %s", p)
	}
	for _, e := range res.Internal {
		t.Errorf("concfix: internal: %v", e)
	}
	cmd := exec.Command("go", append([]string{"vet", "-vettool=" + bin, "-json"}, patterns...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && stderr.Len() == 0 {
		t.Fatalf("go vet: %v", err)
	}
	// go vet -json prints, per package, "# pkg" and a JSON object: package ID -> analyzer
	// -> diagnostics (or an error object).
	vet := make(map[string]vetDiag) // by key
	for _, chunk := range strings.Split("\n"+string(out)+stderr.String(), "\n# ") {
		_, obj, ok := strings.Cut(chunk, "\n")
		if !ok || !strings.HasPrefix(obj, "{") {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(obj)) // a package and its test variant
		for dec.More() {
			var byPkg map[string]map[string]json.RawMessage
			if err := dec.Decode(&byPkg); err != nil {
				t.Errorf("go vet: %v:\n%s", err, chunk)
				break
			}
			for _, byAnalyzer := range byPkg {
				for name, raw := range byAnalyzer {
					var diags []vetDiag
					if err := json.Unmarshal(raw, &diags); err != nil {
						t.Errorf("go vet: %s: %s", name, raw)
						continue
					}
					for _, d := range diags {
						vet[name+" "+rel(dir, d.Posn)+" "+d.Message] = d
					}
				}
			}
		}
	}
	cli := make(map[string]rewrite.Finding)
	for _, f := range res.Findings {
		cli[fmt.Sprintf("%s %s:%d:%d %s", f.Analyzer, rel(dir, f.Pos.Filename), f.Pos.Line, f.Pos.Column, f.Message)] = f
	}
	for _, k := range sortedKeys(cli) {
		f := cli[k]
		d, ok := vet[k]
		if !ok {
			t.Errorf("only concfix: %s", k)
			continue
		}
		if len(f.Edits) == 0 || len(d.Fixes) == 0 {
			if len(f.Edits) != 0 && !wholeProgram(d) {
				t.Errorf("only concfix fixes %s", k)
			}
			if len(d.Fixes) != 0 && f.NoFix == "" {
				t.Errorf("only go vet fixes %s", k)
			}
			continue
		}
		if sharesEdits(f, res.Findings) {
			// The driver merged this fix with another one on the same lines (in a later
			// round, or to make the edits add up to what -w writes): its edits are the
			// merged lines, not this fix's alone.
			continue
		}
		var want, got []string
		for _, e := range d.Fixes[0].Edits {
			want = append(want, fmt.Sprintf("%s:%d-%d %q", rel(dir, e.Filename), e.Start, e.End, e.New))
		}
		for _, e := range f.Edits {
			got = append(got, fmt.Sprintf("%s:%d-%d %q", rel(dir, e.Path), e.Start.Offset, e.End.Offset, e.New))
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: concfix's fix\n\t%s\ngo vet's\n\t%s", k, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
	}
	for _, k := range sortedKeys(vet) {
		if _, ok := cli[k]; !ok {
			t.Errorf("only go vet: %s", k)
		}
	}
}

// sharesEdits reports whether an edit of f overlaps an edit of another finding.
func sharesEdits(f rewrite.Finding, all []rewrite.Finding) bool {
	for _, g := range all {
		if g.Pos == f.Pos && g.Analyzer == f.Analyzer && g.Message == f.Message {
			continue
		}
		for _, e := range f.Edits {
			for _, o := range g.Edits {
				if e.Path == o.Path && e.Start.Offset <= o.End.Offset && o.Start.Offset <= e.End.Offset {
					return true
				}
			}
		}
	}
	return false
}

// wholeProgram reports whether vet's diagnostic says that only a run over every package
// can fix it.
func wholeProgram(d vetDiag) bool {
	for _, r := range d.Related {
		if strings.Contains(r.Message, "only a run over every package") || strings.Contains(r.Message, "other packages of the module may call") {
			return true
		}
	}
	return false
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return path
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
