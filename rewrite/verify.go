package rewrite

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/diff"
	"github.com/concfix/concfix/internal/fixkit"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/packages"
)

// verify applies the candidates that keep every affected package building, and returns
// them. A candidate whose result does not parse or type-check is dropped and reported;
// the others stay. Each changed file is re-parsed, and every loaded package that contains
// it (a package and its test variant) is type-checked again with the new content.
func (r *runner) verify(cands []*candidate, all []*packages.Package, files map[string]*fileInfo) []*candidate {
	if len(cands) == 0 {
		return nil
	}
	pkgsOf := make(map[string][]*packages.Package)
	for _, p := range all {
		for _, f := range p.Syntax {
			name := p.Fset.File(f.Pos()).Name()
			pkgsOf[name] = append(pkgsOf[name], p)
		}
	}
	fset := all[0].Fset

	// Fast path: everything together.
	if content, err := r.check(fset, cands, pkgsOf); err == nil {
		r.commit(content)
		return cands
	}
	// Slow path: add the candidates one at a time, keeping those that check.
	var good []*candidate
	for _, c := range cands {
		try := append(slices.Clone(good), c)
		if _, err := r.check(fset, try, pkgsOf, c); err != nil {
			r.drop(c, err)
			continue
		}
		good = try
	}
	content, err := r.check(fset, good, pkgsOf)
	if err != nil { // cannot happen: each package was checked with its good fixes
		for _, c := range good {
			r.drop(c, err)
		}
		return nil
	}
	r.commit(content)
	return good
}

func (r *runner) drop(c *candidate, err error) {
	for _, k := range c.findings {
		f := r.findings[k]
		f.NoFix = "fix dropped: " + err.Error()
		r.res.Internal = append(r.res.Internal, fmt.Errorf("%s: %s: fix dropped: %v", r.rel(f.Pos.String()), f.Analyzer, err))
	}
}

