package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"go/doc/comment"
	"go/token"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/concfix/concfix/rewrite"
	"golang.org/x/tools/go/analysis"
)

// SARIF 2.1.0, the subset that GitHub code scanning reads, and validated against the
// OASIS schema in the tests (cmd/concfix/testdata/sarif-schema-2.1.0.json).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	ShortDescription     sarifMessage     `json:"shortDescription"`
	FullDescription      sarifMessage     `json:"fullDescription"`
	Help                 sarifMultiformat `json:"help"`
	HelpURI              string           `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig  `json:"defaultConfiguration"`
	Properties           sarifRuleProps   `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

// sarifRuleProps are the rule properties that GitHub code scanning reads: how often a
// finding is a true one, and tags to filter alerts by.
type sarifRuleProps struct {
	Precision string   `json:"precision"`
	Tags      []string `json:"tags"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	Arguments                  []string            `json:"arguments"`
	WorkingDirectory           sarifArtifactLoc    `json:"workingDirectory"`
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ExitCode                   int                 `json:"exitCode"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

// A sarifNotification is a package that did not load, parse or type-check, a pattern
// that matched nothing, or a failure of concfix.
type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion  `json:"deletedRegion"`
	InsertedContent sarifMessage `json:"insertedContent"`
}

const (
	srcRoot = "%SRCROOT%"
	// fingerprintKey names concfix's partial fingerprint. (GitHub computes
	// primaryLocationLineHash itself, and warns when a tool's differs.)
	fingerprintKey = "concfix/v1"
)

// ruleProps gives each fixer's precision and tags. A fixer missing here gets medium and
// the concurrency tag alone (TestRuleProps requires an entry for each).
var ruleProps = map[string]sarifRuleProps{
	"lostcancel":   {"high", []string{"concurrency", "context", "resource-leak"}},
	"ctxfirst":     {"very-high", []string{"concurrency", "context", "maintainability"}},
	"ctxprop":      {"high", []string{"concurrency", "context"}},
	"ctxdone":      {"high", []string{"concurrency", "context", "goroutine-leak"}},
	"singlesend":   {"high", []string{"concurrency", "goroutine-leak"}},
	"tickerstop":   {"very-high", []string{"concurrency", "resource-leak"}},
	"closerecv":    {"medium", []string{"concurrency", "channel"}},
	"unboundedgo":  {"medium", []string{"concurrency", "resource-exhaustion"}},
	"chanmutex":    {"high", []string{"concurrency", "maintainability"}},
	"waitgroup":    {"high", []string{"concurrency", "race", "deadlock"}},
	"unlock":       {"high", []string{"concurrency", "deadlock"}},
	"racewrite":    {"high", []string{"concurrency", "race"}},
	"recvclosed":   {"high", []string{"concurrency", "channel", "goroutine-leak"}},
	"testfatal":    {"very-high", []string{"concurrency", "testing"}},
	directiveCheck: {"very-high", []string{"maintainability"}},
}

// invocation is what SARIF's invocations say: the command line, and the exit status it ends with.
type invocation struct {
	args   []string
	cwd    string
	status int
}

