package closerecv

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
)

// guards finds closes made safe by a mutex and a closed flag:
//
//	mu.Lock(); if !closed { closed = true; close(ch) }; mu.Unlock()
//
// where every sender checks the flag under the same mutex before it sends
// (net/http's wantConn: cancel closes w.result under w.mu unless w.done, tryDeliver
// sends on it under w.mu only while !w.done).
type guards struct {
	m     *model.Model
	flags map[*model.Func]map[types.Object]bool // bool variables and fields a function reads in a condition
	sets  map[*model.Func]map[types.Object]bool // bool variables and fields it sets to true
}

func newGuards(m *model.Model) *guards {
	g := &guards{m: m, flags: make(map[*model.Func]map[types.Object]bool), sets: make(map[*model.Func]map[types.Object]bool)}
	return g
}

// guarded reports whether the close cl happens with a mutex held and a closed flag set
// by its function, and every send happens with a mutex of the same class held, in a
// function that checks that flag.
func (g *guards) guarded(cl op, sends []op) bool {
	class, ok := g.held(cl)
	if !ok {
		return false
	}
	var flag types.Object
	for f := range g.setsOf(cl.fn) {
		if g.flagsOf(cl.fn)[f] {
			flag = f
			break
		}
	}
	if flag == nil {
		return false
	}
	// A send on a parameter is guarded when the function that sends on it, or one that
	// passes the channel on its way, is.
	return anyLink(sends, func(s op) bool {
		if s.fn.Test && !cl.fn.Test {
			return true // a test that drives the channel by hand, outside the protocol
		}
		c, ok := g.held(s)
		return ok && c == class && g.flagsOf(s.fn)[flag]
	})
}

// recovers reports whether every send is in a function that defers a function literal
// calling recover: a send after the close panics there, on purpose, and is recovered
// (go-redis's StickyConnPool.Put and Remove).
func (g *guards) recovers(sends []op) bool {
	return anyLink(sends, func(s op) bool { return g.defersRecover(s.fn) })
}

func (g *guards) defersRecover(f *model.Func) bool {
	found := false
	for c := range f.Cursor.Preorder((*ast.DeferStmt)(nil)) {
		if !f.Encloses(c) {
			continue
		}
		lit, ok := ast.Unparen(c.Node().(*ast.DeferStmt).Call.Fun).(*ast.FuncLit)
		if !ok {
			continue
		}
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
					if b, ok := g.m.Info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
						found = true
					}
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// held returns the class of a mutex that o's function locks before o, and does not
// unlock between that lock and o (outside deferred calls).
func (g *guards) held(o op) (types.Object, bool) {
	var class types.Object
	for _, l := range g.m.Locks().Of(o.fn) {
		if l.Class == nil || l.Call.Pos() > o.pos {
			continue
		}
		switch {
		case l.Method.Acquires():
			class = l.Class
		case l.Method.Releases() && !l.Deferred && l.Class == class:
			class = nil
		}
	}
	return class, class != nil
}

// flagsOf returns the boolean variables and fields that f reads in the condition of an
// if statement (outside nested literals).
func (g *guards) flagsOf(f *model.Func) map[types.Object]bool {
	if fl, ok := g.flags[f]; ok {
		return fl
	}
	fl := make(map[types.Object]bool)
	for c := range f.Cursor.Preorder((*ast.IfStmt)(nil)) {
		if !f.Encloses(c) {
			continue
		}
		ast.Inspect(c.Node().(*ast.IfStmt).Cond, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok {
				if o := g.boolObj(e); o != nil {
					fl[o] = true
				}
			}
			return true
		})
	}
	g.flags[f] = fl
	return fl
}

// setsOf returns the boolean variables and fields that f assigns true (outside nested
// literals).
func (g *guards) setsOf(f *model.Func) map[types.Object]bool {
	if st, ok := g.sets[f]; ok {
		return st
	}
	st := make(map[types.Object]bool)
	for c := range f.Cursor.Preorder((*ast.AssignStmt)(nil)) {
		as := c.Node().(*ast.AssignStmt)
		if !f.Encloses(c) || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for i, l := range as.Lhs {
			if id, ok := ast.Unparen(as.Rhs[i]).(*ast.Ident); ok && g.m.Info.Uses[id] == types.Universe.Lookup("true") {
				if o := g.boolObj(l); o != nil {
					st[o] = true
				}
			}
		}
	}
	g.sets[f] = st
	return st
}

// boolObj returns the variable or field of boolean type that e names, or nil.
func (g *guards) boolObj(e ast.Expr) types.Object {
	var obj types.Object
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj = g.m.Info.Uses[e]
	case *ast.SelectorExpr:
		if s := g.m.Info.Selections[e]; s != nil && s.Kind() == types.FieldVal {
			obj = s.Obj()
		}
	}
	v, ok := obj.(*types.Var)
	if !ok {
		return nil
	}
	if b, ok := v.Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
		return nil
	}
	return v
}
