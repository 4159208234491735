package rewrite

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/txtar"
)

// TestLoadBatch loads a module in batches of several shapes. Whatever the batch, a
// package is checked against one types.Package per dependency: a root checked from
// source is the one that its importers, from export data or from source, see. A broken
// package is ill-typed and has errors; its importer is ill-typed (with the errors of a
// failed import when the broken package is not in the batch).
func TestLoadBatch(t *testing.T) {
	variants, exports := listModule(t, true, `
-- go.mod --
module example.com/m

go 1.22
-- a/a.go --
package a

type T struct{ n int }

func New() T { return T{1} }

func Use(T) {}
-- a/a_test.go --
package a

func helper() T { return New() }
-- a/x_test.go --
package a_test

import (
	"example.com/m/a"
	"example.com/m/c"
)

// c is built again for a's tests (c [a.test]): its a is the test variant.
var _ a.T = c.Get()

func init() { a.Use(c.Get()) }
-- c/c.go --
package c

import "example.com/m/a"

func Get() a.T { return a.New() }
-- b/b.go --
package b

import (
	"example.com/m/a"
	"example.com/m/c"
)

// With a in the batch and c not, c comes from export data and its a.T must be the
// a.T checked from source.
var V a.T = c.Get()

func init() { a.Use(V) }
-- bad/bad.go --
package bad

var X int = "s"
-- usebad/u.go --
package usebad

import "example.com/m/bad"

var _ = bad.X
`)
	// Why bad does not build is in its export data's errors, which runDir reports once.
	if errs := exports["example.com/m/bad"].errs; len(errs) != 1 || !strings.HasSuffix(errs[0].Pos, filepath.Join("bad", "bad.go")+":3:13") || !strings.Contains(errs[0].Msg, `cannot use "s"`) {
		t.Errorf("bad's build errors: %v, want bad/bad.go:3:13: cannot use \"s\"...", errs)
	}
	m := func(names ...string) []string {
		for i, n := range names {
			names[i] = "example.com/m/" + n
		}
		return names
	}
	for _, batch := range [][]string{
		m("a", "b", "c", "bad", "usebad"),
		m("a", "b"),
		m("b"),
		m("a"),
		m("c", "usebad"),
	} {
		var ids []string
		pkgs, _ := loadBatch(batch, variants, exports)
		for _, p := range pkgs {
			ids = append(ids, p.ID)
			broken := strings.Contains(p.PkgPath, "bad")
			if broken != p.IllTyped || p.Name == "bad" && len(p.Errors) == 0 || !broken && len(p.Errors) > 0 {
				t.Errorf("batch %v: %s: IllTyped %v, errors %v", batch, p.ID, p.IllTyped, p.Errors)
			}
			if p.Name == "usebad" && len(p.Errors) > 0 && !strings.Contains(p.Errors[0].Msg, "could not import example.com/m/bad (it does not build)") {
				t.Errorf("batch %v: usebad's error %q does not say that bad does not build", batch, p.Errors[0].Msg)
			}
			if p.TypesInfo == nil || p.TypesSizes == nil || len(p.Syntax) != len(p.CompiledGoFiles) || !p.Types.Complete() && !broken {
				t.Errorf("batch %v: %s lacks syntax or types", batch, p.ID)
			}
		}
		var want []string
		for _, path := range batch {
			for _, p := range variants[path] {
				want = append(want, p.ID)
			}
		}
		if !slices.Equal(ids, want) {
			t.Errorf("batch %v: loaded %v, want %v", batch, ids, want)
		}
	}
	if len(variants["example.com/m/a"]) != 3 {
		t.Errorf("a has variants %v, want a, a [a.test], a_test [a.test]", variants["example.com/m/a"])
	}
}

