package fixkit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
)

// Lookup returns the object that name denotes at pos in package pkg, or nil.
func Lookup(pkg *types.Package, name string, pos token.Pos) types.Object {
	s := pkg.Scope().Innermost(pos)
	if s == nil {
		return nil
	}
	_, o := s.LookupParent(name, pos)
	return o
}

// FreeName reports whether a variable named name can be declared just before rest[0], a
// statement of a list whose rest of the list is rest: the name denotes nothing there
// (the new variable would shadow it) and is not written anywhere in rest (it would
// capture a use of an outer object or clash with a later declaration).
func FreeName(pkg *types.Package, name string, rest []ast.Stmt) bool {
	if len(rest) == 0 || Lookup(pkg, name, rest[0].Pos()) != nil {
		return false
	}
	for _, s := range rest {
		found := false
		ast.Inspect(s, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name {
				found = true
			}
			return !found
		})
		if found {
			return false
		}
	}
	return true
}

// TypeString returns how t is written at pos in file, a file of package pkg, or false
// when it cannot be written there (an unexported type of another package, a package not
// imported or shadowed, a shadowed name, a struct or interface type with members).
func TypeString(pkg *types.Package, t types.Type, pos token.Pos, file *ast.File) (string, bool) {
	if file == nil {
		return "", false
	}
	ok := true
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path != p.Path() {
				continue
			}
			name := p.Name()
			if imp.Name != nil {
				name = imp.Name.Name
			}
			if pn, is := Lookup(pkg, name, pos).(*types.PkgName); is && pn.Imported() == p {
				return name
			}
		}
		ok = false
		return p.Name()
	}
	s := types.TypeString(t, qual)
	if !ok || !Writable(pkg, t, pos) {
		return "", false
	}
	if _, err := parser.ParseExpr(s); err != nil {
		return "", false
	}
	return s, true
}

// Writable reports whether every name in t denotes, at pos in package pkg, what it
// denotes in t.
func Writable(pkg *types.Package, t types.Type, pos token.Pos) bool {
	named := func(obj *types.TypeName, args *types.TypeList) bool {
		switch {
		case obj.Pkg() == nil:
			if Lookup(pkg, obj.Name(), pos) != types.Universe.Lookup(obj.Name()) {
				return false
			}
		case obj.Pkg() == pkg:
			if Lookup(pkg, obj.Name(), pos) != obj {
				return false
			}
		default:
			if !obj.Exported() {
				return false
			}
		}
		for a := range args.Types() {
			if !Writable(pkg, a, pos) {
				return false
			}
		}
		return true
	}
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 || t.Kind() == types.UnsafePointer {
			return false
		}
		return Lookup(pkg, t.Name(), pos) == types.Universe.Lookup(t.Name())
	case *types.Pointer:
		return Writable(pkg, t.Elem(), pos)
	case *types.Slice:
		return Writable(pkg, t.Elem(), pos)
	case *types.Array:
		return Writable(pkg, t.Elem(), pos)
	case *types.Chan:
		return Writable(pkg, t.Elem(), pos)
	case *types.Map:
		return Writable(pkg, t.Key(), pos) && Writable(pkg, t.Elem(), pos)
	case *types.Signature:
		return t.TypeParams().Len() == 0 && Writable(pkg, t.Params(), pos) && Writable(pkg, t.Results(), pos)
	case *types.Tuple:
		for v := range t.Variables() {
			if !Writable(pkg, v.Type(), pos) {
				return false
			}
		}
		return true
	case *types.Struct:
		return t.NumFields() == 0
	case *types.Interface:
		return t.Empty() && t.NumEmbeddeds() == 0
	case *types.Named:
		return named(t.Obj(), t.TypeArgs())
	case *types.Alias:
		return named(t.Obj(), t.TypeArgs())
	case *types.TypeParam:
		return Lookup(pkg, t.Obj().Name(), pos) == t.Obj()
	}
	return false
}

// Numbered returns base, or base2, base3..., the first name that taken does not report.
func Numbered(base string, taken func(string) bool) string {
	name := base
	for i := 2; taken(name); i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}
