// Package growth writes large, type-correct Go packages shaped like real concurrent code,
// for the benchmarks that measure how concfix's model and fixers grow with the size of a
// package (fixers/growth_bench_test.go).
//
// A package is a sequence of templates, each instantiated with an index of its own so that
// every identifier is unique: caches and registries behind sync.Mutex and sync.RWMutex,
// worker pools, pipelines, brokers, servers with a lifecycle, pollers with tickers, retries
// with timers, an errgroup-like group and generic fan-outs, a lexer and long switch
// statements, plain numeric and validation code, and the tests of most of these in
// _test.go files. Every BugBlock lines hold one of each bug that a fixer reports (bugs.go),
// evenly spread, so that the fixers' reporting and fix-building paths run too, and a
// package of k·BugBlock lines has k bugs of each kind: the findings grow with the lines.
package growth

import (
	"bytes"
	"fmt"
	"go/format"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Module is the module path of a written package, and Package its name.
const (
	Module  = "example.com/big"
	Package = "big"
)

// BugBlock is how many lines hold one bug of each kind.
const BugBlock = 5000

// fileLines is about how long a written file grows before the next one is started.
const fileLines = 700

// A template is a piece of a package: declarations (body) and their tests (test), written
// with @ where the instance's index goes. Neither part may use @ otherwise.
type template struct {
	name    string
	imports []string // of body
	body    string
	tImport []string // of test
	test    string
}

// Stats describes a written package.
type Stats struct {
	Lines     int            // lines of every .go file, tests included
	TestLines int            // lines of the _test.go files
	Files     int            // .go files
	Instances int            // templates instantiated
	Bugs      map[string]int // bug templates instantiated, by the fixer that should report them
}

// Write writes into dir (which must exist) a module with one package of about lines lines
// of Go, tests included, and go.mod. The same lines give the same package.
func Write(dir string, lines int) (Stats, error) {
	st := Stats{Bugs: make(map[string]int)}
	gomod := "module " + Module + "\n\n// go 1.22: tickers are stopped by hand (tickerstop reports).\ngo 1.22\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return st, err
	}
	// No "Code generated" line: the fixers report nothing in generated files.
	doc := "// Package big was written by concfix's growth benchmark (fixers/internal/growth).\npackage " + Package + "\n"
	if err := writeGo(dir, "doc.go", []byte(doc), &st); err != nil {
		return st, err
	}
	var (
		file, test file
		next       int // next template of templates
		placed     int // bugs written
		index      int
		files      int
	)
	// The bugs are due at the middle of their slots: a slot is BugBlock/len(bugs) lines.
	due := func(lines int) int { return (2*lines*len(bugs) + BugBlock) / (2 * BugBlock) }
	flush := func() error {
		n := files
		files++
		if file.lines > 0 {
			if err := writeGo(dir, fmt.Sprintf("f%03d.go", n), file.bytes(), &st); err != nil {
				return err
			}
		}
		if test.lines > 0 {
			if err := writeGo(dir, fmt.Sprintf("f%03d_test.go", n), test.bytes(), &st); err != nil {
				return err
			}
		}
		file, test = newFile(), newFile()
		return nil
	}
	file, test = newFile(), newFile()
	for st.Lines+file.lines+test.lines < lines {
		var t template
		if due(st.Lines+file.lines+test.lines) > placed {
			t = bugs[placed%len(bugs)]
			placed++
			st.Bugs[t.name]++
		} else {
			t = templates[next%len(templates)]
			next++
		}
		index++
		st.Instances++
		file.add(t.body, t.imports, index)
		test.add(t.test, t.tImport, index)
		if file.lines >= fileLines {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	return st, flush()
}

// A file collects the instances of templates that go into one file.
type file struct {
	imports map[string]bool
	body    bytes.Buffer
	lines   int
}

func newFile() file { return file{imports: make(map[string]bool)} }

// add appends the instance i of src.
func (f *file) add(src string, imports []string, i int) {
	if src == "" {
		return
	}
	src = strings.ReplaceAll(strings.TrimSpace(src), "@", strconv.Itoa(i))
	for _, imp := range imports {
		f.imports[imp] = true
	}
	f.body.WriteString("\n")
	f.body.WriteString(src)
	f.body.WriteString("\n")
	f.lines += strings.Count(src, "\n") + 2
}

func (f *file) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("package " + Package + "\n")
	if len(f.imports) > 0 {
		b.WriteString("\nimport (\n")
		for _, imp := range slices.Sorted(maps.Keys(f.imports)) {
			fmt.Fprintf(&b, "\t%q\n", imp)
		}
		b.WriteString(")\n")
	}
	b.Write(f.body.Bytes())
	return b.Bytes()
}

// writeGo formats src (so that a template that is not gofmt-clean, or not Go, is caught
// here) and writes it to dir/name.
func writeGo(dir, name string, src []byte, st *Stats) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("growth: %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
		return err
	}
	n := bytes.Count(out, []byte("\n"))
	st.Lines += n
	if strings.HasSuffix(name, "_test.go") {
		st.TestLines += n
	}
	st.Files++
	return nil
}