func (r *runner) commit(content map[string][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, b := range content {
		if _, ok := r.original[name]; !ok {
			orig, err := r.readFileLocked(name)
			if err != nil {
				continue
			}
			r.original[name] = orig
		}
		r.contents[name] = b
	}
}

func (r *runner) readFileLocked(name string) ([]byte, error) {
	if b, ok := r.contents[name]; ok {
		return b, nil
	}
	return os.ReadFile(name)
}

// check applies the edits of set to the current contents, and re-parses and type-checks
// the packages of the changed files (of the files of only, when given). It returns the
// new content of every changed file.
func (r *runner) check(fset *token.FileSet, set []*candidate, pkgsOf map[string][]*packages.Package, only ...*candidate) (map[string][]byte, error) {
	edits := editsByFile(set)
	content, parsed, err := r.contentOf(fset, edits)
	if err != nil {
		return nil, err
	}
	var pkgs []*packages.Package
	scope := set
	if len(only) > 0 {
		scope = only
	}
	for _, c := range scope {
		for name := range c.edits {
			for _, p := range pkgsOf[name] {
				if !slices.Contains(pkgs, p) {
					pkgs = append(pkgs, p)
				}
			}
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range pkgs {
		g.Go(func() error { return typeCheck(p, parsed, inBodies(p, edits)) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return content, nil
}

// newContent applies the edits of set to the current contents and re-parses each changed
// file. A file that was gofmt-clean is kept clean; one that was not is left as its author
// had it apart from the fixed lines, which the bridge formats.
func (r *runner) newContent(fset *token.FileSet, set []*candidate) (map[string][]byte, map[string]*ast.File, error) {
	return r.contentOf(fset, editsByFile(set))
}

// editsByFile gathers the edits of set by file.
func editsByFile(set []*candidate) map[string][]edit {
	byFile := make(map[string][]edit)
	for _, c := range set {
		for name, es := range c.edits {
			byFile[name] = append(byFile[name], es...)
		}
	}
	return byFile
}

// contentOf is newContent, with the edits gathered by file.
func (r *runner) contentOf(fset *token.FileSet, byFile map[string][]edit) (map[string][]byte, map[string]*ast.File, error) {
	content := make(map[string][]byte)
	parsed := make(map[string]*ast.File)
	for name, es := range byFile {
		src, err := r.readFile(name)
		if err != nil {
			return nil, nil, err
		}
		out := pruneImports(src, diff.Apply(src, es))
		if fixkit.GofmtClean(src) {
			if formatted, err := format.Source(out); err == nil {
				out = formatted
			}
		}
		f, err := parser.ParseFile(fset, name, out, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, fmt.Errorf("result does not parse: %v", err)
		}
		content[name] = out
		parsed[name] = f
	}
	return content, parsed, nil
}

// inBodies reports whether every edit of a file of p lies in the body of a declared
// function, or in the file's imports: then the package's declarations are the same, and
// the bodies of its other files cannot have changed meaning.
func inBodies(p *packages.Package, edits map[string][]edit) bool {
	for _, f := range p.Syntax {
		tf := p.Fset.File(f.Pos())
		es := edits[tf.Name()]
		if len(es) == 0 {
			continue
		}
		imports := [2]int{tf.Offset(f.Name.End()), tf.Offset(f.Name.End()) + 1}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				imports[1] = max(imports[1], tf.Offset(g.End()))
			}
		}
		for _, e := range es {
			if imports[0] <= e.Start && e.End <= imports[1] {
				continue
			}
			if !slices.ContainsFunc(f.Decls, func(d ast.Decl) bool {
				fd, ok := d.(*ast.FuncDecl)
				return ok && fd.Body != nil && tf.Offset(fd.Body.Lbrace) < e.Start && e.End <= tf.Offset(fd.Body.Rbrace)
			}) {
				return false
			}
		}
	}
	return true
}

// typeCheck type-checks p with the files in replaced instead of its own. With
// bodiesOnly (see inBodies), the other files are checked without their function bodies:
// on a huge package whose fix changes one function, the check costs the package's
// declarations and the changed files, not the whole package again.
func typeCheck(p *packages.Package, replaced map[string]*ast.File, bodiesOnly bool) error {
	files := make([]*ast.File, len(p.Syntax))
	unchanged := make(map[*token.File]bool)
	for i, f := range p.Syntax {
		files[i] = f
		if nf, ok := replaced[p.Fset.File(f.Pos()).Name()]; ok {
			files[i] = nf
		} else if bodiesOnly {
			files[i] = withoutBodies(f)
			unchanged[p.Fset.File(f.Pos())] = true
		}
	}
	var fallback types.Importer
	var firstErr error
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if ip, ok := p.Imports[path]; ok && ip.Types != nil {
				return ip.Types, nil
			}
			if fallback == nil { // a fix added an import the package did not have
				fallback = importer.ForCompiler(p.Fset, "gc", nil)
			}
			return fallback.Import(path)
		}),
		Sizes:     p.TypesSizes,
		GoVersion: p.Types.GoVersion(),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && unchanged[p.Fset.File(te.Pos)] && strings.Contains(te.Msg, " imported ") && strings.HasSuffix(te.Msg, " not used") {
				return // used in a body left out
			}
			if firstErr == nil {
				firstErr = err
			}
		},
	}
	conf.Check(p.PkgPath, p.Fset, files, nil)
	if firstErr != nil {
		return fmt.Errorf("result does not type-check: %v", firstErr)
	}
	return nil
}

// withoutBodies returns a copy of f whose declared functions have an empty endless loop
// for body, for a check of the declarations only: a body, since init and generic
// functions must have one, and a terminating one, since functions with results must end
// in one. f is not changed.
func withoutBodies(f *ast.File) *ast.File {
	nf := *f
	nf.Decls = slices.Clone(f.Decls)
	for i, d := range nf.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			nfd := *fd
			loop := &ast.ForStmt{For: fd.Body.Lbrace, Body: &ast.BlockStmt{Lbrace: fd.Body.Lbrace, Rbrace: fd.Body.Lbrace}}
			nfd.Body = &ast.BlockStmt{Lbrace: fd.Body.Lbrace, List: []ast.Stmt{loop}, Rbrace: fd.Body.Rbrace}
			nf.Decls[i] = &nfd
		}
	}
	return &nf
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
