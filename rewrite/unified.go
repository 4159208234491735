package rewrite

import (
	"fmt"
	"strings"

	"github.com/concfix/concfix/internal/diff"
)

// contextLines is the number of unchanged lines shown around each change, as in diff -u and git.
const contextLines = 3

// UnifiedDiff returns a git-style unified diff of old and new content of the file at path
// (slash-separated, relative), or "" when they are equal. The output is accepted by
// `git apply` and `patch -p1`.
func UnifiedDiff(path string, old, new []byte) string {
	changes := diff.Lines(string(old), string(new))
	if len(changes) == 0 {
		return ""
	}
	a := diff.SplitLines(string(old))
	var sb strings.Builder
	fmt.Fprintf(&sb, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", path, path, path, path)
	for i := 0; i < len(changes); {
		// A hunk holds consecutive changes whose context overlaps or touches.
		j := i + 1
		for j < len(changes) && changes[j].OldStart-(changes[j-1].OldStart+len(changes[j-1].Old)) <= 2*contextLines {
			j++
		}
		first, last := changes[i], changes[j-1]
		oldStart := max(first.OldStart-contextLines, 0)
		oldEnd := min(last.OldStart+len(last.Old)+contextLines, len(a))
		newStart := first.NewStart - (first.OldStart - oldStart)
		newEnd := newStart + (oldEnd - oldStart)
		for _, c := range changes[i:j] {
			newEnd += len(c.New) - len(c.Old)
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(oldStart, oldEnd-oldStart), hunkRange(newStart, newEnd-newStart))
		line := oldStart
		for _, c := range changes[i:j] {
			for ; line < c.OldStart; line++ {
				writeLine(&sb, ' ', a[line])
			}
			for _, l := range c.Old {
				writeLine(&sb, '-', l)
			}
			for _, l := range c.New {
				writeLine(&sb, '+', l)
			}
			line += len(c.Old)
		}
		for ; line < oldEnd; line++ {
			writeLine(&sb, ' ', a[line])
		}
		i = j
	}
	return sb.String()
}

// hunkRange formats a hunk header range as diff -u does: "start,count" with a 1-based
// start, where an empty range starts at the line before it.
func hunkRange(start, count int) string {
	if count == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if count == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}

func writeLine(sb *strings.Builder, prefix byte, line string) {
	sb.WriteByte(prefix)
	sb.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		sb.WriteString("\n\\ No newline at end of file\n")
	}
}
