package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorMode decides whether to color the diff, as git's --color=auto|always|never.
func colorMode(mode string, stdout io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return isTerminal(stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb", nil
	}
	return false, fmt.Errorf("-color=%s: want auto, always or never", mode)
}

const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
	ansiReset = "\x1b[0m"
)

// colorDiff colors a unified diff as git does: headers bold, hunk ranges cyan, removed
// lines red, added lines green.
func colorDiff(d string) string {
	var sb strings.Builder
	for _, line := range strings.SplitAfter(d, "\n") {
		if line == "" {
			continue
		}
		body := strings.TrimSuffix(line, "\n")
		color := ""
		switch {
		case strings.HasPrefix(line, "diff "), strings.HasPrefix(line, "--- "), strings.HasPrefix(line, "+++ "):
			color = ansiBold
		case strings.HasPrefix(line, "@@"):
			color = ansiCyan
		case strings.HasPrefix(line, "-"):
			color = ansiRed
		case strings.HasPrefix(line, "+"):
			color = ansiGreen
		}
		if color == "" {
			sb.WriteString(line)
			continue
		}
		sb.WriteString(color + body + ansiReset + line[len(body):])
	}
	return sb.String()
}

// showProgress reports whether progress goes to w: a terminal, outside CI (which sets CI
// in GitHub Actions, GitLab, Travis, CircleCI...), and not a dumb one.
func showProgress(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("CI") == "" && os.Getenv("TERM") != "dumb"
}

// progress shows what concfix is doing on one line of a terminal, overwritten in place,
// from the start: listing the packages, then the packages analysed so far. clear erases
// it; it must run before anything else is printed.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	shown bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	p.show("listing packages")
	return p
}

func (p *progress) update(done, total int) {
	p.show(fmt.Sprintf("analysed %d/%d packages", done, total))
}

func (p *progress) show(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\rconcfix: %s\x1b[K", msg)
	p.shown = true
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
