package fixers

// BenchmarkGrowth measures how the shared model and each fixer grow with the size of a
// package (issue 18: every analyzer, and the model, linear in the size of the package).
//
//	go test ./fixers -run '^$' -bench Growth -benchmem -timeout 60m
//
// (about 3 minutes per -count on 2 cores; GROWTH_LINES=10000,100000 picks the sizes,
// -bench 'Growth/lines=100000/chanmutex$' one row).
//
// For each size (GROWTH_LINES, comma-separated; default 10000,30000,100000) it writes a
// package of about that many lines shaped like real concurrent code, with one bug of
// each fixer every 5000 lines (package growth), and loads it once, as the test
// variant (example.com/big [example.com/big.test]), so that the _test.go files, and
// testfatal with them, are analysed too. The package is type-checked from source and its
// dependencies come from export data, as concfix's loader and go vet do: with
// LoadAllSyntax the standard library's syntax would stay in the heap, and every GC of
// the benchmark would scan it. The rows, each a sub-benchmark lines=N/row:
//
//   - inspect: inspector.New over the files;
//   - walk: one pass over every node with the types.Info lookup an analyzer makes per
//     node. It is linear by construction, so that its growth is the machine's (caches:
//     the maps of types.Info outgrow them), the yardstick for the other rows;
//   - model: model.New, the eager part of the model (functions, go statements, no-return
//     functions), given the inspector;
//   - model.cfg, model.chans, model.locks, model.contexts, model.shared: each lazily
//     computed part of the model, on a model whose earlier parts (in that order) are
//     computed already, outside the timer; model.cfg builds every function's graph;
//   - one row per fixer of the registry (unwrapped: no suppression or generated-file
//     filter): its Run, on a model of its own whose parts above are computed before the
//     timer starts, so that the row is the fixer's own cost; the queries that the model
//     memoizes per channel or function (Chans.Fits, KnownDone, the comment index) are
//     computed in its first iteration only, and are counted in full in the all row;
//   - all: inspector, model and every fixer, fresh each time: the whole cost per package.
//
// Besides ns/op, B/op and allocs/op each row reports lines (of the package, tests
// included), ns/line (linear growth keeps it constant across sizes), cpu-ns/line (the
// same in CPU time of the process, where the platform has getrusage: on a busy machine
// it varies less) and, for a fixer, findings (the diagnostics it reported, so that its
// reporting and fix paths ran). Nothing here asserts a speed.

import (
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concfix/concfix/fixers/internal/growth"
	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/packages"
)

func BenchmarkGrowth(b *testing.B) {
	sizes := []int{10000, 30000, 100000}
	if s := os.Getenv("GROWTH_LINES"); s != "" {
		sizes = nil
		for f := range strings.SplitSeq(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatalf("GROWTH_LINES: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, lines := range sizes {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			g := loadGrowth(b, lines)
			benchGrowth(b, g)
		})
	}
}

// A growthPkg is a written and loaded package.
type growthPkg struct {
	pkg   *packages.Package
	lines int
	src   map[string][]byte // the content of the files, for pass.ReadFile
}

func loadGrowth(b *testing.B, lines int) *growthPkg {
	dir := b.TempDir()
	st, err := growth.Write(dir, lines)
	if err != nil {
		b.Fatal(err)
	}
	cfg := &packages.Config{Mode: packages.LoadSyntax | packages.NeedModule, Dir: dir, Tests: true}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		b.Fatal(err)
	}
	g := &growthPkg{lines: st.Lines, src: make(map[string][]byte)}
	for _, p := range pkgs {
		if p.ID == growth.Module+" ["+growth.Module+".test]" {
			g.pkg = p
		}
	}
	if g.pkg == nil || packages.PrintErrors(pkgs) > 0 {
		b.Fatalf("loading the test variant of %s: %d packages", growth.Module, len(pkgs))
	}
	for _, name := range g.pkg.CompiledGoFiles {
		if g.src[name], err = os.ReadFile(name); err != nil {
			b.Fatal(err)
		}
	}
	return g
}

// pass returns a pass of a over g, with the results of its requirements, counting what it
// reports in *found.
func (g *growthPkg) pass(a *analysis.Analyzer, results map[*analysis.Analyzer]any, found *int) *analysis.Pass {
	p := g.pkg
	pass := &analysis.Pass{
		Analyzer:          a,
		Fset:              p.Fset,
		Files:             p.Syntax,
		OtherFiles:        p.OtherFiles,
		IgnoredFiles:      p.IgnoredFiles,
		Pkg:               p.Types,
		TypesInfo:         p.TypesInfo,
		TypesSizes:        p.TypesSizes,
		TypeErrors:        p.TypeErrors,
		Module:            &analysis.Module{},
		ResultOf:          results,
		Report:            func(analysis.Diagnostic) { *found++ },
		ReadFile:          g.readFile,
		ImportObjectFact:  func(types.Object, analysis.Fact) bool { return false },
		ExportObjectFact:  func(types.Object, analysis.Fact) {},
		ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
		ExportPackageFact: func(analysis.Fact) {},
		AllObjectFacts:    func() []analysis.ObjectFact { return nil },
		AllPackageFacts:   func() []analysis.PackageFact { return nil },
	}
	if m := p.Module; m != nil {
		pass.Module = &analysis.Module{Path: m.Path, Version: m.Version, GoVersion: m.GoVersion}
	}
	return pass
}

