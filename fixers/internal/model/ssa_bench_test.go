package model_test

// The model is built on the AST and a control-flow graph per function (package cfg), not
// on go/ssa. This benchmark is the measurement behind that choice: on large packages it
// runs the model with every part computed against buildssa, which the fixers would need
// instead (SSA for every function, before any fact is derived from it).
//
//	go test ./fixers/internal/model -run '^$' -bench ModelVsSSA -benchmem
//
// BENCH_PKGS (comma-separated import paths) replaces the default standard library packages,
// e.g. a module's largest package, run from that module's directory with -args.

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/packages"

	"github.com/concfix/concfix/fixers/internal/model"
)

// allParts is an analyzer that asks the model for every part it computes lazily, so that
// the whole model is measured, not only its functions.
var allParts = &analysis.Analyzer{
	Name:     "allparts",
	Doc:      "computes every part of the model",
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		m := pass.ResultOf[model.Analyzer].(*model.Model)
		for _, f := range m.Funcs {
			f.CFG()
		}
		m.Chans()
		m.Locks()
		m.Contexts()
		m.Shared()
		return nil, nil
	},
}

func BenchmarkModelVsSSA(b *testing.B) {
	pkgs := []string{"net/http", "go/types", "runtime", "cmd/compile/internal/ssa"}
	if s := os.Getenv("BENCH_PKGS"); s != "" {
		pkgs = strings.Split(s, ",")
	}
	for _, path := range pkgs {
		cfg := &packages.Config{Mode: packages.LoadAllSyntax}
		initial, err := packages.Load(cfg, path)
		if err != nil || len(initial) != 1 || packages.PrintErrors(initial) > 0 {
			b.Fatalf("loading %s: %v", path, err)
		}
		for _, a := range []*analysis.Analyzer{allParts, buildssa.Analyzer} {
			name := "model"
			if a == buildssa.Analyzer {
				name = "ssa"
			}
			b.Run(path+"/"+name, func(b *testing.B) {
				for b.Loop() {
					// Facts of the dependencies are not needed by either: only the root is analysed.
					if _, err := checker.Analyze([]*analysis.Analyzer{a}, initial, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
