package closerecv

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// withdrawn reports whether every sender sends only while an entry of a map is present,
// and the closer deletes that entry, under the same mutex, before the close:
//
//	replies[subj] = func(...) { s.mu.Lock(); defer s.mu.Unlock(); if _, ok := replies[subj]; ok { respC <- v } }
//	...
//	s.mu.Lock(); delete(replies, subj); s.mu.Unlock(); close(respC)
//
// A sender that takes the mutex after the delete finds no entry and does not send; one
// that took it before has sent when it releases it, before the delete. The conditions:
//
//   - each send is in the body of an if statement whose init looks the key up with
//     comma-ok (_, ok := m[k]) and whose condition is ok (or ok && ...); a mutex (the
//     same path: s.mu of the same s) is held on every path to the lookup (the model's
//     must dataflow), and no release of it lies between the lookup and the send;
//   - m and k are local variables of the closing function, which it does not assign
//     after their declaration (each run has its own key; the map may be shared);
//   - the closing function deletes m[k], in a statement of its own of a block that holds
//     the close after it (every path to the close passes the delete), with that mutex
//     held there;
//   - nothing in the package stores m[k] but the closing function, before the delete.
//
// It assumes that two runs of the closing function do not use equal keys at once
// (nats-server's accounts.go fetch: the key is a fresh reply inbox).
func withdrawn(m *model.Model, cl op, sends []op) bool {
	if len(sends) == 0 {
		return false
	}
	info := m.Info
	sh := m.Shared()
	var mapV, keyV *types.Var
	var key string // the mutex's path
	for _, s := range sends {
		look, mv, kv := lookupGuard(info, s)
		if !look.Valid() || mapV != nil && (mv != mapV || kv != keyV) {
			return false
		}
		mapV, keyV = mv, kv
		k := heldKey(sh.HeldAt(s.fn, look), key)
		if k == "" || releasedBetween(m, s.fn, k, look.Node().Pos(), s.pos) {
			return false
		}
		key = k
	}
	if !localUnassigned(info, cl.fn, mapV) || !localUnassigned(info, cl.fn, keyV) {
		return false
	}
	del := deletedBefore(m, cl, mapV, keyV)
	if !del.Valid() || heldKey(sh.HeldAt(cl.fn, del), key) == "" {
		return false
	}
	return !storedElsewhere(m, cl.fn, mapV, keyV, del.Node().Pos())
}

// lookupGuard returns the init of the if statement around send s, in s's function, that
// tests whether m[k] is present (if _, ok := m[k]; ok { ... s ... }), with m and k.
func lookupGuard(info *types.Info, s op) (inspector.Cursor, *types.Var, *types.Var) {
	for c, p := s.cur, s.cur.Parent(); p.Valid() && p != s.fn.Cursor; c, p = p, p.Parent() {
		is, ok := p.Node().(*ast.IfStmt)
		if !ok || c.ParentEdgeKind() != edge.IfStmt_Body {
			continue
		}
		as, ok := is.Init.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			continue
		}
		ix, ok := ast.Unparen(as.Rhs[0]).(*ast.IndexExpr)
		if !ok {
			continue
		}
		if _, isMap := info.TypeOf(ix.X).Underlying().(*types.Map); !isMap {
			continue
		}
		okID, _ := as.Lhs[1].(*ast.Ident)
		if okID == nil || info.Defs[okID] == nil || !testsOK(info, is.Cond, info.Defs[okID]) {
			continue
		}
		mv, kv := identVar(info, ix.X), identVar(info, ix.Index)
		init, found := p.FindNode(is.Init)
		if mv == nil || kv == nil || !found {
			return inspector.Cursor{}, nil, nil
		}
		return init, mv, kv
	}
	return inspector.Cursor{}, nil, nil
}

// testsOK reports whether cond is ok, or ok && ...
func testsOK(info *types.Info, cond ast.Expr, ok types.Object) bool {
	cond = ast.Unparen(cond)
	if b, isB := cond.(*ast.BinaryExpr); isB && b.Op == token.LAND {
		cond = ast.Unparen(b.X)
	}
	id, isID := cond.(*ast.Ident)
	return isID && info.Uses[id] == ok
}

func identVar(info *types.Info, e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := info.Uses[id].(*types.Var)
	return v
}

// heldKey returns the key of a mutex (not a channel lock) held for writing in held, the
// one of key when key is not empty, or "".
func heldKey(held []model.HeldLock, key string) string {
	for _, h := range held {
		if h.Chan || h.Read || key != "" && h.Key != key {
			continue
		}
		return h.Key
	}
	return ""
}

// releasedBetween reports whether f releases the mutex of key (outside deferred calls)
// between positions from and to.
func releasedBetween(m *model.Model, f *model.Func, key string, from, to token.Pos) bool {
	for _, l := range m.Locks().Of(f) {
		if l.Key == key && l.Method.Releases() && !l.Deferred && from < l.Call.Pos() && l.Call.Pos() < to {
			return true
		}
	}
	return false
}

// localUnassigned reports whether v is a local variable of f that f (its literals
// included) does not assign after its declaration.
func localUnassigned(info *types.Info, f *model.Func, v *types.Var) bool {
	return v != nil && !v.IsField() && f.Body.Pos() <= v.Pos() && v.Pos() < f.Body.End() && !model.Assigns(info, f.Body, v)
}

// deletedBefore returns the cursor of delete(m, k), a statement of its own of cl's
// function before the close in a block that holds the close, or a zero cursor.
func deletedBefore(mod *model.Model, cl op, m, k *types.Var) inspector.Cursor {
	info := mod.Info
	closeStmt := cl.cur.Parent()
	if _, ok := closeStmt.Node().(*ast.ExprStmt); !ok {
		return inspector.Cursor{} // a deferred close runs at the end, wherever the delete is
	}
	for c := range cl.fn.Cursor.Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		if call.Pos() >= cl.pos || !cl.fn.Encloses(c) || len(call.Args) != 2 {
			continue
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok || info.Uses[id] != types.Universe.Lookup("delete") {
			continue
		}
		if identVar(info, call.Args[0]) != m || identVar(info, call.Args[1]) != k {
			continue
		}
		stmt := c.Parent()
		if _, ok := stmt.Node().(*ast.ExprStmt); !ok {
			continue
		}
		switch stmt.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body:
		default:
			continue
		}
		block := stmt.Parent().Node()
		if block.Pos() <= closeStmt.Node().Pos() && closeStmt.Node().End() <= block.End() {
			return stmt
		}
	}
	return inspector.Cursor{}
}

// storedElsewhere reports whether an assignment of the package stores m[k] other than
// one of f before position before.
func storedElsewhere(mod *model.Model, f *model.Func, m, k *types.Var, before token.Pos) bool {
	info := mod.Info
	for c := range mod.Inspector.Root().Preorder((*ast.AssignStmt)(nil)) {
		for _, l := range c.Node().(*ast.AssignStmt).Lhs {
			ix, ok := ast.Unparen(l).(*ast.IndexExpr)
			if !ok || identVar(info, ix.X) != m || identVar(info, ix.Index) != k {
				continue
			}
			if mod.Enclosing(c) != f || l.Pos() >= before {
				return true
			}
		}
	}
	return false
}
