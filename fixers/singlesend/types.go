package singlesend

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
)

// lookup returns the object name denotes at pos.
func lookup(c *check, name string, pos token.Pos) types.Object {
	s := c.pass.Pkg.Scope().Innermost(pos)
	if s == nil {
		return nil
	}
	_, o := s.LookupParent(name, pos)
	return o
}

// typeString returns how t is written at pos in file, or false when it cannot be
// written there (an unexported type of another package, a package not imported or
// shadowed, a shadowed name, a struct or interface type with members).
func typeString(c *check, t types.Type, pos token.Pos, file *ast.File) (string, bool) {
	if file == nil {
		return "", false
	}
	ok := true
	qual := func(p *types.Package) string {
		if p == c.pass.Pkg {
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
			if pn, is := lookup(c, name, pos).(*types.PkgName); is && pn.Imported() == p {
				return name
			}
		}
		ok = false
		return p.Name()
	}
	s := types.TypeString(t, qual)
	if !ok || !writable(c, t, pos) {
		return "", false
	}
	if _, err := parser.ParseExpr(s); err != nil {
		return "", false
	}
	return s, true
}

// writable reports whether every name in t denotes, at pos, what it denotes in t.
func writable(c *check, t types.Type, pos token.Pos) bool {
	named := func(obj *types.TypeName, args *types.TypeList) bool {
		switch {
		case obj.Pkg() == nil:
			if lookup(c, obj.Name(), pos) != types.Universe.Lookup(obj.Name()) {
				return false
			}
		case obj.Pkg() == c.pass.Pkg:
			if lookup(c, obj.Name(), pos) != obj {
				return false
			}
		default:
			if !obj.Exported() {
				return false
			}
		}
		for a := range args.Types() {
			if !writable(c, a, pos) {
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
		return lookup(c, t.Name(), pos) == types.Universe.Lookup(t.Name())
	case *types.Pointer:
		return writable(c, t.Elem(), pos)
	case *types.Slice:
		return writable(c, t.Elem(), pos)
	case *types.Array:
		return writable(c, t.Elem(), pos)
	case *types.Chan:
		return writable(c, t.Elem(), pos)
	case *types.Map:
		return writable(c, t.Key(), pos) && writable(c, t.Elem(), pos)
	case *types.Signature:
		return t.TypeParams().Len() == 0 && writable(c, t.Params(), pos) && writable(c, t.Results(), pos)
	case *types.Tuple:
		for v := range t.Variables() {
			if !writable(c, v.Type(), pos) {
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
		return lookup(c, t.Obj().Name(), pos) == t.Obj()
	}
	return false
}
