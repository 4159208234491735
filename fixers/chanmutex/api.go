package chanmutex

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
)

// A struct type that other packages can see (exported, or reachable from exported API)
// may still hold its channel lock in an unexported field: no other package can name the
// field, but each can copy a value of the type (a copied channel is shared, a copied
// mutex is not) or build one without the package's constructors (the channel is nil,
// and every acquire blocks forever). The fix is then a whole-program one (fixkit.Parts):
// the declaring package contributes the edits, every package of the module that can
// reach the type vetoes it when it copies or builds a value, and the driver makes the
// fix only when every such package was analysed and none vetoed. Importers outside the
// module cannot be checked: a type of an importable package is fixed only with -api.

// apiKey names the field f of the struct type tn in the Parts of its fix.
func apiKey(tn *types.TypeName, f *types.Var) string {
	return tn.Pkg().Path() + "." + tn.Name() + "." + f.Name()
}

// apiRefusal returns why the candidate field of a struct type that other packages can
// see is reported without a fix, or "" when the driver may fix it with the module.
func (pc *pkgChecks) apiRefusal(cd *candidate) string {
	if cd.ownerName == nil {
		return "the struct type is visible outside the package"
	}
	if path := pc.pass.Pkg.Path(); importable(path) && !apiFlag {
		return fmt.Sprintf("%s is visible to importers outside the module, which may copy it: a copied channel is shared, a copied mutex is not (flag -chanmutex.api allows the fix when the module's own packages neither copy nor build it)", cd.ownerName.Name())
	}
	return ""
}

// importable reports whether packages of other modules may import the package at path:
// it is not under an internal directory. (Package main is not asked.)
func importable(path string) bool {
	return !slices.Contains(strings.Split(path, "/"), "internal")
}

