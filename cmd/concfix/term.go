package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
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

// progress shows "analysed N/M packages" on a terminal, once a run takes more than a
// moment, overwriting one line.
type progress struct {
	w     io.Writer
	start time.Time
	shown bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w, start: time.Now()} }

func (p *progress) update(done, total int) {
	if time.Since(p.start) < 2*time.Second {
		return
	}
	fmt.Fprintf(p.w, "\rconcfix: analysed %d/%d packages\x1b[K", done, total)
	p.shown = true
}

func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
