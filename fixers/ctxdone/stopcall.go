package ctxdone

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
)

// endOfLifePrefixes name the methods that end a type's life: a method whose name is one
// of them or starts with one (CloseAll, StopWatching). closerecv's and lostcancel's
// lists (Close, Stop, Shutdown) serve fixes and are shorter; this rule only reports.
var endOfLifePrefixes = []string{"Close", "Stop", "Shutdown", "Cancel", "Quit", "Terminate"}

func endOfLife(name string) bool {
	for _, p := range endOfLifePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// checkStopFlagCalls reports a goroutine G (a function or method of the package started
// by a go statement, or a literal) whose loop returns on a stop flag that an end-of-life
// method of the flag's type sets (or, for a literal, that its spawner sets on its way
// out), but which, before it can read the flag again, blocks on a send, in its own body
// or in a function of the package that the loop calls (two levels at most), on a
// channel that the end-of-life method does not touch and that G does not receive from:
// the flag cannot reach the blocked send, and nothing the end-of-life method does
// unblocks it (moby/moby#51301: the ring logger's run blocked in the wrapped logger's
// Log). Report only. Sends in taken are left alone.
func (c *checker) checkStopFlagCalls(taken map[*model.ChanOp]bool) {
	seen := make(map[*model.Func]bool)
	for _, g := range c.m.Gos {
		G := g.Runs
		if G == nil || G.Body == nil || seen[G] {
			continue
		}
		seen[G] = true
		reported := make(map[*model.ChanOp]bool)
		inspectFunc(G, func(cur inspector.Cursor) bool {
			ifs, ok := cur.Node().(*ast.IfStmt)
			if !ok || !returns(ifs.Body) {
				return true
			}
			var loop inspector.Cursor
			for p := cur.Parent(); p.Valid() && p.Node() != G.Node && !loop.Valid(); p = p.Parent() {
				switch p.Node().(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					loop = p
				}
			}
			if !loop.Valid() {
				return true
			}
			F := g.In
			if F == nil {
				F = G
			}
			flag, o := c.flagRead(F, G, ifs.Cond)
			if flag == nil {
				return true
			}
			setter, onExit, M := c.flagSetter(G, g, flag, o)
			if setter == "" {
				return true
			}
			c.units = append(c.units, c.flagCallUnits(G, M, loop, flag, setter, onExit, taken, reported)...)
			return true
		})
	}
}

// flagSetter returns who sets the flag x (of field or variable o) that G reads: the
// name of an end-of-life method M of x's type that stores a non-zero constant in it
// (itself or in a method of the package it calls), or, for a literal G, the name of its
// spawner F (onExit; M is then F), which sets it on its way out as stopflag.go decides.
func (c *checker) flagSetter(G *model.Func, g *model.Go, x ast.Expr, o types.Object) (name string, onExit bool, M *model.Func) {
	if v, ok := o.(*types.Var); ok && v.IsField() {
		if sel, ok := ast.Unparen(x).(*ast.SelectorExpr); ok {
			if T := namedOf(c.info.TypeOf(sel.X)); T != nil && T.Obj().Pkg() == c.pass.Pkg {
				for _, f := range c.m.Funcs {
					if f.Obj == nil || f.Body == nil || f == G || !endOfLife(f.Obj.Name()) {
						continue
					}
					recv := f.Obj.Signature().Recv()
					if recv == nil || namedOf(recv.Type()) == nil || namedOf(recv.Type()).Origin() != T.Origin() {
						continue
					}
					if c.storesField(f, v, 1) {
						return f.Obj.Name(), false, f
					}
				}
			}
		}
	}
	if G.Obj == nil && g.In != nil && G.Outer == g.In && len(G.Started) == 1 && !g.InLoop && c.setOnExit(g.In, g, x, o) {
		name = "its spawner"
		if g.In.Obj != nil {
			name = g.In.Obj.Name()
		}
		return name, true, g.In
	}
	return "", false, nil
}

// namedOf returns the named type of t or of the type t points to, or nil.
func namedOf(t types.Type) *types.Named {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// storesField reports whether f, or a function of the package that it calls (depth
// levels more), stores a non-zero constant in the field v through a selector.
func (c *checker) storesField(f *model.Func, v *types.Var, depth int) bool {
	found := false
	inspectFunc(f, func(cur inspector.Cursor) bool {
		call, ok := cur.Node().(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if t, ok := c.flagStore(call); ok {
			if sel, ok := ast.Unparen(t).(*ast.SelectorExpr); ok {
				if w, ok := c.info.Uses[sel.Sel].(*types.Var); ok && w.Origin() == v.Origin() {
					found = true
				}
			}
		}
		return !found
	})
	if found || depth == 0 {
		return found
	}
	for _, cs := range c.m.Locks().CallSites(f) {
		if !cs.Go && cs.Callee != f && c.storesField(cs.Callee, v, depth-1) {
			return true
		}
	}
	return false
}

// flagCallUnits returns the findings for the blocking sends that G's loop makes before
// it reads the flag again: in its body, or in a function of the package that it calls
// (two levels at most).
func (c *checker) flagCallUnits(G, M *model.Func, loop inspector.Cursor, flag ast.Expr, setter string, onExit bool, taken, reported map[*model.ChanOp]bool) []*unit {
	gName := "the goroutine"
	if G.Obj != nil {
		gName = G.Obj.Name()
	}
	touched := c.touchedBy(M, 2)
	var units []*unit
	add := func(op *model.ChanOp, via *ast.CallExpr, in *model.Func) {
		if op.Kind != model.Send || op.Select != nil || taken[op] || reported[op] || !c.unblockable(op, G, touched) {
			return
		}
		s := op.Node.(*ast.SendStmt)
		send := types.ExprString(s.Chan) + " <- " + types.ExprString(s.Value)
		who, does := setter, "does"
		if onExit {
			does = "does when it returns"
		}
		u := &unit{fn: G, ops: []*model.ChanOp{op}}
		if via == nil {
			u.pos = s.Arrow
			u.msg = fmt.Sprintf("%s returns when %s is set, which %s %s, but it blocks on %s first, where the flag cannot reach it: nothing %s does unblocks that send",
				gName, types.ExprString(flag), setter, does, send, who)
			c.refuse(u, s.Pos(), fmt.Sprintf("the fix would select on a done channel that %s closes, which %s does not have, and this rule only reports", who, gName))
		} else {
			u.pos = via.Pos()
			u.msg = fmt.Sprintf("%s returns when %s is set, which %s %s, but it blocks in %s on %s, where the flag cannot reach it: nothing %s does unblocks that send",
				gName, types.ExprString(flag), setter, does, funcName(in), send, who)
			c.refuse(u, via.Pos(), fmt.Sprintf("the send is in %s, another function, whose other callers a done channel would change: this rule only reports", funcName(in)))
		}
		reported[op] = true
		units = append(units, u)
	}
	loopNode := loop.Node()
	for _, op := range c.cs.Ops {
		if op.Func == G && loopNode.Pos() <= op.Node.Pos() && op.Node.End() <= loopNode.End() {
			add(op, nil, G)
		}
	}
	for _, cs := range c.m.Locks().CallSites(G) {
		if cs.Go || cs.Defer || cs.Callee == G || !(loopNode.Pos() <= cs.Call.Pos() && cs.Call.End() <= loopNode.End()) {
			continue
		}
		for _, H := range append([]*model.Func{cs.Callee}, c.calledBy(cs.Callee, G)...) {
			for _, op := range c.cs.Ops {
				if op.Func == H {
					add(op, cs.Call, H)
				}
			}
		}
	}
	return units
}

// calledBy returns the functions of the package that H calls where it runs, but G and H.
func (c *checker) calledBy(H, G *model.Func) []*model.Func {
	var out []*model.Func
	for _, cs := range c.m.Locks().CallSites(H) {
		if !cs.Go && !cs.Defer && cs.Callee != H && cs.Callee != G {
			out = append(out, cs.Callee)
		}
	}
	return out
}

// touchedBy returns the channel classes that M, its literals, and the functions of the
// package it calls (depth levels) operate on, or that they pass to any call; nil M: none.
func (c *checker) touchedBy(M *model.Func, depth int) map[*model.Chan]bool {
	out := make(map[*model.Chan]bool)
	if M == nil {
		return out
	}
	var visit func(f *model.Func, d int)
	visit = func(f *model.Func, d int) {
		f.Cursor.Inspect(nil, func(cur inspector.Cursor) bool {
			if e, ok := cur.Node().(ast.Expr); ok {
				if ch := c.cs.Of(e); ch != nil {
					out[ch] = true
				}
			}
			return true
		})
		if d == 0 {
			return
		}
		for _, cs := range c.m.Locks().CallSites(f) {
			if cs.Callee != f {
				visit(cs.Callee, d-1)
			}
		}
	}
	visit(M, depth)
	return out
}

// unblockable reports whether the blocking send op is on an unbuffered channel held in a
// field, that M (touched) never refers to, that G never receives from, and whose
// receiver is out of view (no receive of the package but in tests).
func (c *checker) unblockable(op *model.ChanOp, G *model.Func, touched map[*model.Chan]bool) bool {
	ch := c.cs.Of(op.Ch)
	if ch == nil || ch.Done || ch.Buffered() || touched[ch] || c.sendsFit(op) {
		return false
	}
	// A field: a channel made and consumed in view (a local handed to a consumer) is
	// stopflag.go's, or needs more than the flag says.
	if v, ok := c.cs.Object(op.Ch).(*types.Var); !ok || !v.IsField() {
		return false
	}
	// Its receiver is out of view: a receive of the package (outside tests) may go on
	// after the end-of-life method, and whether it does is not the flag's to say.
	for _, q := range ch.Ops {
		if (q.Kind == model.Recv || q.Kind == model.Range) && (q.Func == G || !q.Test) {
			return false
		}
	}
	return true
}

// funcName returns f's name, Type.Method for a method.
func funcName(f *model.Func) string {
	if f.Obj == nil {
		return "a function literal"
	}
	if r := f.Obj.Signature().Recv(); r != nil {
		if n := namedOf(r.Type()); n != nil {
			return n.Obj().Name() + "." + f.Obj.Name()
		}
	}
	return f.Obj.Name()
}
