package fixkit

import (
	"fmt"
	"go/token"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A Refusal is why a finding has no fix: the fix could change more than the bug, or
// cannot be written. It is an error, so that the builder of a fix can return it. Its text
// is lowercase, without a trailing period, and says what stops the fix ("the context
// escapes to a goroutine").
type Refusal string

func (r Refusal) Error() string { return string(r) }

// Refusalf formats a Refusal.
func Refusalf(format string, args ...any) Refusal { return Refusal(fmt.Sprintf(format, args...)) }

// An InternalError is a bug of concfix met while building a fix: a panic in a fixer or
// in dst. The finding is still reported, without a fix, and drivers show the error apart
// from the user's findings.
type InternalError struct {
	Value any    // what was panicked
	Stack []byte // the stack of the panic
}

func (e *InternalError) Error() string {
	msg := fmt.Sprint(e.Value)
	if at := panicSite(e.Stack); at != "" {
		msg += " (at " + at + ")"
	}
	return "internal error: " + msg
}

// The reason travels with the diagnostic, as related information (which every driver
// keeps: go vet prints it, gopls shows it, the concfix driver takes it out), so that a
// refusal reaches every output, and the diagnostic's message stays the finding alone.
const (
	noFix    = "no fix: "
	internal = "internal error: "
)

// Refuse reports d without a fix. why says what stops the fix (a Refusal's text), pos
// where (d.Pos when it is about the finding as a whole).
func Refuse(pass *analysis.Pass, d analysis.Diagnostic, pos token.Pos, why string) {
	refuse(pass, d, pos, Refusal(why))
}

func refuse(pass *analysis.Pass, d analysis.Diagnostic, pos token.Pos, err error) {
	if !pos.IsValid() {
		pos = d.Pos
	}
	why := err.Error()
	if i := strings.IndexByte(why, '\n'); i >= 0 {
		why = why[:i]
	}
	d.SuggestedFixes = nil
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: pos, Message: noFix + why})
	pass.Report(d)
}

// NoFix returns why d was reported without a fix by Refuse or Report, and whether that is
// an internal error of concfix rather than a refusal.
func NoFix(d analysis.Diagnostic) (why string, isInternal, ok bool) {
	for _, r := range d.Related {
		if why, ok := strings.CutPrefix(r.Message, noFix); ok {
			return why, strings.HasPrefix(why, internal), true
		}
	}
	return "", false, false
}

// Related returns the related information of d but for the reason it has no fix.
func Related(d analysis.Diagnostic) []analysis.RelatedInformation {
	var out []analysis.RelatedInformation
	for _, r := range d.Related {
		if !strings.HasPrefix(r.Message, noFix) {
			out = append(out, r)
		}
	}
	return out
}

var frame = regexp.MustCompile(`(?m)^github\.com/concfix/concfix/[^\n]*\n\t(\S+/(fixers|internal)/\S+\.go:\d+)`)

// panicSite returns the file and line of the innermost frame of concfix's code below
// the panic, relative to the module root, or "".
func panicSite(stack []byte) string {
	s := string(stack)
	if i := strings.Index(s, "panic("); i >= 0 {
		s = s[i:]
	}
	for _, m := range frame.FindAllStringSubmatch(s, -1) {
		file := m[1]
		if strings.Contains(file, "/internal/fixkit/") && !strings.HasSuffix(file[:strings.LastIndex(file, ":")], "_test.go") {
			continue // the toolkit, where a fixer's misuse shows (Fix.Dst of a foreign node)
		}
		if i := strings.LastIndex(file, "/"+m[2]+"/"); i >= 0 {
			file = file[i+1:]
		}
		return file
	}
	return ""
}
