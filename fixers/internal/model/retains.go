package model

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// retainsDepth bounds how deep Retains follows calls of the package's functions.
const retainsDepth = 4

type retainsKey struct {
	fn *types.Func
	i  int
}

// Retains reports whether fn, a function or method declared in the package, may keep
// its i-th parameter, or a value computed from it, after it returns, so that work the
// caller cannot see goes on with it (MasterOfBinary/gobatch#1: Go hands its context to
// start, which runs the reader in a goroutine). It may when its body refers to the
// parameter (or a local variable assigned from it, transitively) in a go statement, in a
// function literal that is not called where it stands, in a send, a return, or an
// assignment to anything but a local variable; or passes it to a function of the
// package that retains that parameter (followed a few calls deep), or, as a channel (its
// Done channel), to any other function. A context, or a value holding one, passed to a
// function of another package, an interface method or a function value is not kept, by
// the context package's convention. A
// function without a body, or not of the package, retains nothing the model can see:
// Retains is false.
func (m *Model) Retains(fn *types.Func, i int) bool {
	return m.retains(fn, i, 0)
}

func (m *Model) retains(fn *types.Func, i, depth int) bool {
	if fn == nil {
		return false
	}
	fn = fn.Origin()
	key := retainsKey{fn, i}
	if v, ok := m.retained.Load(key); ok {
		return v.(bool)
	}
	if depth > retainsDepth {
		return true // too deep to follow: assume it keeps it
	}
	F := m.Decl(fn)
	sig := fn.Signature()
	if F == nil || F.Body == nil || i < 0 || i >= sig.Params().Len() {
		return false
	}
	p := sig.Params().At(i)
	if p.Name() == "" || p.Name() == "_" {
		m.retained.Store(key, false)
		return false
	}
	m.retained.Store(key, false) // a recursive call adds nothing new
	r := m.keeps(F, p, depth)
	m.retained.Store(key, r)
	return r
}

// keeps reports whether F keeps p beyond its return (see Retains).
func (m *Model) keeps(F *Func, p *types.Var, depth int) bool {
	info := m.Info
	tainted := map[*types.Var]bool{p: true}
	mentions := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok && tainted[v] {
					found = true
				}
			}
			return !found
		})
		return found
	}
	local := func(v *types.Var) bool { return v != nil && inside(F.Node, v.Pos()) }
	kept := false
	flowTo := func(l, r ast.Expr) {
		if !mentions(r) {
			return
		}
		if t := info.TypeOf(r); t != nil && !holdsRef(t) {
			return
		}
		id, ok := ast.Unparen(l).(*ast.Ident)
		if !ok {
			kept = true // a field, an element, a pointer's target
			return
		}
		if id.Name == "_" {
			return
		}
		v, _ := info.ObjectOf(id).(*types.Var)
		if !local(v) {
			kept = true
			return
		}
		tainted[v] = true
	}
	for n := -1; n != len(tainted) && !kept; {
		n = len(tainted)
		ast.Inspect(F.Body, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.AssignStmt:
				for j, l := range x.Lhs {
					if len(x.Lhs) == len(x.Rhs) {
						flowTo(l, x.Rhs[j])
					} else if len(x.Rhs) == 1 {
						flowTo(l, x.Rhs[0])
					}
				}
			case *ast.ValueSpec:
				for j, id := range x.Names {
					if len(x.Values) == len(x.Names) {
						flowTo(id, x.Values[j])
					} else if len(x.Values) == 1 {
						flowTo(id, x.Values[0])
					}
				}
			case *ast.RangeStmt:
				for _, l := range []ast.Expr{x.Key, x.Value} {
					if l != nil {
						flowTo(l, x.X)
					}
				}
			}
			return !kept
		})
	}
	if kept {
		return true
	}
	ast.PreorderStack(F.Body, nil, func(x ast.Node, stack []ast.Node) bool {
		if kept {
			return false
		}
		switch x := x.(type) {
		case *ast.GoStmt:
			kept = mentions(x)
			return false
		case *ast.FuncLit:
			if !Invoked(x, stack) && mentions(x) {
				kept = true
			}
		case *ast.SendStmt:
			kept = mentions(x.Value)
		case *ast.ReturnStmt:
			for _, r := range x.Results {
				if mentions(r) {
					if t := info.TypeOf(r); t == nil || holdsRef(t) {
						kept = true
					}
				}
			}
		case *ast.CallExpr:
			kept = m.passesOn(x, mentions, depth)
		}
		return !kept
	})
	return kept
}

// passesOn reports whether call hands a value that mentions says holds the context to a
// callee that may keep it.
func (m *Model) passesOn(call *ast.CallExpr, mentions func(ast.Node) bool, depth int) bool {
	if tv, ok := m.Info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	for j, arg := range call.Args {
		if mentions(arg) && m.argKept(call, j, depth) != NotKept {
			return true
		}
	}
	return false
}

// A Keep says whether a callee may keep an argument after it returns, and why.
type Keep uint8

const (
	NotKept    Keep = iota
	KeptChan        // a channel given to a function the model cannot read: kept, as stop channels are
	KeptByFunc      // a function of the package that retains that parameter (Retains)
)

// ArgKept says whether the callee of call may keep its argument j after it returns: a
// function of the package that retains the parameter (Retains), or, for any other
// callee (another package, an interface method, a function value), a channel argument.
// By the context package's convention, a context, or a value holding one such as a
// request, given to such a callee is not kept.
func (m *Model) ArgKept(call *ast.CallExpr, j int) Keep { return m.argKept(call, j, 0) }

func (m *Model) argKept(call *ast.CallExpr, j, depth int) Keep {
	info := m.Info
	callee, _ := typeutil.Callee(info, call).(*types.Func)
	if callee == nil || m.Decl(callee) == nil {
		if t := info.TypeOf(call.Args[j]); t != nil {
			if _, isChan := t.Underlying().(*types.Chan); isChan {
				return KeptChan
			}
		}
		return NotKept
	}
	k := j
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodExpr {
			k-- // the receiver comes first
		}
	}
	params := callee.Signature().Params()
	if callee.Signature().Variadic() && k >= params.Len()-1 {
		k = params.Len() - 1
	}
	if k >= 0 && m.retains(callee, k, depth+1) {
		return KeptByFunc
	}
	return NotKept
}

// Invoked reports whether lit, with ancestors stack, is called where it stands (and not
// by a go statement): func() { ... }() or defer func() { ... }().
func Invoked(lit *ast.FuncLit, stack []ast.Node) bool {
	var child ast.Node = lit
	i := len(stack) - 1
	for ; i >= 0; i-- {
		if _, ok := stack[i].(*ast.ParenExpr); !ok {
			break
		}
		child = stack[i]
	}
	if i < 0 {
		return false
	}
	call, ok := stack[i].(*ast.CallExpr)
	if !ok || call.Fun != child {
		return false
	}
	if i > 0 {
		if _, ok := stack[i-1].(*ast.GoStmt); ok {
			return false
		}
	}
	return true
}

// holdsRef reports whether a value of type t may refer to a context: anything but
// numbers, strings, booleans and errors.
func holdsRef(t types.Type) bool {
	if types.Identical(t, types.Universe.Lookup("error").Type()) {
		return false
	}
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b.Kind() == types.UnsafePointer || b.Kind() == types.Invalid
	}
	return true
}
