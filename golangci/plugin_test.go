package golangci

import (
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/concfix/concfix/fixers"
	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

func names(as []*analysis.Analyzer) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func TestPlugin(t *testing.T) {
	newPlugin, err := register.GetPlugin("concfix")
	if err != nil {
		t.Fatal(err)
	}
	all := names(fixers.All())
	for _, tc := range []struct {
		name     string
		settings any
		want     []string // nil: an error
	}{
		{"defaults", nil, all},
		{"enable", map[string]any{"enable": []string{"lostcancel"}}, []string{"lostcancel"}},
		{"disable", map[string]any{"disable": []string{"lostcancel"}}, all[1:]},
		{"unknown fixer", map[string]any{"enable": []string{"nosuch"}}, nil},
		{"unknown field", map[string]any{"nosuch": 1}, nil},
		{"unknown flag", map[string]any{"flags": map[string]string{"lostcancel.nosuch": "1"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newPlugin(tc.settings)
			if tc.want == nil {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			as, _ := p.BuildAnalyzers()
			if got := names(as); !slices.Equal(got, tc.want) {
				t.Errorf("analyzers %v, want %v", got, tc.want)
			}
			if p.GetLoadMode() != register.LoadModeTypesInfo {
				t.Error("load mode is not typesinfo")
			}
		})
	}
}

// TestOneIssuePerFinding: golangci-lint makes an issue of each related information, with
// no fix, so that --fix left them listed after fixing their finding; the plugin's
// diagnostics carry it in their message instead.
func TestOneIssuePerFinding(t *testing.T) {
	p, err := New(map[string]any{"enable": []string{"unlock", "lostcancel"}})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := p.BuildAnalyzers()
	for i, a := range as {
		for _, r := range analysistest.Run(t, analysistest.TestData(), a, []string{"b", "a"}[i]) {
			for _, d := range r.Diagnostics {
				if len(d.Related) > 0 {
					t.Errorf("%s: %q has related information: %v", a.Name, d.Message, d.Related)
				}
			}
		}
	}
}
