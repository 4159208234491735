package main

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/concfix/concfix/rewrite"
)

// jsonVersion is the version of -json's shape (README.md, "-json"). It changes only when
// a field is removed or changes meaning; fields may be added within a version.
const jsonVersion = 1

// jsonReport is the output of -json.
type jsonReport struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
	Errors   []string      `json:"errors,omitempty"` // problems with the input, as file:line:col: message, and failures of concfix
}

type jsonFinding struct {
	Fixer     string   `json:"fixer"` // or "directive", for a finding about a suppression comment
	Posn      string   `json:"posn"`  // file:line:col, as go vet -json
	File      string   `json:"file"`  // relative to the current directory
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

func writeJSON(w io.Writer, res *rewrite.Result, findings []rewrite.Finding, rel func(string) string) error {
	rep := jsonReport{Version: jsonVersion, Findings: []jsonFinding{}}
	for _, p := range res.Problems {
		rep.Errors = append(rep.Errors, p.String())
	}
	for _, err := range res.Internal {
		rep.Errors = append(rep.Errors, "concfix: "+err.Error())
	}
	for _, f := range findings {
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
