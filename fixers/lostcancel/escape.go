package lostcancel

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/concfix/concfix/fixers/internal/model"
)

// An escape is why calling the cancel function when the function (or loop iteration)
// ends could cancel work that is still running.
type escape struct {
	at  ast.Node
	why string
}

// flow follows, through one function, the values that hold a candidate's context
// (tainted) and the function values that capture it (closures).
type flow struct {
	a        *analyzer
	c        *candidate
	info     *types.Info
	tainted  map[*types.Var]bool // local variables that may hold the context
	closures map[*types.Var]bool // local variables that may hold a function capturing it
	esc      *escape
}

// escapes reports whether the context of c, a value derived from it, or its cancel
// function escapes the function. inLoop adds the constraints of a per-iteration call:
// a deferred call that uses the context runs after the iteration.
func (a *analyzer) escapes(c *candidate, inLoop bool) (*flow, *escape) {
	f := &flow{
		a:        a,
		c:        c,
		info:     a.pass.TypesInfo,
		tainted:  make(map[*types.Var]bool),
		closures: make(map[*types.Var]bool),
	}
	if e := f.target(c.ctxExpr); e != nil {
		return f, e
	}
	f.propagate()
	if f.esc != nil {
		return f, f.esc
	}
	return f, f.sinks(inLoop)
}

// target records that l receives a tainted value: a local variable becomes tainted,
// anything else is an escape.
func (f *flow) target(l ast.Expr) *escape {
	l = ast.Unparen(l)
	id, ok := l.(*ast.Ident)
	if !ok {
		return &escape{l, "the context is stored outside the function"}
	}
	if id.Name == "_" {
		return nil
	}
	v := f.varOf(id)
	if v == nil {
		return nil
	}
	if f.isResult(v) {
		return &escape{id, "the context is returned"}
	}
	if !isLocal(v, f.c.fn) {
		return &escape{id, "the context is stored in a variable outside the function"}
	}
	f.tainted[v] = true
	return nil
}

func (f *flow) varOf(id *ast.Ident) *types.Var {
	if v, ok := f.info.Defs[id].(*types.Var); ok {
		return v
	}
	v, _ := f.info.Uses[id].(*types.Var)
	return v
}

func (f *flow) isResult(v *types.Var) bool {
	for r := range f.c.sig.Results().Variables() {
		if r == v {
			return true
		}
	}
	return false
}

// mentions reports whether n refers to a tainted variable (in nested functions too).
func (f *flow) mentions(n ast.Node) bool {
	return f.refers(n, func(v *types.Var) bool { return f.tainted[v] })
}

func (f *flow) mentionsCancel(n ast.Node) bool {
	return f.c.cancel != nil && f.refers(n, func(v *types.Var) bool { return v == f.c.cancel })
}

func (f *flow) refers(n ast.Node, pred func(*types.Var) bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := f.info.Uses[id].(*types.Var); ok && pred(v) {
				found = true
			}
		}
		return !found
	})
	return found
}

// capturing reports whether n contains a function literal that captures the context (or
// the cancel function) and is not simply called, or refers to a variable that may hold
// one.
func (f *flow) capturing(n ast.Node) bool {
	if f.refers(n, func(v *types.Var) bool { return f.closures[v] }) {
		return true
	}
	found := false
	ast.PreorderStack(n, nil, func(n ast.Node, stack []ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && !model.Invoked(lit, stack) && (f.mentions(lit) || f.mentionsCancel(lit)) {
			found = true
		}
		return !found
	})
	return found
}

