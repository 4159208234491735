package main

import (
	"encoding/json"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/concfix/concfix/rewrite"
	"golang.org/x/tools/go/analysis"
)

// jsonReport is the output of -json.
type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Errors   []string      `json:"errors,omitempty"` // problems with the input, as file:line:col: message
}

type jsonFinding struct {
	Fixer     string   `json:"fixer"`
	Posn      string   `json:"posn"` // file:line:col, as go vet -json
	File      string   `json:"file"` // relative to the current directory
	Line      int      `json:"line"`
	Column    int      `json:"column"` // in bytes, 1-based
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Message   string   `json:"message"`
	Fix       *jsonFix `json:"fix,omitempty"`    // the verified fix, if there is one
	NoFix     string   `json:"no_fix,omitempty"` // why there is none, when known
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

// jsonEdit replaces the bytes [offset, end) of file with new_text.
type jsonEdit struct {
	File      string `json:"file"`
	Offset    int    `json:"offset"`
	End       int    `json:"end"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	NewText   string `json:"new_text"`
}

func writeJSON(w io.Writer, res *rewrite.Result, rel func(string) string) error {
	rep := jsonReport{Findings: []jsonFinding{}}
	for _, p := range res.Problems {
		rep.Errors = append(rep.Errors, p.String())
	}
	for _, f := range res.Findings {
		jf := jsonFinding{
			Fixer: f.Analyzer, File: rel(f.Pos.Filename), Line: f.Pos.Line, Column: f.Pos.Column,
			EndLine: f.End.Line, EndColumn: f.End.Column, Message: f.Message, NoFix: f.NoFix,
		}
		jf.Posn = jf.File + ":" + strconv.Itoa(jf.Line) + ":" + strconv.Itoa(jf.Column)
		if f.Fixed {
			jf.Fix = &jsonFix{Message: f.FixMessage}
			for _, e := range f.Edits {
				jf.Fix.Edits = append(jf.Fix.Edits, jsonEdit{
					File: rel(e.Path), Offset: e.Start.Offset, End: e.End.Offset,
					Line: e.Start.Line, Column: e.Start.Column, EndLine: e.End.Line, EndColumn: e.End.Column,
					NewText: e.New,
				})
			}
		}
		rep.Findings = append(rep.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// SARIF 2.1.0, the subset that GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
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
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
	FullDescription  sarifMessage `json:"fullDescription"`
	HelpURI          string       `json:"helpUri,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
	Fixes     []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
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

const srcRoot = "%SRCROOT%"

// writeSARIF writes the findings as SARIF 2.1.0 with URIs relative to the repository root
// (the directory holding .git above cwd, else cwd) and columns in UTF-16 code units, as
// GitHub code scanning expects.
func writeSARIF(w io.Writer, res *rewrite.Result, analyzers []*analysis.Analyzer, cwd string) error {
	root := repoRoot(cwd)
	lines := newLineCache()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "concfix", Version: moduleVersion(), InformationURI: "https://github.com/concfix/concfix",
			Rules: []sarifRule{},
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{srcRoot: {URI: "file://" + filepath.ToSlash(root) + "/"}},
		Results:            []sarifResult{},
		ColumnKind:         "utf16CodeUnits",
	}
	ruleIndex := make(map[string]int)
	for _, a := range analyzers {
		ruleIndex[a.Name] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: a.Name, ShortDescription: sarifMessage{title(a)}, FullDescription: sarifMessage{a.Doc}, HelpURI: a.URL,
		})
	}
	loc := func(path string) sarifArtifactLoc {
		r, err := filepath.Rel(root, path)
		if err != nil {
			r = path
		}
		return sarifArtifactLoc{URI: filepath.ToSlash(r), URIBaseID: srcRoot}
	}
	region := func(start, end token.Position) sarifRegion {
		return sarifRegion{
			StartLine: start.Line, StartColumn: lines.utf16Column(start),
			EndLine: end.Line, EndColumn: lines.utf16Column(end),
		}
	}
	for _, f := range res.Findings {
		r := sarifResult{
			RuleID: f.Analyzer, RuleIndex: ruleIndex[f.Analyzer], Level: "warning",
			Message:   sarifMessage{f.Message},
			Locations: []sarifLocation{{sarifPhysical{loc(f.Pos.Filename), region(f.Pos, f.End)}}},
		}
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
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

func (c lineCache) utf16Column(p token.Position) int {
	lines, ok := c[p.Filename]
	if !ok {
		b, _ := os.ReadFile(p.Filename)
		lines = strings.Split(string(b), "\n")
		c[p.Filename] = lines
	}
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
