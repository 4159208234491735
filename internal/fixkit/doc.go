// Package fixkit is the toolkit of concfix's fixers: what a fixer needs to build a fix
// and say why it has none, apart from the engine that loads packages, merges fixes and
// writes files.
//
//   - Build and Report make a suggested fix from changes to the dst twins of the pass's
//     syntax (Fix.Dst), as minimal line edits that keep comments and touch no other line.
//   - Refuse, Refusal and NoFix carry the reason a finding has no fix, as data.
//   - StmtList gives the statement list of a dst block or clause.
//   - Parts are an analyzer's shares of a fix that spans packages, which the concfix
//     driver assembles.
//   - Doc turns a fixer's doc.go into its analyzer's documentation.
//
// A fixer imports fixkit and the shared model (fixers/internal/model), never the engine.
package fixkit

import "strings"

// Doc returns an analyzer's documentation from the source of its package's doc.go: the
// text after the "# Analyzer <name>" heading, whose first line is "<name>: title". The
// analysis framework prints the first line as the analyzer's title.
func Doc(docGo, name string) string {
	var lines []string
	for l := range strings.SplitSeq(docGo, "\n") {
		if !strings.HasPrefix(l, "//") {
			break
		}
		l = strings.TrimPrefix(l, "//")
		l = strings.TrimPrefix(l, " ") // the tab of a code block stays
		lines = append(lines, l)
	}
	text := strings.Join(lines, "\n")
	marker := "# Analyzer " + name + "\n\n"
	i := strings.Index(text, marker)
	if i < 0 {
		panic(name + ": doc.go lacks the section \"# Analyzer " + name + "\"")
	}
	return strings.TrimSpace(text[i+len(marker):])
}

// URL returns the documentation address of the fixer with the given name.
func URL(name string) string {
	return "https://pkg.go.dev/github.com/concfix/concfix/fixers/" + name
}