// propagate computes the tainted and closure variables: a local variable assigned a
// value that refers to a tainted variable becomes tainted if its type can hold a context.
// Assigning such a value to anything other than a local variable is an escape.
func (f *flow) propagate() {
	for changed := true; changed && f.esc == nil; {
		changed = false
		n0, c0 := len(f.tainted), len(f.closures)
		ast.Inspect(f.c.body, func(n ast.Node) bool {
			if f.esc != nil {
				return false
			}
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
					f.assign(n.Lhs, n.Rhs)
				}
			case *ast.ValueSpec:
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				f.assign(lhs, n.Values)
			case *ast.RangeStmt:
				if f.mentions(n.X) || f.capturing(n.X) {
					for _, l := range []ast.Expr{n.Key, n.Value} {
						if l != nil {
							f.flowTo(l, n.X)
						}
					}
				}
			}
			return true
		})
		changed = len(f.tainted) != n0 || len(f.closures) != c0
	}
}

func (f *flow) assign(lhs, rhs []ast.Expr) {
	if len(rhs) == 0 {
		return
	}
	for i, l := range lhs {
		r := rhs[0]
		if len(lhs) == len(rhs) {
			r = rhs[i]
		}
		if f.mentions(r) || f.capturing(r) {
			f.flowTo(l, r)
		}
	}
}

// flowTo records that l receives a value computed from r, which refers to the context.
func (f *flow) flowTo(l, r ast.Expr) {
	if f.esc != nil {
		return
	}
	l = ast.Unparen(l)
	if id, ok := l.(*ast.Ident); ok && id.Name == "_" {
		return
	}
	t := f.info.TypeOf(l)
	if id, ok := l.(*ast.Ident); ok {
		if v := f.varOf(id); v != nil {
			t = v.Type()
		}
	}
	if t == nil || !f.a.mayHoldContext(t) {
		return
	}
	if id, ok := l.(*ast.Ident); ok && f.c.cancel != nil && f.varOf(id) == f.c.cancel {
		return // the cancel variable itself is checked by its uses
	}
	if e := f.target(l); e != nil {
		f.esc = e
		return
	}
	if f.capturing(r) {
		if id, ok := l.(*ast.Ident); ok {
			if v := f.varOf(id); v != nil {
				f.closures[v] = true
			}
		}
	}
}

// sinks looks for the uses of tainted values, closures and the cancel function that let
// them outlive the function.
func (f *flow) sinks(inLoop bool) *escape {
	var esc *escape
	fn := f.c.fn
	ast.PreorderStack(fn, nil, func(n ast.Node, stack []ast.Node) bool {
		if esc != nil {
			return false
		}
		nested := false
		for _, s := range stack {
			if _, ok := s.(*ast.FuncLit); ok && s != fn {
				nested = true
			}
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			if _, ok := f.c.closures[n]; !ok && n != fn && !model.Invoked(n, stack) && f.mentionsCancel(n) {
				esc = &escape{n, "the cancel function is captured by a function literal that may outlive the call"}
			}
		case *ast.GoStmt:
			if f.mentions(n) || f.mentionsCancel(n) || f.capturing(n) {
				esc = &escape{n, "the context is used by a goroutine"}
			}
			return false
		case *ast.DeferStmt:
			if !f.mentions(n) && !f.capturing(n) {
				break
			}
			if inLoop {
				esc = &escape{n, "a deferred call uses the context after the loop iteration"}
			} else if n.Pos() < f.c.stmt.Pos() {
				// Deferred earlier, it would run after the new deferred cancel.
				esc = &escape{n, "a call deferred before the assignment uses the context"}
			}
		case *ast.ReturnStmt:
			if nested {
				break // flows to the literal's caller, checked there
			}
			res := f.c.sig.Results()
			for i, r := range n.Results {
				if !f.mentions(r) && !f.capturing(r) {
					continue
				}
				holds := false
				if len(n.Results) == res.Len() {
					holds = f.a.mayHoldContext(res.At(i).Type())
				} else {
					for v := range res.Variables() {
						holds = holds || f.a.mayHoldContext(v.Type())
					}
				}
				if holds {
					esc = &escape{r, "the context is returned"}
				}
			}
		case *ast.SendStmt:
			if (f.mentions(n.Value) || f.capturing(n.Value)) && f.a.mayHoldContext(f.info.TypeOf(n.Value)) {
				esc = &escape{n, "the context is sent on a channel"}
			}
		case *ast.CallExpr:
			if tv, ok := f.info.Types[n.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
				break
			}
			for _, arg := range n.Args {
				if f.capturing(arg) {
					esc = &escape{arg, "a function using the context is passed on as a value"}
					break
				}
			}
			if esc == nil {
				esc = f.handedOn(n)
			}
		case *ast.Ident:
			if f.c.cancel != nil && f.info.Uses[n] == f.c.cancel && !harmlessCancelRef(f.info, n, stack) {
				esc = &escape{n, "the cancel function is passed on or stored"}
			}
		}
		return esc == nil
	})
	return esc
}

