package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// Awaited reports whether every send on a channel of class c finds its receiver: the
// class is a reply channel of a request-reply protocol, whose requester waits for the
// reply (go-plugin's gRPCBrokerClientImpl.Send):
//
//	ch := make(chan error)
//	s.send <- &sendErr{i: i, ch: ch} // the request carries the reply channel
//	return <-ch                      // and the requester waits for the reply
//
// and the server replies once per request it takes (case se := <-s.send: se.ch <- err).
// It holds when
//
//   - the class does not escape the package, and each make initialises a local variable
//     v of a function F without goto that no function literal refers to, and whose only
//     uses are receives, close, and one keyed composite literal (or its address) that is
//     the value of a send statement: the carrying send;
//   - every path of F from the carrying send (from its case, in a select) to a return
//     receives from v on the way, before the carrying send can run again;
//   - that literal's field is set nowhere else in the package (no other keyed literal,
//     no assignment, no unkeyed literal of its struct type);
//   - every other operation on the class is a send on x.f, the field, where x is a local
//     variable of the sending function that it never assigns after its declaration, and
//     no loop encloses the send that does not also enclose the declaration, and that
//     function has no other send on x.f: one reply per request.
//
// A send on a reply channel then waits only for a requester that is sure to come.
func (cs *Chans) Awaited(c *Chan) bool {
	if v, ok := cs.m.awaited.Load(c); ok {
		return v.(bool)
	}
	ok := cs.awaited(c)
	cs.m.awaited.Store(c, ok)
	return ok
}

func (cs *Chans) awaited(c *Chan) bool {
	m := cs.m
	if c.Done || c.Escapes != "" || len(c.Makes) == 0 {
		return false
	}
	var field *types.Var
	lits := make(map[*ast.KeyValueExpr]bool) // the carrying literals' entries
	makers := make(map[*types.Var]*Func)
	for _, mk := range c.Makes {
		mkCur, ok := m.cursorOf(mk.Call)
		if !ok {
			return false
		}
		F := m.Enclosing(mkCur)
		v, _ := cs.madeInto(mkCur).(*types.Var)
		if F == nil || v == nil || hasGoto(F) || F.captures(v) {
			return false
		}
		send, kv, ok := cs.carrier(F, v)
		if !ok {
			return false
		}
		f, _ := m.Info.Uses[kv.Key.(*ast.Ident)].(*types.Var)
		if f == nil || !f.IsField() || field != nil && f != field {
			return false
		}
		field = f
		lits[kv] = true
		makers[v] = F
		if !cs.waitsAfter(F, v, send) {
			return false
		}
	}
	if !cs.onlySetBy(field, lits) {
		return false
	}
	for _, op := range c.Ops {
		if op.Kind != Send {
			id, isID := ast.Unparen(op.Ch).(*ast.Ident)
			if !isID {
				return false
			}
			v, _ := m.Info.Uses[id].(*types.Var)
			if F, ok := makers[v]; !ok || op.Func != F || op.Kind == Range {
				return false
			}
			continue
		}
		if !cs.oncePerRequest(op, field) {
			return false
		}
	}
	return true
}

// carrier returns the one send statement of F whose value carries v in a keyed
// composite literal (&T{..., f: v}), and that entry, when every other use of v in F is
// its declaration, a receive or close(v).
func (cs *Chans) carrier(F *Func, v *types.Var) (*ast.SendStmt, *ast.KeyValueExpr, bool) {
	info := cs.m.Info
	var send *ast.SendStmt
	var entry *ast.KeyValueExpr
	ok := true
	for cur := range F.Cursor.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		if info.Uses[id] != v {
			continue
		}
		p := cur.Parent()
		switch n := p.Node().(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				continue
			}
		case *ast.CallExpr:
			if isBuiltin(info, n, "close") {
				continue
			}
		case *ast.KeyValueExpr:
			if n.Value == id && entry == nil {
				if s := sentLiteral(p.Parent()); s != nil {
					send, entry = s, n
					continue
				}
			}
		}
		ok = false
		break
	}
	if _, isKey := entryKey(entry); !ok || send == nil || !isKey {
		return nil, nil, false
	}
	return send, entry, true
}

func entryKey(kv *ast.KeyValueExpr) (*ast.Ident, bool) {
	if kv == nil {
		return nil, false
	}
	id, ok := kv.Key.(*ast.Ident)
	return id, ok
}

// sentLiteral returns the send statement whose value is the composite literal at lit
// (or its address).
func sentLiteral(lit inspector.Cursor) *ast.SendStmt {
	if _, ok := lit.Node().(*ast.CompositeLit); !ok {
		return nil
	}
	val, p := lit.Node(), lit.Parent()
	if u, ok := p.Node().(*ast.UnaryExpr); ok && u.Op == token.AND {
		val, p = u, p.Parent()
	}
	if s, ok := p.Node().(*ast.SendStmt); ok && s.Value == val {
		return s
	}
	return nil
}

