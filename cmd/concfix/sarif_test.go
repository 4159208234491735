package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xeipuuv/gojsonschema"
)

// checkSARIF validates a SARIF log against the OASIS SARIF 2.1.0 schema, decodes it with
// go-sarif, and checks what GitHub code scanning needs of it. It returns each result's
// rule and fingerprint, one per line.
func checkSARIF(schema, log []byte) (string, error) {
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(log))
	if err != nil {
		return "", err
	}
	var errs []string
	for _, e := range res.Errors() {
		errs = append(errs, "schema: "+e.String())
	}
	if _, err := sarif.FromBytes(log); err != nil {
		errs = append(errs, "go-sarif: "+err.Error())
	}
	var l sarifLog
	if err := json.Unmarshal(log, &l); err != nil {
		return "", err
	}
	if len(l.Runs) != 1 {
		return "", fmt.Errorf("%d runs, want 1", len(l.Runs))
	}
	run := l.Runs[0]
	for _, r := range run.Tool.Driver.Rules {
		if r.Help.Text == "" || r.Help.Markdown == "" || !strings.HasPrefix(r.HelpURI, "https://") ||
			r.FullDescription.Text == "" || r.Properties.Precision == "" || len(r.Properties.Tags) == 0 {
			errs = append(errs, fmt.Sprintf("rule %s lacks help, helpUri, a description, precision or tags: %+v", r.ID, r))
		}
	}
	if len(run.Invocations) != 1 {
		errs = append(errs, fmt.Sprintf("%d invocations, want 1", len(run.Invocations)))
	}
	var out strings.Builder
	seen := make(map[string]bool)
	for _, r := range run.Results {
		fp := r.PartialFingerprints[fingerprintKey]
		if fp == "" || seen[fp] {
			errs = append(errs, fmt.Sprintf("result %q: fingerprint %q missing or not unique", r.Message.Text, fp))
		}
		seen[fp] = true
		if r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			errs = append(errs, fmt.Sprintf("result %q: ruleIndex %d is not rule %s", r.Message.Text, r.RuleIndex, r.RuleID))
		}
		fmt.Fprintf(&out, "%s %s\n", r.RuleID, fp)
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out.String(), nil
}

// sarifCheck is the script command "sarifcheck file": checkSARIF on the file, with the
// schema at $SARIF_SCHEMA; it prints each result's rule and fingerprint.
func sarifCheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sarifcheck file")
	}
	schema, err := os.ReadFile(ts.Getenv("SARIF_SCHEMA"))
	ts.Check(err)
	out, err := checkSARIF(schema, []byte(ts.ReadFile(args[0])))
	if neg {
		if err == nil {
			ts.Fatalf("the SARIF log passes")
		}
		return
	}
	if err != nil {
		ts.Fatalf("%v", err)
	}
	fmt.Fprint(ts.Stdout(), out)
}

func TestRuleProps(t *testing.T) {
	precisions := map[string]bool{"very-high": true, "high": true, "medium": true, "low": true}
	for _, a := range fixers.All() {
		p, ok := ruleProps[a.Name]
		if !ok || !precisions[p.Precision] || len(p.Tags) == 0 {
			t.Errorf("ruleProps[%s] = %+v: want a precision (very-high, high, medium, low) and tags", a.Name, p)
		}
	}
}

func TestFingerprint(t *testing.T) {
	base := fingerprint("lostcancel", "a.go", "\tctx, _ = context.WithCancel(ctx)")
	for _, tc := range []struct {
		rule, uri, text string
		same            bool
	}{
		{"lostcancel", "a.go", "ctx, _ = context.WithCancel(ctx)", true},    // indented differently
		{"lostcancel", "a.go", "ctx,_=context.WithCancel( ctx )", true},     // spaced differently
		{"lostcancel", "b.go", "\tctx, _ = context.WithCancel(ctx)", false}, // another file
		{"unlock", "a.go", "\tctx, _ = context.WithCancel(ctx)", false},     // another rule
		{"lostcancel", "a.go", "\tctx, _ = context.WithTimeout(ctx, d)", false},
	} {
		if got := fingerprint(tc.rule, tc.uri, tc.text) == base; got != tc.same {
			t.Errorf("fingerprint(%q, %q, %q) equal: %v, want %v", tc.rule, tc.uri, tc.text, got, tc.same)
		}
	}
}

func TestDocFormats(t *testing.T) {
	body := "First paragraph,\non two lines.\n\n  - an item\n    that wraps\n\nCode:\n\n\tdefer cancel()\n"
	text, md, first := docFormats(body)
	if first != "First paragraph, on two lines." {
		t.Errorf("first paragraph %q", first)
	}
	if text != strings.TrimSpace(body) {
		t.Errorf("text %q", text)
	}
	for _, want := range []string{"First paragraph, on two lines.\n", "  - an item that wraps\n", "\tdefer cancel()"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestParsePos(t *testing.T) {
	for _, tc := range []struct {
		pos       string
		file      string
		line, col int
		ok        bool
	}{
		{"a/b.go:3:13", "a/b.go", 3, 13, true},
		{"a/b.go:3", "a/b.go", 3, 0, true},
		{`C:\x\b.go:3:1`, `C:\x\b.go`, 3, 1, true},
		{"", "", 0, 0, false},
		{"pattern ./x matched nothing", "", 0, 0, false},
	} {
		file, line, col, ok := parsePos(tc.pos)
		if file != tc.file || line != tc.line || col != tc.col || ok != tc.ok {
			t.Errorf("parsePos(%q) = %q, %d, %d, %v", tc.pos, file, line, col, ok)
		}
	}
}