// writeSARIF writes the findings as SARIF 2.1.0 with URIs relative to the repository root
// (the directory holding .git above cwd, else cwd) and columns in UTF-16 code units, as
// GitHub code scanning expects.
func writeSARIF(w io.Writer, res *rewrite.Result, findings []rewrite.Finding, analyzers []*analysis.Analyzer, inv invocation) error {
	root := repoRoot(inv.cwd)
	lines := newLineCache()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "concfix", Version: moduleVersion(), InformationURI: "https://github.com/concfix/concfix",
			Rules: []sarifRule{},
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{srcRoot: {URI: fileURI(root)}},
		Results:            []sarifResult{},
		ColumnKind:         "utf16CodeUnits",
	}
	ruleIndex := make(map[string]int)
	addRule := func(id, short, body, helpURI string) {
		props, ok := ruleProps[id]
		if !ok {
			props = sarifRuleProps{"medium", []string{"concurrency"}}
		}
		text, markdown, first := docFormats(body)
		ruleIndex[id] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: id, ShortDescription: sarifMessage{short}, FullDescription: sarifMessage{first},
			Help:    sarifMultiformat{Text: text, Markdown: markdown},
			HelpURI: helpURI, DefaultConfiguration: sarifRuleConfig{"warning"}, Properties: props,
		})
	}
	for _, a := range analyzers {
		addRule(a.Name, title(a), docBody(a), a.URL)
	}
	directiveTitle, directiveBody, _ := strings.Cut(helpDirective, "\n")
	addRule(directiveCheck, strings.TrimPrefix(directiveTitle, directiveCheck+": "), directiveBody,
		"https://github.com/concfix/concfix#silencing-a-finding")

	loc := func(path string) sarifArtifactLoc {
		r, err := filepath.Rel(root, path)
		if err != nil || strings.HasPrefix(r, "..") {
			return sarifArtifactLoc{URI: fileURI(path)}
		}
		return sarifArtifactLoc{URI: (&url.URL{Path: filepath.ToSlash(r)}).EscapedPath(), URIBaseID: srcRoot}
	}
	region := func(start, end token.Position) sarifRegion {
		return sarifRegion{
			StartLine: start.Line, StartColumn: lines.utf16Column(start),
			EndLine: end.Line, EndColumn: lines.utf16Column(end),
		}
	}
	occurrences := make(map[string]int)
	for _, f := range findings {
		r := sarifResult{
			RuleID: f.Analyzer, RuleIndex: ruleIndex[f.Analyzer], Level: "warning",
			Message: sarifMessage{f.Message},
		}
		at := loc(f.Pos.Filename)
		reg := region(f.Pos, f.End)
		r.Locations = []sarifLocation{{sarifPhysical{at, &reg}}}
		fp := fingerprint(f.Analyzer, at.URI, lines.text(f.Pos.Filename, f.Pos.Line, f.End.Line))
		occurrences[fp]++
		r.PartialFingerprints = map[string]string{fingerprintKey: fp + ":" + strconv.Itoa(occurrences[fp])}
		if f.Fixed {
			fix := sarifFix{Description: sarifMessage{f.FixMessage}}
			byFile := make(map[string]int)
			for _, e := range f.Edits {
				i, ok := byFile[e.Path]
				if !ok {
					i = len(fix.ArtifactChanges)
					byFile[e.Path] = i
					fix.ArtifactChanges = append(fix.ArtifactChanges, sarifArtifactChange{ArtifactLocation: loc(e.Path)})
				}
				fix.ArtifactChanges[i].Replacements = append(fix.ArtifactChanges[i].Replacements,
					sarifReplacement{region(e.Start, e.End), sarifMessage{e.New}})
			}
			r.Fixes = []sarifFix{fix}
		}
		run.Results = append(run.Results, r)
	}

	notes := []sarifNotification{}
	for _, p := range res.Problems {
		n := sarifNotification{Level: "error", Message: sarifMessage{p.Message}}
		if file, line, col, ok := parsePos(p.Pos); ok {
			if !filepath.IsAbs(file) {
				file = filepath.Join(inv.cwd, file)
			}
			n.Locations = []sarifLocation{{sarifPhysical{loc(file), &sarifRegion{StartLine: line, StartColumn: max(col, 1)}}}}
		} else if p.Pos != "" {
			n.Message.Text = p.String()
		}
		notes = append(notes, n)
	}
	for _, err := range res.Internal {
		notes = append(notes, sarifNotification{Level: "error", Message: sarifMessage{"concfix: " + err.Error()}})
	}
	args := inv.args
	if args == nil {
		args = []string{}
	}
	run.Invocations = []sarifInvocation{{
		Arguments:                  args,
		WorkingDirectory:           sarifArtifactLoc{URI: fileURI(inv.cwd)},
		ExecutionSuccessful:        inv.status != exitError,
		ExitCode:                   inv.status,
		ToolExecutionNotifications: notes,
	}}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// fingerprint identifies a finding across runs whatever moves around it: its rule, its
