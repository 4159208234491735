package rewrite

import (
	"bytes"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/tools/go/gcexportdata"
)

// readExportData reads the export data of package errors from data, a file as go list
// -export names it.
func readExportData(data []byte) (*types.Package, error) {
	rd, err := exportReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return gcexportdata.Read(rd, token.NewFileSet(), make(map[string]*types.Package), "errors")
}

// TestExportReader reads export data from the compiler's archives, which go list -export
// names up to Go 1.27, and from cmd/export's files (export data whole, as
// gcexportdata.Write makes them), which it names from Go 1.28.
func TestExportReader(t *testing.T) {
	out, err := exec.Command("go", "list", "-export", "-f", "{{.Export}}", "errors").Output()
	if err != nil {
		t.Fatalf("go list -export errors: %v", err)
	}
	archive, err := os.ReadFile(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(archive, []byte("!<arch>\n__.PKGDEF")) {
		t.Fatalf("go list -export gave no compiler archive: %q", archive[:min(len(archive), 20)])
	}
	pkg, err := readExportData(archive)
	if err != nil {
		t.Fatalf("reading the archive: %v", err)
	}
	var exported bytes.Buffer
	if err := gcexportdata.Write(&exported, token.NewFileSet(), pkg); err != nil {
		t.Fatal(err)
	}
	// edit returns the archive with old replaced by new, once.
	edit := func(old, new string) []byte {
		if !bytes.Contains(archive, []byte(old)) {
			t.Fatalf("archive lacks %q", old)
		}
		return bytes.Replace(archive, []byte(old), []byte(new), 1)
	}
	// The __.PKGDEF member's size field (bytes 48 to 58 of its header) set to n.
	withSize := func(n int) []byte {
		b := bytes.Clone(archive)
		copy(b[8+48:8+58], fmt.Sprintf("%-10d", n))
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		err  string // "": package errors is read
	}{
		{"compiler archive", archive, ""},
		{"cmd/export file", exported.Bytes(), ""},
		{"another member first", edit("__.PKGDEF", "_go_.o   "), "does not start with __.PKGDEF"},
		{"not a Go object", edit("go object ", "no object "), "not a Go object file"},
		{"old export format", edit("$$B\n", "$$\n\n"), "unsupported export data header"},
		{"truncated headers", archive[:100], "object header"},
		{"size below the headers", withSize(10), "shorter than its headers"},
		{"not export data", []byte("hello"), "unexpected export data"},
	} {
		pkg, err := readExportData(tc.data)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err == "" && pkg.Scope().Lookup("New") == nil:
			t.Errorf("%s: package errors read without New", tc.name)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
}