// reportAPIFix reports d without a fix and contributes the declaring share of the
// whole-program fix to parts: a driver that sees one package at a time cannot know
// whether another package copies the struct.
func reportAPIFix(pass *analysis.Pass, cd *candidate, d analysis.Diagnostic, parts *fixkit.Parts) {
	msg := fixMessage(pass, cd)
	sf, err := fixkit.Build(pass, msg, func(fx *fixkit.Fix) error {
		return buildFix(pass, fx, cd)
	})
	if err != nil {
		fixkit.Refuse(pass, d, d.Pos, firstLine(err.Error()))
		return
	}
	fixkit.Refuse(pass, d, d.Pos, fmt.Sprintf("%s is visible outside the package: other packages of the module may copy it or build it", cd.ownerName.Name()))
	parts.List = append(parts.List, fixkit.Part{
		Key: apiKey(cd.ownerName, cd.v), Decl: true, Pos: d.Pos, Exported: true, Message: msg, Edits: sf.TextEdits,
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// An importedOwner is a struct type of another package of the module, which this
// package can reach through its imports, with the unexported fields of channel type
// that the declaring package may turn into a mutex.
type importedOwner struct {
	tn     *types.TypeName
	fields []*types.Var
}

// importedOwners returns the struct types with an unexported channel field, declared in
// other packages of the module, that this package's expressions and declarations hold by
// value (the type itself, or a type that holds it: a struct, an array, a slice, a map,
// a channel, an instance of a generic type, a signature). Without a module (go vet,
// analysistest) every package counts.
func (pc *pkgChecks) importedOwners() []importedOwner {
	pass := pc.pass
	mod := ""
	if pass.Module != nil {
		mod = pass.Module.Path
	}
	inModule := func(p *types.Package) bool {
		return p != nil && p != pass.Pkg && (mod == "" || p.Path() == mod || strings.HasPrefix(p.Path(), mod+"/"))
	}
	if !slices.ContainsFunc(pass.Pkg.Imports(), inModule) {
		return nil // a value of the module's types needs an import of one of its packages
	}
	var out []importedOwner
	seen := make(map[types.Type]bool)
	var visit func(t types.Type)
	visit = func(t types.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			visit(types.Unalias(t))
		case *types.Named:
			for i := range t.TypeArgs().Len() {
				visit(t.TypeArgs().At(i))
			}
			if t.Obj().Pkg() == pass.Pkg || (t.TypeArgs().Len() == 0 && !inModule(t.Obj().Pkg())) {
				return // this package's types are its own; other modules' cannot hold the module's by value
			}
			if o, ok := ownerOf(t); ok && inModule(t.Obj().Pkg()) {
				out = append(out, o)
			}
			visit(t.Underlying())
		case *types.Struct:
			for i := range t.NumFields() {
				visit(t.Field(i).Type())
			}
		case *types.Pointer:
			visit(t.Elem())
		case *types.Slice:
			visit(t.Elem())
		case *types.Array:
			visit(t.Elem())
		case *types.Chan:
			visit(t.Elem())
		case *types.Map:
			visit(t.Key())
			visit(t.Elem())
		case *types.Signature:
			visit(t.Params())
			visit(t.Results())
		case *types.Tuple:
			for i := range t.Len() {
				visit(t.At(i).Type())
			}
		}
	}
	for _, tv := range pass.TypesInfo.Types {
		visit(tv.Type)
	}
	for _, obj := range pass.TypesInfo.Defs {
		if obj != nil {
			visit(obj.Type())
		}
	}
	slices.SortFunc(out, func(a, b importedOwner) int {
		return cmp.Or(cmp.Compare(a.tn.Pkg().Path(), b.tn.Pkg().Path()), cmp.Compare(a.tn.Name(), b.tn.Name()))
	})
	return out
}

// ownerOf returns t as an importedOwner: a non-generic named struct type with unexported
// fields of bidirectional channel type.
func ownerOf(t *types.Named) (importedOwner, bool) {
	if t.TypeParams().Len() > 0 || t.TypeArgs().Len() > 0 {
		return importedOwner{}, false
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return importedOwner{}, false
	}
	var fields []*types.Var
	for i := range st.NumFields() {
		f := st.Field(i)
		if ch, ok := f.Type().(*types.Chan); ok && !f.Exported() && !f.Embedded() && ch.Dir() == types.SendRecv {
			fields = append(fields, f)
		}
	}
	return importedOwner{t.Obj(), fields}, len(fields) > 0
}

// vetoImported contributes to parts a veto of the fix of every imported owner that this
// package copies (the copies of index) or builds without the declaring package: a
// composite literal, new, or a variable of the type.
func (pc *pkgChecks) vetoImported(owners []importedOwner, parts *fixkit.Parts) {
	if len(owners) == 0 {
		return
	}
	info := pc.pass.TypesInfo
	built := make(map[types.Type]copyReason)
	build := func(t types.Type, pos token.Pos, format string) {
		if r, ok := built[t]; !ok || pos < r.pos {
			built[t] = copyReason{pos, fmt.Sprintf(format, types.TypeString(t, (*types.Package).Name))}
		}
	}
	isOwner := make(map[types.Type]bool)
	for _, o := range owners {
		isOwner[o.tn.Type()] = true
	}
	for c := range pc.m.Inspector.Root().Preorder((*ast.CompositeLit)(nil), (*ast.CallExpr)(nil), (*ast.ValueSpec)(nil)) {
		switch n := c.Node().(type) {
		case *ast.CompositeLit:
			if t := info.TypeOf(n); isOwner[t] {
				build(t, n.Pos(), "a composite literal builds a %s without its package's constructors")
			}
		case *ast.CallExpr:
			if len(n.Args) != 1 {
				continue
			}
			if b, ok := info.Uses[identOf(n.Fun)].(*types.Builtin); ok && b.Name() == "new" {
				if t := info.TypeOf(n.Args[0]); isOwner[t] {
					build(t, n.Pos(), "new builds a %s without its package's constructors")
				}
			}
		case *ast.ValueSpec:
			if len(n.Values) > 0 {
				continue // a copy, if any, is found by index
			}
			for _, id := range n.Names {
				if v, ok := info.Defs[id].(*types.Var); ok && isOwner[v.Type()] {
					build(v.Type(), id.Pos(), "var "+id.Name+" is a zero %s, not built by its package's constructors")
				}
			}
		}
	}
	for _, o := range owners {
		t := o.tn.Type()
		r, builds := pc.copies[t], false
		if b, ok := built[t]; ok && (r.why == "" || b.pos < r.pos) {
			r, builds = b, true
		}
		if r.why == "" {
			continue
		}
		if !builds { // index's reasons name the struct of the declaring package
			r.why = strings.Replace(r.why, "the struct", types.TypeString(t, (*types.Package).Name), 1)
		}
		pos := pc.pass.Fset.Position(r.pos)
		veto := fmt.Sprintf("in package %s, %s (%s:%d)", pc.pass.Pkg.Path(), r.why, filepath.Base(pos.Filename), pos.Line)
		for _, f := range o.fields {
			parts.List = append(parts.List, fixkit.Part{Key: apiKey(o.tn, f), Veto: veto})
		}
	}
}

// identOf returns the identifier e names, through parentheses, or nil.
func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}
