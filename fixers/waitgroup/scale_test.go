package waitgroup_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/waitgroup"
	"golang.org/x/tools/go/analysis"
)

// BenchmarkScale runs the analyzer (and what it requires) over generated packages of
// growing size, so that the growth with a package's size shows (issue 18: the time per
// line must stay flat). Run with:
//
//	go test ./fixers/waitgroup -run '^$' -bench Scale -benchmem
//
// The findings=0 rows measure the analysis alone; with findings (one unit in ten), the
// time of building the fixes (decorating the file of each, in internal/fixkit) adds.
func BenchmarkScale(b *testing.B) {
	for _, every := range []int{0, 10} {
		for _, units := range []int{250, 750, 2500} {
			src := generate(units, every)
			lines := 0
			for _, f := range src {
				lines += strings.Count(f, "\n")
			}
			pass := typeCheck(b, src)
			want := 0
			if every > 0 {
				want = units / every
			}
			b.Run(fmt.Sprintf("findings=%d/lines=%d", want, lines), func(b *testing.B) {
				b.ReportAllocs()
				diags := 0
				for b.Loop() {
					diags = runAll(b, waitgroup.Analyzer, pass)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(lines), "ns/line")
				if diags != want {
					b.Fatalf("%d diagnostics, want %d", diags, want)
				}
			})
		}
	}
}

// generate returns the files of a package of n units of about 40 lines each: methods
// and functions started by go statements (named and literal), WaitGroups in fields and
// variables, interfaces, and, when every > 0, one finding every every units (a Done that
// a return skips).
func generate(n, every int) []string {
	var files []string
	var b strings.Builder
	header := "package p\n\nimport \"sync\"\n\nvar _ sync.Mutex\n"
	b.WriteString(header)
	for i := range n {
		fmt.Fprintf(&b, `
type worker%[1]d struct {
	wg sync.WaitGroup
	mu sync.Mutex
	n  int
}

type runner%[1]d interface{ step%[1]d(int) int }

func (w *worker%[1]d) run%[1]d(items []int) {
	defer w.wg.Done()
	for _, x := range items {
		w.mu.Lock()
		w.n += x
		w.mu.Unlock()
	}
}

func (w *worker%[1]d) step%[1]d(x int) int { return x + w.n }

func start%[1]d(items []int) int {
	var wg sync.WaitGroup
	w := &worker%[1]d{}
	w.wg.Add(1)
	go w.run%[1]d(items)
	for i := range items {
		wg.Add(1)
		go func(i int) {
			items[i] = w.step%[1]d(items[i])
			wg.Done()
		}(i)
	}
	wg.Add(1)
	go loop%[1]d(&wg, items)
	wg.Wait()
	w.wg.Wait()
	return w.n
}

func loop%[1]d(wg *sync.WaitGroup, items []int) {
	%[2]s
	items[0]++
	wg.Done()
}
`, i, map[bool]string{true: "if len(items) == 0 {\n\t\treturn\n\t}", false: "items = items[:1]"}[every > 0 && i%every == 0])
		if i%25 == 24 {
			files = append(files, b.String())
			b.Reset()
			b.WriteString(header)
		}
	}
	if b.Len() > len(header) {
		files = append(files, b.String())
	}
	return files
}

func typeCheck(tb testing.TB, src []string) *analysis.Pass {
	fset := token.NewFileSet()
	var files []*ast.File
	contents := make(map[string][]byte)
	for i, s := range src {
		name := fmt.Sprintf("f%d.go", i)
		f, err := parser.ParseFile(fset, name, s, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, f)
		contents[name] = []byte(s)
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, Implicits: map[ast.Node]types.Object{},
		Scopes: map[ast.Node]*types.Scope{}, Instances: map[*ast.Ident]types.Instance{}, FileVersions: map[*ast.File]string{},
	}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, files, info)
	if err != nil {
		tb.Fatal(err)
	}
	return &analysis.Pass{
		Fset: fset, Files: files, Pkg: pkg, TypesInfo: info, TypesSizes: types.SizesFor("gc", "amd64"),
		Module: &analysis.Module{},
		ReadFile: func(name string) ([]byte, error) {
			if b, ok := contents[name]; ok {
				return b, nil
			}
			return nil, fmt.Errorf("no file %s", name)
		},
	}
}

// runAll runs a and the analyzers it requires on the package of base, and returns the
// number of diagnostics a reported.
func runAll(tb testing.TB, a *analysis.Analyzer, base *analysis.Pass) int {
	results := make(map[*analysis.Analyzer]any)
	diags := 0
	var run func(a *analysis.Analyzer) any
	run = func(a *analysis.Analyzer) any {
		if r, ok := results[a]; ok {
			return r
		}
		inputs := make(map[*analysis.Analyzer]any)
		for _, req := range a.Requires {
			inputs[req] = run(req)
		}
		pass := *base
		pass.Analyzer, pass.ResultOf = a, inputs
		pass.Report = func(analysis.Diagnostic) {}
		if a == waitgroup.Analyzer {
			pass.Report = func(analysis.Diagnostic) { diags++ }
		}
		r, err := a.Run(&pass)
		if err != nil {
			tb.Fatal(err)
		}
		results[a] = r
		return r
	}
	run(a)
	return diags
}
