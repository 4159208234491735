package ctxfirst

import (
	"go/types"
	"slices"
)

// scanImplements finds the methods with a misplaced context that implement an interface
// this package can see: one declared or named in it, one of the types of its expressions
// and signatures, or a constraint of a generic it instantiates. A method that implements
// an interface cannot change alone, and the conversion to the interface (in this package)
// is not a reference to the method.
func (c *checker) scanImplements() {
	s := &typeScan{c: c, seen: make(map[types.Type]bool)}
	info := c.pass.TypesInfo
	for _, tv := range info.Types {
		s.visit(tv.Type, false)
	}
	for _, obj := range info.Defs {
		if obj != nil {
			s.visit(obj.Type(), false)
		}
	}
	for id, inst := range info.Instances {
		for i := range inst.TypeArgs.Len() {
			s.visit(inst.TypeArgs.At(i), false)
		}
		var tparams *types.TypeParamList
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			tparams = obj.Signature().TypeParams()
		case *types.TypeName:
			if named, ok := obj.Type().(*types.Named); ok {
				tparams = named.TypeParams()
			}
		}
		for i := range tparams.Len() {
			s.visit(tparams.At(i).Constraint(), true)
		}
	}
	if len(s.ifaces) == 0 {
		return
	}
	names := make(map[*types.Interface]*types.Named)
	for _, ifc := range s.ifaces {
		if ifc.named != nil {
			names[ifc.typ] = ifc.named
		}
	}
	for _, ifc := range s.ifaces {
		for i := range ifc.typ.NumMethods() {
			m := ifc.typ.Method(i)
			if _, _, ok := c.shape(m.Signature()); !ok {
				continue
			}
			for _, x := range s.concrete {
				for _, t := range []types.Type{x, types.NewPointer(x)} {
					obj, _, _ := types.LookupFieldOrMethod(t, true, m.Pkg(), m.Name())
					fn, ok := obj.(*types.Func)
					if !ok || isInterfaceMethod(fn) {
						continue
					}
					fn = fn.Origin()
					if _, _, ok := c.shape(fn.Signature()); !ok {
						continue
					}
					// A constraint may mention type parameters, which Implements cannot
					// match: there, a method of the same name and shape suffices.
					if !ifc.constraint && !types.Implements(t, ifc.typ) {
						continue
					}
					named := ifc.named
					if named == nil {
						named = names[ifc.typ]
					}
					own := named == nil || named.Obj().Pkg() == fn.Pkg()
					name := "an interface"
					if named != nil {
						name = types.TypeString(named, types.RelativeTo(c.pass.Pkg))
					}
					im := implemented{iface: name, own: own, generated: own && named != nil && c.generated(named.Obj().Pos())}
					if !slices.Contains(c.impls[fn], im) {
						c.impls[fn] = append(c.impls[fn], im)
					}
				}
			}
		}
	}
}

type typeScan struct {
	c        *checker
	seen     map[types.Type]bool
	ifaces   []scannedIface
	concrete []types.Type // named non-interface types and struct literals (which may embed)
}

type scannedIface struct {
	typ        *types.Interface
	named      *types.Named // or nil
	constraint bool
}

func (s *typeScan) visit(t types.Type, constraint bool) {
	if t == nil || s.seen[t] {
		return
	}
	s.seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		s.visit(types.Unalias(t), constraint)
	case *types.Named:
		if ifc, ok := t.Underlying().(*types.Interface); ok {
			s.iface(ifc, t, constraint)
		} else {
			s.concrete = append(s.concrete, t)
			s.visit(t.Underlying(), false)
		}
		for i := range t.TypeArgs().Len() {
			s.visit(t.TypeArgs().At(i), false)
		}
		for i := range t.TypeParams().Len() {
			s.visit(t.TypeParams().At(i).Constraint(), true)
		}
	case *types.Interface:
		s.iface(t, nil, constraint)
	case *types.Pointer:
		s.visit(t.Elem(), false)
	case *types.Slice:
		s.visit(t.Elem(), false)
	case *types.Array:
		s.visit(t.Elem(), false)
	case *types.Chan:
		s.visit(t.Elem(), false)
	case *types.Map:
		s.visit(t.Key(), false)
		s.visit(t.Elem(), false)
	case *types.Struct:
		s.concrete = append(s.concrete, t)
		for i := range t.NumFields() {
			s.visit(t.Field(i).Type(), false)
		}
	case *types.Tuple:
		for i := range t.Len() {
			s.visit(t.At(i).Type(), false)
		}
	case *types.Signature:
		s.visit(t.Params(), false)
		s.visit(t.Results(), false)
		for i := range t.TypeParams().Len() {
			s.visit(t.TypeParams().At(i).Constraint(), true)
		}
	case *types.TypeParam:
		s.visit(t.Constraint(), true)
	}
}

func (s *typeScan) iface(ifc *types.Interface, named *types.Named, constraint bool) {
	flagged := false
	for i := range ifc.NumMethods() {
		m := ifc.Method(i)
		s.visit(m.Type(), false)
		if _, _, ok := s.c.shape(m.Signature()); ok {
			flagged = true
		}
	}
	if flagged {
		s.ifaces = append(s.ifaces, scannedIface{ifc, named, constraint})
	}
}