// file, and the text of its lines with the white space taken out (the caller numbers
// equal ones in order). Line numbers are not part of it.
func fingerprint(rule, uri, text string) string {
	h := sha256.Sum256([]byte(rule + "\x00" + uri + "\x00" + strings.Join(strings.Fields(text), "")))
	return hex.EncodeToString(h[:8])
}

// docFormats returns a fixer's documentation as SARIF help: plain text, Markdown with
// each paragraph on one line (GitHub breaks lines where the Markdown does), and the
// first paragraph on one line.
func docFormats(body string) (text, markdown, first string) {
	var p comment.Parser
	d := p.Parse(body)
	for _, b := range d.Content {
		joinLines(b)
	}
	pr := comment.Printer{TextWidth: -1}
	if len(d.Content) > 0 {
		first = strings.TrimSpace(string(pr.Text(&comment.Doc{Content: d.Content[:1]})))
	}
	return strings.TrimSpace(body), strings.TrimSpace(string(pr.Markdown(d))), first
}

// joinLines puts each paragraph of a doc block on one line.
func joinLines(b comment.Block) {
	join := func(ts []comment.Text) {
		for i, t := range ts {
			if p, ok := t.(comment.Plain); ok {
				ts[i] = comment.Plain(strings.ReplaceAll(string(p), "\n", " "))
			}
		}
	}
	switch b := b.(type) {
	case *comment.Paragraph:
		join(b.Text)
	case *comment.Heading:
		join(b.Text)
	case *comment.List:
		for _, item := range b.Items {
			for _, c := range item.Content {
				joinLines(c)
			}
		}
	}
}

// parsePos splits "file:line:col" (or "file:line").
func parsePos(pos string) (file string, line, col int, ok bool) {
	rest, last, found := cutLast(pos)
	if !found {
		return "", 0, 0, false
	}
	n, err := strconv.Atoi(last)
	if err != nil {
		return "", 0, 0, false
	}
	if f, l, found := cutLast(rest); found {
		if m, err := strconv.Atoi(l); err == nil {
			return f, m, n, f != ""
		}
	}
	return rest, n, 0, rest != ""
}

func cutLast(s string) (before, after string, found bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// fileURI is the file: URI of a directory or file, a directory's with a final slash.
func fileURI(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	s := u.String()
	if fi, err := os.Stat(path); err == nil && fi.IsDir() && !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

func repoRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// lineCache converts byte columns to UTF-16 columns, reading each file once.
type lineCache map[string][]string

func newLineCache() lineCache { return make(lineCache) }

func (c lineCache) lines(name string) []string {
	lines, ok := c[name]
	if !ok {
		b, _ := os.ReadFile(name)
		lines = strings.Split(string(b), "\n")
		c[name] = lines
	}
	return lines
}

// text returns lines from to to (1-based, inclusive) of a file.
func (c lineCache) text(name string, from, to int) string {
	lines := c.lines(name)
	from, to = max(from, 1), min(max(to, from), len(lines))
	if from > to {
		return ""
	}
	return strings.Join(lines[from-1:to], "\n")
}

func (c lineCache) utf16Column(p token.Position) int {
	lines := c.lines(p.Filename)
	if p.Line < 1 || p.Line > len(lines) || p.Column < 1 {
		return max(p.Column, 1)
	}
	prefix := lines[p.Line-1]
	if p.Column-1 < len(prefix) {
		prefix = prefix[:p.Column-1]
	}
	n := 0
	for _, r := range prefix {
		n += utf16.RuneLen(r)
	}
	return n + 1
}
