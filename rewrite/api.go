package rewrite

import (
	"go/token"

	"golang.org/x/tools/go/analysis"
)

// Options configure a Run.
type Options struct {
	Dir        string   // directory to load from; "" means the current directory
	Patterns   []string // packages, directories (./...), or .go files; none means ./...
	Tests      bool     // include _test.go files and test packages
	BuildFlags []string // passed to the build system (e.g. -tags=x)
	Env        []string // environment for the build system; nil means os.Environ()
	Analyzers  []*analysis.Analyzer

	// Generated reports the findings in generated files (a "// Code generated ... DO NOT
	// EDIT." comment before the package clause, see ast.IsGenerated), which are left out
	// otherwise, as golangci-lint leaves them out. Generated files are never rewritten. A
	// file that cgo compiles is judged by its source, not by cgo's output.
	Generated bool

	// CacheDir, if set, holds the result cache: a package analysed before, and unchanged
	// since, is not analysed again; its findings and fixes come from the cache. CacheSalt
	// identifies concfix's build and options (fixers, their flags): results from another
	// salt, or with another Generated, are never used.
	CacheDir, CacheSalt string

	// Progress, if set, is called once the packages to analyse are listed and after each
	// batch, with the number of packages analysed so far and the number listed so far.
	Progress func(done, total int)
}

// A Finding is one diagnostic, with the fate of its fix.
type Finding struct {
	Analyzer   string
	Pos        token.Position // the file name is absolute
	End        token.Position
	Message    string
	Category   string // the diagnostic's category, if any
	FixMessage string // the fix offered, if any: its message
	Edits      []Edit // and its edits, against the file contents before concfix
	Fixed      bool   // the fix is part of Result.Changes
	NoFix      string // why there is no fix, or why it was dropped
}

// An Edit replaces the bytes [Start.Offset, End.Offset) of the file at Path with New.
type Edit struct {
	Path       string // absolute
	Start, End token.Position
	New        string
}

// A Change is the new content of one file.
type Change struct {
	Path     string // absolute
	Old, New []byte
}

// A Problem is an error in the user's input: a package that does not load, parse or
// type-check, or a pattern that matches nothing. Pos is "file:line:col" when known.
type Problem struct {
	Pos     string
	Message string
}

func (p Problem) String() string {
	if p.Pos == "" {
		return p.Message
	}
	return p.Pos + ": " + p.Message
}

// Result is the outcome of a Run.
type Result struct {
	Findings []Finding
	Changes  []Change
	Problems []Problem
	Internal []error // failures of concfix itself (analyzer panics, verification drops)
}