// TestLoadBatchAPIOnly checks that a package loaded with its test variant is
// type-checked for its API only (the variant, which holds all its files, is the one
// analysed), with its syntax and the syntax index of the variant built while it loaded;
// and that complete gives it with its bodies, for when the variant does not type-check.
func TestLoadBatchAPIOnly(t *testing.T) {
	variants, exports := listModule(t, true, `
-- go.mod --
module example.com/m

go 1.22
-- a/a.go --
package a

func F() int {
	x := 1
	return x
}
-- a/a_test.go --
package a

var _ = F()
`)
	pkgs, loader := loadBatch([]string{"example.com/m/a"}, variants, exports)
	var plain, test *packages.Package
	for _, p := range pkgs {
		switch p.ID {
		case "example.com/m/a":
			plain = p
		case "example.com/m/a [example.com/m/a.test]":
			test = p
		}
	}
	if plain == nil || test == nil {
		t.Fatalf("loaded %v, want a and its test variant", pkgs)
	}
	uses := func(p *packages.Package) int {
		n := 0
		for id := range p.TypesInfo.Uses {
			if id.Name == "x" {
				n++
			}
		}
		return n
	}
	if len(plain.Syntax) != 1 || plain.Types.Scope().Lookup("F") == nil || uses(plain) != 0 {
		t.Errorf("a: %d files, F %v, %d uses of x in bodies; want its syntax and API, no bodies", len(plain.Syntax), plain.Types.Scope().Lookup("F"), uses(plain))
	}
	if uses(test) != 1 || loader.takeInspector(test) == nil || loader.takeInspector(test) != nil || loader.takeInspector(plain) != nil {
		t.Errorf("test variant: %d uses of x, want 1; only it has a syntax index, taken once", uses(test))
	}
	full := loader.complete(plain)
	if full == plain || uses(full) != 1 || full.IllTyped || loader.takeInspector(full) == nil {
		t.Errorf("complete(a): %d uses of x, ill-typed %v; want it checked with its bodies", uses(full), full.IllTyped)
	}
	if loader.complete(test) != test {
		t.Errorf("complete(test variant) is not the variant itself")
	}
}

// TestLoadBatchCycle checks that packages in an import cycle, which go list reports (and
// breaks in the listing: loadBatch also stops if a cycle is left), come back ill-typed.
func TestLoadBatchCycle(t *testing.T) {
	variants, exports := listModule(t, false, `
-- go.mod --
module example.com/cyc

go 1.22
-- a/a.go --
package a

import "example.com/cyc/b"

var A = b.B
-- b/b.go --
package b

import "example.com/cyc/a"

var B = a.A
`)
	pkgs, _ := loadBatch(slices.Sorted(maps.Keys(variants)), variants, exports)
	for _, p := range pkgs {
		if !p.IllTyped {
			t.Errorf("%s is not ill-typed", p.ID)
		}
	}
}

// listModule writes the module of a txtar archive, lists it as runDir does (with its tests
// when asked), and returns its packages' variants and their dependencies' export data.
func listModule(t *testing.T, tests bool, archive string) (map[string][]*packages.Package, map[string]exportData) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		name := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := &runner{opts: Options{Tests: tests}}
	listed, err := r.list(dir, []string{"./..."}, true)
	if err != nil {
		t.Fatal(err)
	}
	variants := make(map[string][]*packages.Package)
	var paths []string
	for _, p := range listed {
		if isGeneratedTestMain(p) {
			continue
		}
		path := groupPath(p)
		if variants[path] == nil {
			paths = append(paths, path)
		}
		variants[path] = append(variants[path], p)
	}
	exports, err := r.exportFiles(dir, paths, variants)
	if err != nil {
		t.Fatal(err)
	}
	return variants, exports
}

// TestBuildErrors reads the go command's output for a package that does not build.
func TestBuildErrors(t *testing.T) {
	dir := filepath.FromSlash("/m/user")
	for _, tc := range []struct {
		name, out string
		want      []packages.Error
	}{
		{"syntax error", "# example.com/m/bad\n../bad/p.go:3:17: syntax error: unexpected }, expected expression",
			[]packages.Error{{Pos: filepath.FromSlash("/m/bad/p.go") + ":3:17", Msg: "syntax error: unexpected }, expected expression", Kind: packages.ListError}}},
		{"absolute path, line only, continuation", "# example.com/m/bad\n/m/bad/p.go:3: x\n\thave int\n\twant string\n",
			[]packages.Error{{Pos: "/m/bad/p.go:3", Msg: "x\n\thave int\n\twant string", Kind: packages.ListError}}},
		{"no position", "# runtime/cgo\ncgo: C compiler \"gcc\" not found",
			[]packages.Error{{Pos: "-", Msg: "runtime/cgo: cgo: C compiler \"gcc\" not found", Kind: packages.ListError}}},
	} {
		pkg := strings.TrimPrefix(strings.SplitN(tc.out, "\n", 2)[0], "# ")
		if got := buildErrors(dir, pkg, tc.out); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
