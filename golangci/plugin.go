// Package golangci registers concfix's fixers as a golangci-lint v2 module plugin.
//
// Build a golangci-lint that includes it with a .custom-gcl.yml next to your go.mod:
//
//	version: v2.6.0
//	plugins:
//	  - module: github.com/concfix/concfix
//	    import: github.com/concfix/concfix/golangci
//	    version: latest
//
// then `golangci-lint custom` and enable it in .golangci.yml:
//
//	version: "2"
//	linters:
//	  enable: [concfix]
//	  settings:
//	    custom:
//	      concfix:
//	        type: module
//	        settings:
//	          disable: [ctxprop]            # or enable: [lostcancel, unlock]
//	          flags: {ctxfirst.api: "true"} # fixer flags, as on the concfix command line
//
// golangci-lint then reports concfix's findings and, with --fix, applies its fixes. Each
// finding is one issue: its related information (the lines involved, the reason it has no
// fix) is part of its message, as golangci-lint would otherwise list each as an issue of
// its own, which --fix leaves behind when it fixes the finding.
package golangci

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

func init() {
	register.Plugin("concfix", New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	Enable  []string          `json:"enable"`  // fixers to run; empty means all
	Disable []string          `json:"disable"` // fixers not to run
	Flags   map[string]string `json:"flags"`   // "fixer.flag": value
}

type plugin struct {
	analyzers []*analysis.Analyzer
}

// New builds the plugin from its settings.
func New(raw any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, err
	}
	all := fixers.All()
	known := func(name string) bool {
		return slices.ContainsFunc(all, func(a *analysis.Analyzer) bool { return a.Name == name })
	}
	for _, n := range append(slices.Clone(s.Enable), s.Disable...) {
		if !known(n) {
			return nil, fmt.Errorf("concfix: unknown fixer %q", n)
		}
	}
	for name, value := range s.Flags {
		fixer, flag, ok := strings.Cut(name, ".")
		i := slices.IndexFunc(all, func(a *analysis.Analyzer) bool { return a.Name == fixer })
		if !ok || i < 0 || all[i].Flags.Lookup(flag) == nil {
			return nil, fmt.Errorf("concfix: unknown flag %q", name)
		}
		if err := all[i].Flags.Set(flag, value); err != nil {
			return nil, fmt.Errorf("concfix: flag %s: %v", name, err)
		}
	}
	p := &plugin{}
	for _, a := range all {
		if (len(s.Enable) == 0 || slices.Contains(s.Enable, a.Name)) && !slices.Contains(s.Disable, a.Name) {
			p.analyzers = append(p.analyzers, foldRelated(a))
		}
	}
	return p, nil
}

func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) { return p.analyzers, nil }

func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

// foldRelated wraps a so that each diagnostic carries its related information in its
// message, "(line 12: this return leaves mu locked)" or "(no fix: why)", and has none.
func foldRelated(a *analysis.Analyzer) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) {
			if len(d.Related) > 0 {
				here := pass.Fset.Position(d.Pos)
				var notes []string
				for _, r := range fixkit.Related(d) {
					p := pass.Fset.Position(r.Pos)
					at := fmt.Sprintf("line %d", p.Line)
					if p.Filename != here.Filename {
						at = fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
					}
					notes = append(notes, at+": "+r.Message)
				}
				if why, _, ok := fixkit.NoFix(d); ok {
					notes = append(notes, "no fix: "+why)
				}
				d.Message += " (" + strings.Join(notes, "; ") + ")"
				d.Related = nil
			}
			pass.Report(d)
		}
		return a.Run(&inner)
	}
	return &w
}