func isBuiltin(info *types.Info, call *ast.CallExpr, name string) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	_, ok = info.Uses[id].(*types.Builtin)
	return ok
}

// waitsAfter reports whether every path of F's graph from the carrying send to an exit
// receives from v first, without running the send again.
func (cs *Chans) waitsAfter(F *Func, v *types.Var, send *ast.SendStmt) bool {
	info := cs.m.Info
	g := F.CFG()
	comms := F.Comms()
	sendCase := comms[send]
	receives := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.UnaryExpr:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.ARROW && info.Uses[id] == v {
					found = true
				}
			}
			return !found
		})
		return found
	}
	// walk follows b from node i: true when every path from there receives first.
	seen := make(map[*cfg.Block]bool)
	var walk func(b *cfg.Block, i int) bool
	walk = func(b *cfg.Block, i int) bool {
		if i == 0 {
			if seen[b] {
				return true // a cycle without an exit adds no path out
			}
			seen[b] = true
			if cc, ok := b.Stmt.(*ast.CommClause); ok && b.Kind == cfg.KindSelectCaseBody && receives(cc.Comm) {
				return true
			}
		}
		for _, n := range b.Nodes[i:] {
			if n == send {
				return false // the request again, before the reply
			}
			if _, isComm := comms[n]; !isComm && receives(n) {
				return true
			}
		}
		if len(b.Succs) == 0 {
			return !cs.exits(b)
		}
		for _, s := range b.Succs {
			if !walk(s, 0) {
				return false
			}
		}
		return true
	}
	for _, b := range g.Blocks {
		if !b.Live {
			continue
		}
		if sendCase != nil {
			if b.Stmt == sendCase && b.Kind == cfg.KindSelectCaseBody {
				return walk(b, 0) // the case's body runs once the request is taken
			}
			continue
		}
		for i, n := range b.Nodes {
			if n == send {
				return walk(b, i+1)
			}
		}
	}
	return false
}

// exits reports whether a block without successors returns from its function, rather
// than ending in a call that does not return or in a select no case of which is ready.
func (cs *Chans) exits(b *cfg.Block) bool {
	if b.Kind == cfg.KindSelectAfterCase {
		return false
	}
	if len(b.Nodes) > 0 {
		if es, ok := b.Nodes[len(b.Nodes)-1].(*ast.ExprStmt); ok {
			if call, ok := es.X.(*ast.CallExpr); ok && !cs.m.MayReturn(call) {
				return false
			}
		}
	}
	return true
}

// onlySetBy reports whether the field gets values only from the entries lits
// (Model.ValuesOf: no other keyed literal, assignment or unkeyed literal sets it).
func (cs *Chans) onlySetBy(field *types.Var, lits map[*ast.KeyValueExpr]bool) bool {
	values, ok := cs.m.ValuesOf(field)
	if !ok {
		return false
	}
	from := make(map[ast.Expr]bool)
	for kv := range lits {
		from[kv.Value] = true
	}
	for _, v := range values {
		if !from[v] {
			return false
		}
	}
	return true
}

// oncePerRequest reports whether the send op is the one reply to a request: on x.f, x a
// local variable of the sending function, declared there and never assigned again, with
// no loop between its declaration and the send, and no other send on x.f there.
func (cs *Chans) oncePerRequest(op *ChanOp, field *types.Var) bool {
	info := cs.m.Info
	sel, ok := ast.Unparen(op.Ch).(*ast.SelectorExpr)
	if !ok || info.Uses[sel.Sel] != field || op.Func == nil {
		return false
	}
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return false
	}
	x, ok := info.Uses[id].(*types.Var)
	if !ok || !inside(op.Func.Body, x.Pos()) || Assigns(info, op.Func.Body, x) {
		return false
	}
	for p := op.Cursor.Parent(); p.Valid() && p.Node() != op.Func.Node; p = p.Parent() {
		switch p.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if !inside(p.Node(), x.Pos()) {
				return false // the loop sends again for the same request
			}
		case *ast.FuncLit:
			return false
		}
	}
	for _, other := range cs.Ops {
		if other == op || other.Kind != Send || other.Func != op.Func {
			continue
		}
		if s, ok := ast.Unparen(other.Ch).(*ast.SelectorExpr); ok {
			if xid, ok := ast.Unparen(s.X).(*ast.Ident); ok && info.Uses[xid] == x {
				return false
			}
		}
	}
	return true
}
