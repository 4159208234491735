package main

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/tools/go/analysis"
)

const helpIntro = `concfix finds the concurrency pitfalls that make Go programs leak goroutines, deadlock
or race, and fixes them by rewriting the source. Every fix is re-type-checked first.

Usage:

	concfix [flags] [packages | directories | files]   (no arguments: ./...)
	concfix help [fixer | directive]
	concfix -help                                        (every flag)

Modes:

	(none)   each finding as file:line:col: message (fixer), on stdout
	-diff    the fixes as a git-style unified diff; findings without a fix on stderr
	-w       writes the fixes; findings left without a fix on stdout
	-l       the files that -w would change
	-json    findings and their fixes as JSON (a versioned shape: README.md)
	-sarif   SARIF 2.1.0 for code scanning
`

const helpExit = `
Exit status:

	0  nothing to fix, and no finding without a fix that -fail selects
	1  a fix that was not applied (any mode but -w, which applies them), or a
	   finding without a fix of a check that -fail selects: by default every check
	   in the report modes (none, -json, -sarif), none in -diff, -w and -l
	2  bad input (a package that does not load, a file that cannot be written),
	   a usage error, or a failure of concfix itself

	-fail=all|none|check,...  chooses, as staticcheck's -fail does ("all,-unboundedgo");
	the checks are the fixers and "directive".

Examples:

	concfix ./...                  report
	concfix -diff ./...            show the fixes; exit 1 if there are any
	concfix -w ./...               apply them
	concfix -fail=none ./...       report, failing only on what can be fixed
	concfix help lostcancel        what lostcancel finds, fixes, and refuses to fix
`

const helpDirective = `directive: suppression comments, and the findings about them

A finding is silenced by a comment on its line or on the line above:

	//concfix:ignore [fixer,...] [reason]
	//lint:ignore concfix|fixer[,...] reason    (staticcheck's form; the reason is required)
	//nolint, //nolint:all, //nolint:concfix, //nolint:fixer   (its own line only)

or, for a whole file, by //lint:file-ignore concfix|fixer[,...] reason. Any other form
in a function's doc comment silences the whole function. //lint:ignore and //nolint also
name other tools' checks, which concfix leaves alone.

concfix reports, as findings of the check "directive":

  - a directive that names an unknown fixer: a name one edit or one swap away from a
    fixer's ("lostcancle"), or any unknown name in a comma-separated list. The
    directive silences only the fixers it names correctly;
  - a //lint:ignore for concfix without a reason, which silences nothing;
  - with -unusedignores, a //concfix:ignore or //lint:ignore that silences no finding
    of the fixers that ran (//nolint is golangci-lint's nolintlint's to check).

Under go vet and golangci-lint, the first fixer (lostcancel) reports the first two.
`

// help prints concfix's help, or a fixer's documentation.
func help(args []string, all []*analysis.Analyzer, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(stdout, helpIntro)
		fmt.Fprintf(stdout, "\nFixers (concfix help <fixer> for one's documentation):\n\n")
		for _, a := range all {
			fmt.Fprintf(stdout, "\t%-12s %s\n", a.Name, title(a))
		}
		fmt.Fprint(stdout, helpExit)
		return exitClean
	case len(args) > 1:
		fmt.Fprintln(stderr, "usage: concfix help [fixer | directive]")
		return exitError
	case args[0] == directiveCheck:
		fmt.Fprint(stdout, helpDirective)
		return exitClean
	}
	for _, a := range all {
		if a.Name == args[0] {
			fmt.Fprintf(stdout, "%s: %s\n\n%s\n\nMore: %s\n", a.Name, title(a), docBody(a), a.URL)
			return exitClean
		}
	}
	fmt.Fprintf(stderr, "concfix help: unknown fixer %q (concfix help lists them)\n", args[0])
	return exitError
}

// title is the first line of a's documentation, without the "name: " that some docs
// open with.
func title(a *analysis.Analyzer) string {
	t, _, _ := strings.Cut(a.Doc, "\n")
	return strings.TrimPrefix(t, a.Name+": ")
}

// docBody is a's documentation after its title.
func docBody(a *analysis.Analyzer) string {
	_, body, _ := strings.Cut(a.Doc, "\n")
	return strings.TrimSpace(body)
}
