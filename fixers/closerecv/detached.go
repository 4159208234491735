package closerecv

import (
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// maxReach bounds the calls followed from the loop of a close to the go statements it
// runs.
const maxReach = 3

// loopSends returns the sends on the channel of cl, a close (a statement of its own) by a
// function that neither sends on the channel nor receives from it, that goroutines
// started by an earlier iteration of a loop around the close may still be about to
// make: each is a send on the channel in the body of a function literal that a go
// statement starts, where the go statement is in that loop or in a function of the
// package that a call in the loop runs (through at most maxReach calls), and the
// literal is detached: its only channel operations are sends on the channel and
// receives in the selects of those sends, it defers nothing, it calls nothing of sync
// or sync/atomic, and the functions of the package it calls have no channel operation,
// lock or call of their own. Nothing orders such a send before the close (go-floodsub's
// processLoop closes sub.ch when a subscriber cancels, while publishMessage, which the
// loop runs, hands messages to subscriptions in goroutines of their own: ipfs/kubo#4066).
// The channel must not be assigned in the loop or in the functions it reaches (the
// goroutine could read the new one).
func (d *detach) loopSends(cl op, chOps []op) []op {
	if _, ok := cl.cur.Parent().Node().(*ast.ExprStmt); !ok {
		return nil
	}
	var loop inspector.Cursor // the outermost loop of cl's function around the close
	for p := cl.cur; p.Valid() && p != cl.fn.Cursor; p = p.Parent() {
		switch p.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if inLoop(cl.cur, p) {
				loop = p
			}
		}
	}
	if !loop.Valid() {
		return nil
	}
	reached := d.reach(cl.fn, loop)
	for _, pos := range d.m.Chans().Assigned(cl.obj) {
		if loop.Node().Pos() <= pos && pos < loop.Node().End() {
			return nil
		}
		for f := range reached {
			if f.Node.Pos() <= pos && pos < f.Node.End() {
				return nil
			}
		}
	}
	var out []op
	for _, s := range chOps {
		if s.kind != opSend || s.origin != nil || s.fn.Obj != nil || len(s.fn.Started) != 1 {
			continue
		}
		g := s.fn.Started[0]
		in := g.In == cl.fn && loop.Node().Pos() <= g.Stmt.Pos() && g.Stmt.End() <= loop.Node().End() || g.In != cl.fn && reached[g.In]
		if in && d.detached(s.fn, cl.obj) {
			out = append(out, s)
		}
	}
	return out
}

type detach struct {
	m     *model.Model
	calls map[*model.Func][]inspector.Cursor // the calls in each function, outside nested literals
	leaf  map[*model.Func]bool
}

func newDetach(m *model.Model) *detach {
	d := &detach{m: m, calls: make(map[*model.Func][]inspector.Cursor), leaf: make(map[*model.Func]bool)}
	for _, c := range m.Calls {
		if f := m.Enclosing(c); f != nil {
			d.calls[f] = append(d.calls[f], c)
		}
	}
	return d
}

// reach returns the functions of the package that calls inside loop, of function f, run
// (not f itself), through at most maxReach calls.
func (d *detach) reach(f *model.Func, loop inspector.Cursor) map[*model.Func]bool {
	out := make(map[*model.Func]bool)
	var from []*model.Func
	for _, c := range d.calls[f] {
		if loop.Node().Pos() <= c.Node().Pos() && c.Node().End() <= loop.Node().End() {
			if g := d.callee(c); g != nil && g != f && !out[g] {
				out[g] = true
				from = append(from, g)
			}
		}
	}
	for depth := 1; depth < maxReach && len(from) > 0; depth++ {
		var next []*model.Func
		for _, h := range from {
			for _, c := range d.calls[h] {
				if g := d.callee(c); g != nil && g != f && !out[g] {
					out[g] = true
					next = append(next, g)
				}
			}
		}
		from = next
	}
	return out
}

// callee returns the function of the package, with a body, that the call at c runs, or
// nil.
func (d *detach) callee(c inspector.Cursor) *model.Func {
	call := c.Node().(*ast.CallExpr)
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return d.m.FuncOf(lit)
	}
	if fn, ok := typeutil.Callee(d.m.Info, call).(*types.Func); ok {
		return d.m.Decl(fn)
	}
	return nil
}

// detached reports whether the goroutine literal lit synchronises with nothing but its
// sends on obj (see loopSends).
func (d *detach) detached(lit *model.Func, obj *types.Var) bool {
	info := d.m.Info
	within := func(f *model.Func) bool {
		for ; f != nil; f = f.Outer {
			if f == lit {
				return true
			}
		}
		return false
	}
	// The selects that send on obj.
	sending := make(map[*ast.SelectStmt]bool)
	for _, o := range d.m.Chans().Ops {
		if o.Func != nil && within(o.Func) && o.Kind == model.Send && o.Select != nil && chanVar(info, o.Ch) == obj {
			sending[o.Select] = true
		}
	}
	for _, o := range d.m.Chans().Ops {
		if o.Func == nil || !within(o.Func) {
			continue
		}
		switch {
		case o.Kind == model.Send && chanVar(info, o.Ch) == obj:
		case o.Kind == model.Recv && o.Select != nil && sending[o.Select]:
		default:
			return false
		}
	}
	if len(d.m.Locks().Of(lit)) > 0 {
		return false
	}
	ok := true
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeferStmt, *ast.GoStmt:
			ok = false
		case *ast.CallExpr:
			if syncCall(info, n) {
				ok = false
			} else if c, found := lit.Cursor.FindNode(n); found {
				if g := d.callee(c); g != nil && g != lit && !within(g) && !d.isLeaf(g) {
					ok = false
				}
			}
		}
		return ok
	})
	return ok
}

// isLeaf reports whether f has no channel operation, no lock and no call of the
// package's functions, sync or sync/atomic, its literals included.
func (d *detach) isLeaf(f *model.Func) bool {
	if v, ok := d.leaf[f]; ok {
		return v
	}
	leaf := true
	for _, o := range d.m.Chans().Ops {
		if o.Func != nil && o.Func.Root() == f.Root() && f.Node.Pos() <= o.Node.Pos() && o.Node.End() <= f.Node.End() {
			leaf = false
			break
		}
	}
	if leaf && len(d.m.Locks().Of(f)) > 0 {
		leaf = false
	}
	if leaf {
		ast.Inspect(f.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt, *ast.DeferStmt:
				leaf = false
			case *ast.CallExpr:
				if syncCall(d.m.Info, n) {
					leaf = false
				} else if fn, ok := typeutil.Callee(d.m.Info, n).(*types.Func); ok && d.m.Decl(fn) != nil {
					leaf = false
				} else if _, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok {
					leaf = false
				}
			}
			return leaf
		})
	}
	d.leaf[f] = leaf
	return leaf
}

// syncCall reports whether call calls a function or method of sync or sync/atomic.
func syncCall(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "sync", "sync/atomic":
		return true
	}
	return false
}
