package ctxfirst

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
)

// checkInterface reports the interface methods whose context parameter is misplaced. They
// are not fixed: every implementation and caller would have to change with them.
func (c *checker) checkInterface(it *ast.InterfaceType) {
	if c.generated(it.Pos()) {
		return // regenerated from its source (a .proto file, a mock generator)
	}
	for _, field := range it.Methods.List {
		ft, ok := field.Type.(*ast.FuncType)
		if !ok || len(field.Names) == 0 {
			continue
		}
		fn, ok := c.pass.TypesInfo.Defs[field.Names[0]].(*types.Func)
		if !ok {
			continue
		}
		k, _, ok := c.shape(fn.Signature())
		if !ok {
			continue
		}
		name := fn.Name()
		if recv := fn.Signature().Recv(); recv != nil {
			if named, ok := types.Unalias(recv.Type()).(*types.Named); ok {
				name = named.Obj().Name() + "." + name
			}
		}
		d := c.diagnostic(ft.Params, k, "interface method "+name)
		fixkit.Refuse(c.pass, d, d.Pos, "an interface method changes with every implementation and caller")
	}
}

// diagnostic returns the diagnostic for parameter k of params.
func (c *checker) diagnostic(params *ast.FieldList, k int, what string) analysis.Diagnostic {
	field, name := paramAt(params, k)
	var pos token.Pos = field.Type.Pos()
	if name != nil {
		pos = name.Pos()
	}
	return analysis.Diagnostic{
		Pos:     pos,
		End:     field.Type.End(),
		Message: "context.Context should be the first parameter of " + what,
	}
}

// paramAt returns the field of parameter k and its name (nil if unnamed).
func paramAt(params *ast.FieldList, k int) (*ast.Field, *ast.Ident) {
	i := 0
	for _, f := range params.List {
		if len(f.Names) == 0 {
			if i == k {
				return f, nil
			}
			i++
			continue
		}
		for _, n := range f.Names {
			if i == k {
				return f, n
			}
			i++
		}
	}
	panic("no parameter")
}

func fixMessage(sig *types.Signature, k int) string {
	if name := sig.Params().At(k).Name(); name != "" && name != "_" {
		return "Move " + name + " to the front"
	}
	return "Move the context.Context parameter to the front"
}

func funcName(fn *types.Func) string {
	if recv := fn.Signature().Recv(); recv != nil {
		t := types.Unalias(recv.Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		if named, ok := t.(*types.Named); ok {
			return named.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Name()
}

// key identifies a function or method across the packages of a program.
func key(fn *types.Func) string {
	fn = fn.Origin()
	if fn.Pkg() == nil {
		return ""
	}
	return fn.Pkg().Path() + "." + funcName(fn)
}

// checkFunc reports a function or method declaration whose context parameter is misplaced,
// with a fix when it is provably local, or with a Part of a whole-program fix.
func (c *checker) checkFunc(decl *ast.FuncDecl) {
	fn, ok := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	if !ok {
		return
	}
	sig := fn.Signature()
	k, t, ok := c.shape(sig)
	if !ok {
		return
	}
	impls := c.impls[fn]
	if pinned(impls) {
		return // its signature is dictated by an interface of another package or a generated one
	}
	what := "function " + fn.Name()
	if sig.Recv() != nil {
		what = "method " + funcName(fn)
	}
	d := c.diagnostic(decl.Type.Params, k, what)
	msg := fixMessage(sig, k)
	refuse := func(pos token.Pos, why string) {
		fixkit.Refuse(c.pass, d, pos, why)
	}
	if decl.Body == nil {
		refuse(d.Pos, "it has no body: its implementation is elsewhere")
		return
	}
	if c.hasDirective(decl) {
		refuse(d.Pos, "it has a //go:linkname or //export directive")
		return
	}
	if file := c.mentionedElsewhere(fn.Name()); file != "" {
		refuse(d.Pos, fmt.Sprintf("%s is mentioned in %s, which this build does not compile", fn.Name(), file))
		return
	}
	if len(impls) > 0 {
		refuse(d.Pos, fmt.Sprintf("it implements %s: the interface and every implementation would have to change together", impls[0].iface))
		return
	}
	exported := fn.Exported()
	if exported && c.importable(fn) && !c.api {
		refuse(d.Pos, fmt.Sprintf("%s is API of importable package %s (flag -%s.api allows changing it)", funcName(fn), fn.Pkg().Path(), "ctxfirst"))
		return
	}
	refs := c.refs[fn]
	if pos, why := c.checkRefs(fn, refs, k, t); why != "" {
		refuse(pos, why)
		return
	}
	if why := c.checkLayout(decl.Type.Params, k, t); why != "" {
		refuse(d.Pos, why)
		return
	}
	build := func(fx *fixkit.Fix) error {
		if err := c.moveParam(fx, decl.Type.Params, k, t); err != nil {
			return err
		}
		return c.moveArgs(fx, refs, k, t)
	}
	if !exported {
		fixkit.Report(c.pass, d, msg, build)
		return
	}
	// Exported: other packages may call it. Only a driver that sees them all can fix it.
	sf, err := fixkit.Build(c.pass, msg, build)
	if err != nil {
		refuse(d.Pos, err.Error())
		return
	}
	c.parts.List = append(c.parts.List, fixkit.Part{
		Key: key(fn), Decl: true, Pos: d.Pos, Exported: true, Message: msg, Edits: sf.TextEdits,
	})
	fixkit.Refuse(c.pass, d, d.Pos, "it is exported: only a run over every package that refers to it can change them all")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// importable reports whether packages outside the module may refer to fn: it is declared in
// a package other than main, not under an internal directory, not in a test file.
func (c *checker) importable(fn *types.Func) bool {
	pkg := fn.Pkg()
	if pkg.Name() == "main" || strings.HasSuffix(pkg.Name(), "_test") {
		return false
	}
	if slices.Contains(strings.Split(pkg.Path(), "/"), "internal") {
		return false
	}
	if strings.HasSuffix(c.pass.Fset.Position(fn.Pos()).Filename, "_test.go") {
		return false
	}
	return true
}

// hasDirective reports whether a //go:linkname or //export directive names decl's function.
func (c *checker) hasDirective(decl *ast.FuncDecl) bool {
	if decl.Recv != nil {
		return false
	}
	name := decl.Name.Name
	for _, f := range c.pass.Files {
		for _, cg := range f.Comments {
			for _, cm := range cg.List {
				fields := strings.Fields(cm.Text)
				if len(fields) >= 2 && (fields[0] == "//go:linkname" || fields[0] == "//export") && fields[1] == name {
					return true
				}
			}
		}
	}
	return false
}

// checkRefs returns why the references refs of fn in this package cannot all be rewritten,
// and where, or "".
func (c *checker) checkRefs(fn *types.Func, refs []ref, k, t int) (token.Pos, string) {
	for _, r := range refs {
		if r.call == nil {
			return r.id.Pos(), fmt.Sprintf("%s is used as a value at %s", funcName(fn), c.where(r.id.Pos()))
		}
		if why := c.checkCall(r, fn.Signature(), k, t); why != "" {
			return r.call.Pos(), why
		}
		if f := c.file(r.call.Pos()); f != nil && importsC(f) {
			return r.call.Pos(), fmt.Sprintf("the call at %s is in a cgo file", c.where(r.call.Pos()))
		}
	}
	return token.NoPos, ""
}

func importsC(f *ast.File) bool {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

func (c *checker) where(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	name := p.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return fmt.Sprintf("%s:%d", name, p.Line)
}

func (c *checker) file(pos token.Pos) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}
