package rewrite

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestBatches(t *testing.T) {
	dir := t.TempDir()
	// pkg makes a package whose one file has n bytes.
	pkg := func(name string, n int) []*packages.Package {
		f := filepath.Join(dir, name+".go")
		if err := os.WriteFile(f, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		p := &packages.Package{ID: name, PkgPath: name, GoFiles: []string{f}}
		test := &packages.Package{ID: name + " [" + name + ".test]", PkgPath: name, ForTest: name, GoFiles: []string{f}}
		return []*packages.Package{p, test} // the shared file counts once
	}
	many := make([]string, batchSize+1)
	variants := map[string][]*packages.Package{
		"big":  pkg("big", batchBytes),
		"half": pkg("half", batchBytes/2),
	}
	for i := range many {
		many[i] = "small" + string(rune('a'+i%26)) + strings.Repeat("_", i/26)
		variants[many[i]] = pkg(many[i], 10)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  [][]string
	}{
		{"empty", nil, nil},
		{"by count", many, [][]string{many[:batchSize], many[batchSize:]}},
		{"a big package alone", []string{"half", "big", many[0]}, [][]string{{"half"}, {"big"}, {many[0]}}},
		{"halves share", []string{"half", many[0], many[1]}, [][]string{{"half", many[0], many[1]}}},
	} {
		if got := batches(tc.paths, variants); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
