package rewrite

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"sync"

	"github.com/concfix/concfix/internal/diff"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// stdImporter imports standard-library packages from export data, once per process.
var stdImporter = sync.OnceValue(func() types.Importer { return importer.Default() })

// FixFile runs the analyzers on src, a package of one file that imports only the standard
// library, and returns src with every fix applied (overlapping fixes after the first are
// left out), gofmt-formatted. typeErr is the type-checking error of src, if any: then
// only the analyzers that declare RunDespiteErrors run, as the analysis framework's
// drivers do (concfix itself skips packages that do not type-check). FixFile is the
// engine without the build system, for fuzzing and for tools that hold one file.
func FixFile(filename string, src []byte, analyzers []*analysis.Analyzer) (out []byte, typeErr, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	pkg, typeErr := typeCheckFile(fset, f)
	if typeErr != nil {
		analyzers = slices.DeleteFunc(slices.Clone(analyzers), func(a *analysis.Analyzer) bool { return !a.RunDespiteErrors })
	}
	res := analyze(pkg, analyzers, func(string) ([]byte, error) { return src, nil }, nil)
	if len(res.errs) > 0 {
		return nil, typeErr, res.errs[0]
	}
	tf := fset.File(f.Pos())
	var accepted []edit
	for _, d := range res.diags {
		if len(d.SuggestedFixes) == 0 {
			continue
		}
		var es []edit
		for _, te := range d.SuggestedFixes[0].TextEdits {
			if fset.File(te.Pos) != tf {
				return nil, typeErr, fmt.Errorf("%s: fix edits another file", d.analyzer.Name)
			}
			es = append(es, byteEdit(tf, te))
		}
		c := &candidate{edits: map[string][]edit{filename: es}}
		if !overlaps(c, map[string][]edit{filename: accepted}) {
			accepted = append(accepted, c.edits[filename]...)
		}
	}
	out = diff.Apply(src, accepted)
	if formatted, err := format.Source(out); err == nil {
		out = formatted
	}
	return out, typeErr, nil
}

// typeCheckFile type-checks a one-file package against the standard library.
func typeCheckFile(fset *token.FileSet, f *ast.File) (*packages.Package, error) {
	info := newTypesInfo()
	var errs []error
	conf := types.Config{
		Importer: stdImporter(),
		Sizes:    types.SizesFor("gc", "amd64"),
		Error:    func(err error) { errs = append(errs, err) },
	}
	tpkg, _ := conf.Check("example.com/"+f.Name.Name, fset, []*ast.File{f}, info)
	pkg := &packages.Package{
		ID: tpkg.Path(), Name: f.Name.Name, PkgPath: tpkg.Path(), Fset: fset,
		Syntax: []*ast.File{f}, Types: tpkg, TypesInfo: info, TypesSizes: conf.Sizes,
		GoFiles: []string{fset.File(f.Pos()).Name()},
	}
	if len(errs) > 0 {
		return pkg, errs[0]
	}
	return pkg, nil
}