// harmlessCancelRef reports whether the reference id to the cancel function, with
// ancestors stack, is a call, a comparison with nil, `_ = cancel`, or an assignment to it.
func harmlessCancelRef(info *types.Info, id *ast.Ident, stack []ast.Node) bool {
	var child ast.Node = id
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
	switch p := stack[i].(type) {
	case *ast.CallExpr:
		return p.Fun == child
	case *ast.AssignStmt:
		if isBlankAssign(p) && p.Rhs[0] == child {
			return true
		}
		for _, l := range p.Lhs {
			if l == child {
				return true
			}
		}
	case *ast.BinaryExpr:
		if p.Op == token.EQL || p.Op == token.NEQ {
			other := p.X
			if other == child {
				other = p.Y
			}
			return info.Types[other].IsNil()
		}
	}
	return false
}

// mayHoldContext reports whether a value of type t can hold (a reference to) a context:
// every interface but error, channel and function can; numbers, strings and booleans
// cannot; composite types can when an element or field can.
func (a *analyzer) mayHoldContext(t types.Type) bool {
	if t == nil {
		return true
	}
	if r, ok := a.holds[t]; ok {
		return r
	}
	r := holds(t, make(map[types.Type]bool))
	a.holds[t] = r
	return r
}

var errorType = types.Universe.Lookup("error").Type()

// holds computes mayHoldContext by a depth-first search for a type that can hold a
// context; visiting holds the types already seen.
func holds(t types.Type, visiting map[types.Type]bool) bool {
	if types.Identical(t, errorType) {
		return false
	}
	if visiting[t] {
		return false
	}
	visiting[t] = true // a completed visit found nothing, or the search has already ended
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer || u.Kind() == types.Invalid
	case *types.Pointer:
		return holds(u.Elem(), visiting)
	case *types.Slice:
		return holds(u.Elem(), visiting)
	case *types.Array:
		return holds(u.Elem(), visiting)
	case *types.Map:
		return holds(u.Key(), visiting) || holds(u.Elem(), visiting)
	case *types.Struct:
		for fld := range u.Fields() {
			if holds(fld.Type(), visiting) {
				return true
			}
		}
		return false
	case *types.Tuple:
		for v := range u.Variables() {
			if holds(v.Type(), visiting) {
				return true
			}
		}
		return false
	}
	return true // interface, chan, func, type parameter
}

// handedOn returns the escape of a call that hands the context to work that may outlive
// the function: a function of the package that keeps its context parameter
// (model.Retains: it starts a goroutine with it, stores it), or the context's Done
// channel (or another channel computed from it) given to any other function, which may
// keep it as a stop channel (kubernetes-sigs/external-dns#2145:
// informerFactory.Start(ctx.Done()) runs the informers until it closes). A context, or a
// value holding it such as a request, passed to another package's function is not
// kept, by the context package's convention.
func (f *flow) handedOn(call *ast.CallExpr) *escape {
	for j, arg := range call.Args {
		if !f.mentions(arg) {
			continue
		}
		switch f.a.m.ArgKept(call, j) {
		case model.KeptChan:
			return &escape{arg, "the context's Done channel is handed on, and the callee may keep it"}
		case model.KeptByFunc:
			callee := typeutil.Callee(f.info, call)
			return &escape{arg, fmt.Sprintf("%s keeps the context after it returns", callee.Name())}
		}
	}
	return nil
}
