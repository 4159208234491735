package waitgroup

import (
	"go/ast"
	"go/constant"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Which functions of the package may call Done on a WaitGroup, through the functions of
// the package they call (ProtonMail/gluon#346: a deferred g.handlePanic() whose receiver
// holds the WaitGroup, and whose body only recovers, does not).
//
// A declared function may call Done when its body (with its function literals):
//   - calls Done on any WaitGroup, or Add with a delta that is not a positive constant;
//   - calls a function of the package that may (statically, or as an interface method
//     that a type of the package implements), or refers to one as a value (it may be
//     called later: a method value handed to time.AfterFunc);
//   - gives a value that holds a WaitGroup (holdsWG) to a function it cannot see (another
//     package's, a function value, an interface method), converts one to another type,
//     or calls a function value selected from one (g.onPanic());
//   - stores such a value where the code may find it later (a field, a package variable,
//     an element, a channel, a composite literal).
//
// A value it returns is its caller's to use, in a body checked the same way.
//
// The facts are computed once for the package, then propagated from callee to caller.

// mayDone reports whether the declared function f may call Done on a WaitGroup (see
// above).
func (c *checker) mayDone(f *model.Func) bool {
	if c.doneCallers == nil {
		c.doneCallers = c.doneReach()
	}
	return c.doneCallers[f]
}

func (c *checker) doneReach() map[*model.Func]bool {
	may := make(map[*model.Func]bool)
	callers := make(map[*model.Func][]*model.Func) // callee -> functions that call or refer to it
	for _, f := range c.m.Funcs {
		if _, ok := f.Node.(*ast.FuncDecl); !ok {
			continue // a literal is part of the declaration it is in
		}
		direct, callees := c.doneFacts(f)
		if direct {
			may[f] = true
		}
		for _, g := range callees {
			callers[g] = append(callers[g], f)
		}
	}
	var work []*model.Func
	for f := range may {
		work = append(work, f)
	}
	for len(work) > 0 {
		g := work[len(work)-1]
		work = work[:len(work)-1]
		for _, f := range callers[g] {
			if !may[f] {
				may[f] = true
				work = append(work, f)
			}
		}
	}
	return may
}

// doneFacts returns whether the body of the declared function f may call Done by itself,
// and the functions of the package it calls or refers to.
func (c *checker) doneFacts(f *model.Func) (direct bool, callees []*model.Func) {
	holds := func(e ast.Expr) bool {
		t := c.info.TypeOf(e)
		return t != nil && holdsWG(t, 0)
	}
	for cur := range f.Cursor.Preorder((*ast.CallExpr)(nil), (*ast.Ident)(nil), (*ast.AssignStmt)(nil),
		(*ast.SendStmt)(nil), (*ast.CompositeLit)(nil)) {
		if direct {
			break
		}
		switch n := cur.Node().(type) {
		case *ast.CallExpr:
			callees = append(callees, c.callDoneFacts(n, holds, &direct)...)
		case *ast.Ident:
			// A function of the package used as a value, not called here.
			fn, ok := c.info.Uses[n].(*types.Func)
			if !ok {
				break
			}
			if g := c.declOf(fn.Origin()); g != nil && !calledAt(cur) {
				callees = append(callees, g)
			}
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if !holds(r) {
					continue
				}
				if len(n.Lhs) != len(n.Rhs) || !c.localLHS(n.Lhs[i]) {
					direct = true
				}
			}
		case *ast.SendStmt:
			direct = direct || holds(n.Value)
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				direct = direct || holds(e)
			}
		}
	}
	return direct, callees
}

// callDoneFacts is doneFacts for one call.
func (c *checker) callDoneFacts(call *ast.CallExpr, holds func(ast.Expr) bool, direct *bool) []*model.Func {
	if w, ok := c.wgMethod(call); ok {
		switch w.method {
		case "Done":
			*direct = true
		case "Add":
			if len(call.Args) != 1 || !positive(c.info.Types[call.Args[0]].Value) {
				*direct = true
			}
		}
		return nil
	}
	if tv, ok := c.info.Types[call.Fun]; ok && tv.IsType() {
		for _, a := range call.Args {
			*direct = *direct || holds(a) // a conversion: the value may go anywhere
		}
		return nil
	}
	if _, ok := c.info.Uses[identOf(call.Fun)].(*types.Builtin); ok {
		return nil // append(s, x) is an assignment's right side, checked there
	}
	if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return nil // its body is part of this function's
	}
	fn := typeutil.StaticCallee(c.info, call)
	if g := c.declOf(fn); g != nil {
		return []*model.Func{g}
	}
	var out []*model.Func
	callee, _ := typeutil.Callee(c.info, call).(*types.Func)
	if callee != nil && fn == nil { // an interface method
		out = c.implementations(callee)
	}
	exprs := call.Args
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if _, ok := c.info.Selections[sel]; ok {
			// The receiver of a method, or the value whose field is the function called.
			exprs = append(exprs[:len(exprs):len(exprs)], sel.X)
		}
	}
	for _, a := range exprs {
		*direct = *direct || holds(a)
	}
	return out
}

// implementations returns the methods of the package that a call of the interface
// method m may run: every method of the package with m's name and signature (class
// hierarchy analysis, by method set; a method promoted through an embedded field is its
// declaration's).
func (c *checker) implementations(m *types.Func) []*model.Func {
	if c.impls == nil {
		c.impls = make(map[string][]*model.Func)
		for _, f := range c.m.Funcs {
			if f.Obj != nil && f.Sig.Recv() != nil {
				c.impls[f.Obj.Name()] = append(c.impls[f.Obj.Name()], f)
			}
		}
	}
	var out []*model.Func
	for _, f := range c.impls[m.Name()] {
		// A method of a generic type may match once instantiated.
		if f.Sig.RecvTypeParams().Len() > 0 || sameSignature(f.Sig, m.Signature()) {
			out = append(out, f)
		}
	}
	return out
}

// sameSignature reports whether a and b have identical parameters and results (their
// receivers aside).
func sameSignature(a, b *types.Signature) bool {
	return a.Variadic() == b.Variadic() && types.Identical(a.Params(), b.Params()) && types.Identical(a.Results(), b.Results())
}

// localLHS reports whether e, the left side of an assignment, is a variable local to a
// function (whose later uses are in the function's body, where they are checked).
func (c *checker) localLHS(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	if id.Name == "_" {
		return true
	}
	obj := c.info.ObjectOf(id)
	v, ok := obj.(*types.Var)
	return ok && !v.IsField() && v.Parent() != nil && v.Parent() != v.Pkg().Scope()
}

// calledAt reports whether the identifier at cur is the function called by a call
// (f(), x.m(), f[T]()).
func calledAt(cur inspector.Cursor) bool {
	p := cur
	if p.ParentEdgeKind() == edge.SelectorExpr_Sel {
		p = p.Parent()
	}
	if k := p.ParentEdgeKind(); k == edge.IndexExpr_X || k == edge.IndexListExpr_X {
		p = p.Parent()
	}
	return p.ParentEdgeKind() == edge.CallExpr_Fun
}

// positive reports whether v is a positive integer constant.
func positive(v constant.Value) bool {
	return v != nil && v.Kind() == constant.Int && constant.Sign(v) > 0
}
