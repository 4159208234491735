package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concfix/concfix/rewrite"
)

// Exit statuses.
const (
	exitClean    = 0 // nothing fails the run (see exitStatus)
	exitFindings = 1 // a fix not applied, or a finding without a fix that -fail selects
	exitError    = 2 // bad input, a usage error, or a failure of concfix: see stderr
)

// A mode is what concfix does with the fixes.
type mode int

const (
	modeReport mode = iota // file:line:col: message (fixer)
	modeJSON
	modeSARIF
	modeDiff
	modeList
	modeWrite
)

// fixes reports whether m is a fix mode: -diff, -l or -w.
func (m mode) fixes() bool { return m >= modeDiff }

// directiveCheck names the findings about suppression directives (unknown fixers, missing
// reasons, unused directives) in the output and in -fail.
const directiveCheck = "directive"

// failSet holds the checks (fixers, and directiveCheck) whose findings without a fix fail
// the run.
type failSet map[string]bool

// parseFail parses -fail as staticcheck does: a comma-separated list of check names, all,
// none, and -name to take one out ("all,-unboundedgo"), applied in order. The empty string
// is the mode's default: all in the report modes, none in the fix modes, which fail on
// what they can fix, as gofmt -d and go fix -diff do.
func parseFail(s string, checks []string, m mode) (failSet, error) {
	if s == "" {
		if m.fixes() {
			s = "none"
		} else {
			s = "all"
		}
	}
	set := make(failSet)
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		name, remove := strings.CutPrefix(item, "-")
		switch {
		case name == "all":
			for _, c := range checks {
				set[c] = !remove
			}
		case name == "none" && !remove:
			clear(set)
		case slices.Contains(checks, name):
			set[name] = !remove
		default:
			return nil, fmt.Errorf("-fail: unknown check %q (want all, none, a fixer of concfix -list, or %s)", item, directiveCheck)
		}
	}
	return set, nil
}

// exitStatus is the outcome of a run in mode m:
//
//   - 2 when an input has a problem (a package that does not load, a file that cannot be
//     written) or concfix failed (a fixer panicked, a fix was dropped);
//   - else 1 when there is a fix that was not applied (any mode but -w, which writes the
//     fixes), or a finding without a fix whose check fail selects;
//   - else 0.
func exitStatus(m mode, res *rewrite.Result, findings []rewrite.Finding, fail failSet, writeFailed bool) int {
	if len(res.Problems) > 0 || len(res.Internal) > 0 || writeFailed {
		return exitError
	}
	if len(res.Changes) > 0 && m != modeWrite {
		return exitFindings
	}
	for _, f := range findings {
		if !f.Fixed && fail[f.Analyzer] {
			return exitFindings
		}
	}
	return exitClean
}