func (g *growthPkg) readFile(name string) ([]byte, error) {
	if src, ok := g.src[name]; ok {
		return src, nil
	}
	return nil, fmt.Errorf("%s: not a file of the package", name)
}

// newModel returns a fresh model of g, with its parts up to the first parts computed.
func (g *growthPkg) newModel(b *testing.B, insp *inspector.Inspector, parts int) *model.Model {
	var none int
	res, err := model.Analyzer.Run(g.pass(model.Analyzer, map[*analysis.Analyzer]any{inspect.Analyzer: insp}, &none))
	if err != nil {
		b.Fatal(err)
	}
	m := res.(*model.Model)
	for _, p := range modelParts[:parts] {
		p.compute(m)
	}
	return m
}

// modelParts are the lazily computed parts of the model, in the order they are computed.
var modelParts = []struct {
	name    string
	compute func(*model.Model)
}{
	{"cfg", func(m *model.Model) {
		for _, f := range m.Funcs {
			f.CFG()
		}
	}},
	{"chans", func(m *model.Model) { m.Chans() }},
	{"locks", func(m *model.Model) { m.Locks() }},
	{"contexts", func(m *model.Model) { m.Contexts() }},
	{"shared", func(m *model.Model) { m.Shared() }},
}

// run runs the fixer a on a fresh model (or inspector, for a fixer that does not need
// the model) and returns the number of findings.
func (g *growthPkg) run(b *testing.B, a *analysis.Analyzer, insp *inspector.Inspector, m *model.Model) int {
	found := 0
	results := make(map[*analysis.Analyzer]any)
	for _, req := range a.Requires {
		switch req {
		case inspect.Analyzer:
			results[req] = insp
		case model.Analyzer:
			results[req] = m
		default:
			b.Fatalf("%s requires %s, which the benchmark does not provide", a.Name, req.Name)
		}
	}
	if _, err := a.Run(g.pass(a, results, &found)); err != nil {
		b.Fatalf("%s: %v", a.Name, err)
	}
	return found
}

func benchGrowth(b *testing.B, g *growthPkg) {
	files := g.pkg.Syntax
	insp := inspector.New(files)
	// A row's body returns the iterations it ran and the CPU time they took: the process's
	// (every thread, the GC's included), which other processes on the machine do not
	// inflate as they do the wall-clock ns/op.
	row := func(name string, body func(b *testing.B) (iters int, cpu time.Duration)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			n, cpu := body(b)
			per := float64(n) * float64(g.lines)
			b.ReportMetric(float64(g.lines), "lines")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/line")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/per, "cpu-ns/line")
			}
		})
	}

	row("inspect", func(b *testing.B) (n int, cpu time.Duration) {
		start := cpuTime()
		for b.Loop() {
			inspector.New(files)
			n++
		}
		return n, cpuTime() - start
	})
	row("walk", func(b *testing.B) (n int, cpu time.Duration) {
		info := g.pkg.TypesInfo
		start := cpuTime()
		for b.Loop() {
			known := 0
			for c := range insp.Root().Preorder() {
				switch e := c.Node().(type) {
				case *ast.Ident:
					if info.ObjectOf(e) != nil {
						known++
					}
				case ast.Expr:
					if _, ok := info.Types[e]; ok {
						known++
					}
				}
			}
			walked = known
			n++
		}
		return n, cpuTime() - start
	})
	row("model", func(b *testing.B) (n int, cpu time.Duration) {
		start := cpuTime()
		for b.Loop() {
			g.newModel(b, insp, 0)
			n++
		}
		return n, cpuTime() - start
	})
	for i, p := range modelParts {
		row("model."+p.name, func(b *testing.B) (n int, cpu time.Duration) {
			for b.Loop() {
				b.StopTimer()
				m := g.newModel(b, insp, i)
				b.StartTimer()
				start := cpuTime()
				p.compute(m)
				cpu += cpuTime() - start
				n++
			}
			return n, cpu
		})
	}
	for _, a := range registry {
		row(a.Name, func(b *testing.B) (n int, cpu time.Duration) {
			found := 0
			var m *model.Model
			if needsModel(a) {
				m = g.newModel(b, insp, len(modelParts))
			}
			start := cpuTime()
			for b.Loop() {
				found = g.run(b, a, insp, m)
				n++
			}
			cpu = cpuTime() - start
			b.ReportMetric(float64(found), "findings")
			return n, cpu
		})
	}
	row("all", func(b *testing.B) (n int, cpu time.Duration) {
		found := 0
		start := cpuTime()
		for b.Loop() {
			insp := inspector.New(files)
			m := g.newModel(b, insp, 0)
			found = 0
			for _, a := range registry {
				found += g.run(b, a, insp, m)
			}
			n++
		}
		cpu = cpuTime() - start
		b.ReportMetric(float64(found), "findings")
		return n, cpu
	})
}

// walked keeps the walk row's result alive.
var walked int

func needsModel(a *analysis.Analyzer) bool {
	for _, req := range a.Requires {
		if req == model.Analyzer {
			return true
		}
	}
	return false
}
