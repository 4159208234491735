package growth

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestWrite checks that a written package type-checks, tests included, and has as many
// bugs of each kind as its size says.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	st, err := Write(dir, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines < 10000 || st.Lines > 10500 {
		t.Errorf("%d lines, want about 10000", st.Lines)
	}
	for _, b := range bugs {
		if n := st.Bugs[b.name]; n != 10000/BugBlock {
			t.Errorf("%d %s bugs, want %d", n, b.name, 10000/BugBlock)
		}
	}
	cfg := &packages.Config{Mode: packages.LoadSyntax, Dir: dir, Tests: true}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 {
		t.Fatal("no packages")
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.ID, e)
		}
	})
}

// TestDump writes a package into $GROWTH_DUMP (an existing directory) of
// $GROWTH_DUMP_LINES lines (10000 by default), to look at it or run concfix on it:
//
//	GROWTH_DUMP=/tmp/big go test ./fixers/internal/growth -run Dump
func TestDump(t *testing.T) {
	dir := os.Getenv("GROWTH_DUMP")
	if dir == "" {
		t.Skip("GROWTH_DUMP is not set")
	}
	lines := 10000
	if s := os.Getenv("GROWTH_DUMP_LINES"); s != "" {
		var err error
		if lines, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Write(dir, lines)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", st)
}
