package closerecv

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// maxPass bounds the calls a channel is followed through, from the caller's variable to
// the parameter a function sends on.
const maxPass = 4

// passedSends returns the sends on a parameter tied to the arguments of the package's
// calls: a send on parameter p of F, and a call F(..., v, ...) or go F(..., v, ...) in
// H, give a send on v, made by H when the call is a plain (or deferred) one and the send
// is in F's own body, and by the goroutine that runs it otherwise (charon's testpeers:
// go pingPeerContinuously(ctx, p, ping, resCh) sends on resCh). A parameter that its
// function assigns, a variadic one, a method expression's receiver and a call of a
// function value are not followed. When v is itself a parameter of H, the send is
// followed on to H's callers, through at most maxPass calls.
func passedSends(m *model.Model, ops []op) []op {
	info := m.Info
	// The calls of each function of the package, by its model function.
	calls := make(map[*model.Func][]inspector.Cursor)
	for _, c := range m.Calls {
		call := c.Node().(*ast.CallExpr)
		if call.Ellipsis.IsValid() {
			continue
		}
		var f *model.Func
		if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
			f = m.FuncOf(lit)
		} else if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && info.Selections[sel] != nil && info.Selections[sel].Kind() == types.MethodExpr {
			continue // T.m(x, args): the arguments are shifted by the receiver
		} else if fn, ok := typeutil.Callee(info, call).(*types.Func); ok {
			f = m.Decl(fn)
		}
		if f != nil {
			calls[f] = append(calls[f], c)
		}
	}
	if len(calls) == 0 {
		return nil
	}
	type item struct {
		o     op
		depth int
	}
	var work []item
	for _, o := range ops {
		if o.kind == opSend {
			work = append(work, item{o, 0})
		}
	}
	type seenKey struct {
		root token.Pos
		obj  *types.Var
		fn   *model.Func
		pass token.Pos
	}
	seen := make(map[seenKey]bool)
	var out []op
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		o := it.o
		act := o.act
		i := paramIndex(act, o.obj)
		if i < 0 || it.depth >= maxPass || model.Assigns(info, act.Body, o.obj) {
			continue
		}
		for _, c := range calls[act] {
			call := c.Node().(*ast.CallExpr)
			if i >= len(call.Args) {
				continue
			}
			v := chanVar(info, call.Args[i])
			h := m.Enclosing(c)
			if v == nil || h == nil || v == o.obj {
				continue
			}
			gs, spawned := c.Parent().Node().(*ast.GoStmt)
			d := o
			d.obj, d.act, d.origin, d.passPos = v, h, &it.o, call.Pos()
			d.inLoop = o.inLoop || inLoop(c, h.Cursor)
			if spawned {
				d.spawn, d.spawnIn = gs, h
			} else if o.fn == act && o.spawn == nil {
				// The send runs in the activation of act, which the call makes part
				// of h's.
				d.fn, d.cur, d.pos = h, c, call.Pos()
			}
			k := seenKey{d.rootPos(), v, d.fn, call.Pos()}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, d)
			work = append(work, item{d, it.depth + 1})
		}
	}
	return out
}

// paramIndex returns the index of v among f's parameters, or -1 (a variadic parameter
// too).
func paramIndex(f *model.Func, v *types.Var) int {
	if f == nil || f.Sig == nil {
		return -1
	}
	ps := f.Sig.Params()
	for i := range ps.Len() {
		if ps.At(i) == v {
			if f.Sig.Variadic() && i == ps.Len()-1 {
				return -1
			}
			return i
		}
	}
	return -1
}

// rootPos returns the position of the send statement that o stands for.
func (o op) rootPos() token.Pos {
	for o.origin != nil {
		o = *o.origin
	}
	return o.pos
}

// chain returns o and the sends it was derived from, down to the send statement.
func (o op) chain() []op {
	out := []op{o}
	for o.origin != nil {
		o = *o.origin
		out = append(out, o)
	}
	return out
}

// anyLink reports whether pred holds for a link of the chain of every send: a property
// of the send (a mutex held, a recover deferred) holds when the function of the call
// that passes the channel has it, or the function that sends on the parameter.
func anyLink(sends []op, pred func(op) bool) bool {
	for _, s := range sends {
		ok := false
		for _, l := range s.chain() {
			if pred(l) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
