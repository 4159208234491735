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
// golangci-lint then reports concfix's findings and, with --fix, applies its fixes.
package golangci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers"
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
			p.analyzers = append(p.analyzers, a)
		}
	}
	return p, nil
}

func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) { return p.analyzers, nil }

func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
