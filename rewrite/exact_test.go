package rewrite_test

import (
	"bytes"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers"
	"github.com/concfix/concfix/rewrite"
	"golang.org/x/tools/txtar"
)

// checkExact checks that res refers to the original files: every position of a finding
// and of an edit is where its line and column say in the file before concfix, and
// applying the edits of every fixed finding (identical edits once) to the original files
// gives the changed files, neither more nor less.
func checkExact(t *testing.T, res *rewrite.Result) {
	t.Helper()
	original := make(map[string][]byte)
	orig := func(name string) []byte {
		if b, ok := original[name]; ok {
			return b
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Changes {
			if c.Path == name {
				b = c.Old
			}
		}
		original[name] = b
		return b
	}
	checkPos := func(what string, p token.Position) {
		t.Helper()
		src := orig(p.Filename)
		if p.Offset < 0 || p.Offset > len(src) {
			t.Errorf("%s: %s: offset %d outside the file (%d bytes)", what, p, p.Offset, len(src))
			return
		}
		line := 1 + bytes.Count(src[:p.Offset], []byte("\n"))
		col := 1 + p.Offset - (bytes.LastIndexByte(src[:p.Offset], '\n') + 1)
		if line != p.Line || col != p.Column {
			t.Errorf("%s: %s: offset %d is at %d:%d of the original file", what, p, p.Offset, line, col)
		}
	}
	edits := make(map[string][]rewrite.Edit)
	for _, f := range res.Findings {
		what := fmt.Sprintf("finding %q", f.Message)
		checkPos(what, f.Pos)
		checkPos(what+" (end)", f.End)
		if f.Fixed && len(f.Edits) == 0 {
			t.Errorf("%s: %s: fixed without edits", what, f.Pos)
		}
		if !f.Fixed {
			continue
		}
		for _, e := range f.Edits {
			checkPos(what+" edit", e.Start)
			checkPos(what+" edit end", e.End)
			if !slices.Contains(edits[e.Path], e) {
				edits[e.Path] = append(edits[e.Path], e)
			}
		}
	}
	changed := make(map[string][]byte)
	for _, c := range res.Changes {
		changed[c.Path] = c.New
	}
	for name, es := range edits {
		slices.SortStableFunc(es, func(a, b rewrite.Edit) int { return a.Start.Offset - b.Start.Offset })
		src := orig(name)
		var out []byte
		last := 0
		for _, e := range es {
			if e.Start.Offset < last || e.End.Offset < e.Start.Offset {
				t.Errorf("%s: edits overlap at offset %d: they cannot be applied together", name, e.Start.Offset)
				break
			}
			out = append(append(out, src[last:e.Start.Offset]...), e.New...)
			last = e.End.Offset
		}
		out = append(out, src[last:]...)
		want, ok := changed[name]
		if !ok {
			want = src
		}
		if !bytes.Equal(out, want) {
			t.Errorf("%s: the findings' edits give\n%s\nthe change is\n%s", name, out, want)
		}
	}
	for name := range changed {
		if _, ok := edits[name]; !ok {
			t.Errorf("%s changed, but no fixed finding edits it", name)
		}
	}
}

// TestExactAfterRounds fixes three lost cancels whose fixes collide, in three rounds: the
// positions of the second and third round are those of the original file, although the
// fixes before them moved their lines and gofmt re-aligned their comments.
func TestExactAfterRounds(t *testing.T) {
	dir := writeTree(t, `
-- go.mod --
module example.com/m

go 1.22
-- a.go --
package m

import (
	"context"
	"time"
)

func F(ctx context.Context) error {
	c1, _ := context.WithTimeout(ctx, time.Second)     // one
	c2, _ := context.WithTimeout(ctx, 2*time.Second)   // two
	c3, _ := context.WithTimeout(ctx, 300*time.Second) // three
	return use(c1, c2, c3)
}

func use(...context.Context) error { return nil }
`)
	res, err := rewrite.Run(rewrite.Options{Dir: dir, Tests: true, Analyzers: fixers.All()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%d:%d %s fixed=%v", f.Pos.Line, f.Pos.Column, f.Analyzer, f.Fixed))
	}
	want := []string{"9:6 lostcancel fixed=true", "10:6 lostcancel fixed=true", "11:6 lostcancel fixed=true"}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Changes) != 1 || !bytes.Contains(res.Changes[0].New, []byte("defer cancel3()")) {
		t.Fatalf("changes: %+v", res.Changes)
	}
	checkExact(t, res)
}

// TestExactScripts runs every fixer on the modules of the end-to-end scripts that fix
// code (testdata/script: one per fixer's behaviour, the modes, whole-program fixes; the
// positions after rounds are TestExactAfterRounds') and checks that each outcome is exact
// (see checkExact).
func TestExactScripts(t *testing.T) {
	scripts, err := filepath.Glob("../testdata/script/*_behaviour.txtar")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, name := range []string{"modes", "cache_wholeprogram"} {
		scripts = append(scripts, "../testdata/script/"+name+".txtar")
	}
	for _, script := range scripts {
		ar, err := txtar.ParseFile(script)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(ar.Files, func(f txtar.File) bool { return f.Name == "go.mod" }) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(script), ".txtar"), func(t *testing.T) {
			dir := writeTree(t, string(txtar.Format(&txtar.Archive{Files: ar.Files})))
			res, err := rewrite.Run(rewrite.Options{Dir: dir, Tests: true, Analyzers: fixers.All()})
			if err != nil {
				t.Fatal(err)
			}
			checkExact(t, res)
		})
	}
}
