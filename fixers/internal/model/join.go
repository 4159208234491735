package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// Waits: what the function that starts a goroutine does to wait for it.

// blockWaits reports whether entering block b waits for s: the body of a select case
// that receives from a channel s sends on or closes, or the body of (or the block after)
// a range over such a channel.
func (s *Spawn) blockWaits(b *cfg.Block, ix *index) bool {
	switch b.Kind {
	case cfg.KindSelectCaseBody:
		cc, ok := b.Stmt.(*ast.CommClause)
		return ok && cc.Comm != nil && s.receivesSignal(cc.Comm)
	case cfg.KindRangeBody:
		rs, ok := b.Stmt.(*ast.RangeStmt)
		return ok && s.signals(rs.X)
	case cfg.KindRangeDone:
		rs, ok := b.Stmt.(*ast.RangeStmt)
		return ok && (s.signals(rs.X) || s.bodyWaits(rs.Body, ix))
	case cfg.KindForDone:
		fs, ok := b.Stmt.(*ast.ForStmt)
		return ok && s.bodyWaits(fs.Body, ix)
	}
	return false
}

// bodyWaits reports whether a statement of a loop's body, outside nested statements,
// waits for s: a fan-in loop, taken to wait once for each goroutine it joins.
func (s *Spawn) bodyWaits(body *ast.BlockStmt, ix *index) bool {
	for _, st := range body.List {
		if _, ok := ix.at[st]; ok && s.waits(st, ix) {
			return true
		}
	}
	return false
}

// waits reports whether node n of the starting function's graph waits for s: a Wait of a
// WaitGroup that s's goroutine calls Done of, a Wait of the errgroup.Group that started
// it, a sync.Cond's Wait, or a receive from a channel s sends on or closes.
// Communications of select cases wait only in their case's body (blockWaits).
func (s *Spawn) waits(n ast.Node, ix *index) bool {
	if ix.comms[n] {
		return false
	}
	if _, ok := n.(*ast.RangeStmt); ok {
		return false
	}
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return false // runs elsewhere, or later
		case *ast.FuncLit:
			// A literal passed to a call (once.Do(func() { <-done })) is taken to run there.
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(s.sh.m.Info, x).(*types.Func); ok {
				switch {
				case IsMethod(fn, "sync", "WaitGroup", "Wait"):
					found = s.done
				case IsMethod(fn, "golang.org/x/sync/errgroup", "Group", "Wait"):
					found = s.Kind == ErrGroupGo
				case IsMethod(fn, "sync", "Cond", "Wait"):
					found = true
				case fn.Name() == "Wait" && fn.Pkg() != nil && (fn.Pkg().Path() == "testing/synctest" || fn.Pkg().Path() == "internal/synctest"):
					found = true // every goroutine of the bubble has exited or is blocked
				default:
					// A function of the package that waits (waitDone(done)).
					if f := s.sh.m.Decl(fn); f != nil && f != s.In && s.helperWaits(f) {
						found = true
					}
				}
			} else if lit := s.sh.closureOf(x.Fun); lit != nil && s.closureWaits(lit, x) {
				found = true // a local helper literal that waits on the channel it is given
			}
		case *ast.UnaryExpr:
			if x.Op == token.ARROW && s.signals(x.X) {
				found = true
			}
		}
		return !found
	})
	return found
}

// receivesSignal reports whether a select case's communication receives from a channel
// s sends on or closes.
func (s *Spawn) receivesSignal(comm ast.Stmt) bool {
	var e ast.Expr
	switch c := comm.(type) {
	case *ast.ExprStmt:
		e = c.X
	case *ast.AssignStmt:
		if len(c.Rhs) == 1 {
			e = c.Rhs[0]
		}
	}
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW && s.signals(u.X)
}

// signals reports whether s's goroutine sends on or closes the channel ch denotes, or
// it is a ctx.Done() channel and the goroutine calls a context's cancel function.
func (s *Spawn) signals(ch ast.Expr) bool {
	c := s.sh.m.Chans().Of(ch)
	return c != nil && (s.sends[c] || (c.Done && s.cancels))
}

// helperWaits reports whether the body of f, a function of the package, waits for s: a
// Wait of a WaitGroup when s calls Done, or a receive from a channel s signals (linked
// through f's parameters); a literal passed to a call inside is taken to run there, go
// and defer statements are not.
func (s *Spawn) helperWaits(f *Func) bool {
	if v, ok := s.helpers[f]; ok {
		return v
	}
	s.helpers[f] = false // recursion
	found := false
	ast.Inspect(f.Body, func(x ast.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return false
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(s.sh.m.Info, x).(*types.Func); ok && IsMethod(fn, "sync", "WaitGroup", "Wait") {
				found = s.done
			}
		case *ast.UnaryExpr:
			found = x.Op == token.ARROW && s.signals(x.X)
		case *ast.RangeStmt:
			found = s.signals(x.X)
		}
		return !found
	})
	s.helpers[f] = found
	return found
}

// closureOf returns the literal that a call's function denotes when it is a local
// variable declared with a function literal (v := func(...) {...}) and never assigned
// again nor its address taken.
func (sh *Shared) closureOf(fun ast.Expr) *Func {
	id, ok := ast.Unparen(fun).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := sh.m.Info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	if sh.closures == nil {
		sh.closures = make(map[*types.Var]*Func)
		var changed []*types.Var
		for cur := range sh.m.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.UnaryExpr)(nil)) {
			switch n := cur.Node().(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE && len(n.Lhs) == 1 && len(n.Rhs) == 1 {
					if lit, ok := n.Rhs[0].(*ast.FuncLit); ok {
						if lid, ok := n.Lhs[0].(*ast.Ident); ok {
							if w, ok := sh.m.Info.Defs[lid].(*types.Var); ok {
								sh.closures[w] = sh.m.FuncOf(lit)
								continue
							}
						}
					}
				}
				for _, lhs := range n.Lhs {
					if lid, ok := lhs.(*ast.Ident); ok {
						if w, ok := sh.m.Info.Uses[lid].(*types.Var); ok {
							changed = append(changed, w)
						}
					}
				}
			case *ast.UnaryExpr:
				if lid, ok := n.X.(*ast.Ident); ok && n.Op == token.AND {
					if w, ok := sh.m.Info.Uses[lid].(*types.Var); ok {
						changed = append(changed, w)
					}
				}
			}
		}
		for _, w := range changed {
			delete(sh.closures, w)
		}
	}
	return sh.closures[v]
}

// closureWaits reports whether the literal lit, called by call, waits for s: it
// receives from a channel s signals (captured, or one of its parameters that call
// passes such a channel), or calls Wait of a WaitGroup when s calls Done.
func (s *Spawn) closureWaits(lit *Func, call *ast.CallExpr) bool {
	params := lit.Sig.Params()
	signalled := make(map[types.Object]bool)
	for i, arg := range call.Args {
		if i < params.Len() && s.signals(arg) {
			signalled[params.At(i)] = true
		}
	}
	found := false
	ast.Inspect(lit.Body, func(x ast.Node) bool {
		if found {
			return false
		}
		var ch ast.Expr
		switch x := x.(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return false
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(s.sh.m.Info, x).(*types.Func); ok && IsMethod(fn, "sync", "WaitGroup", "Wait") {
				found = s.done
			}
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				ch = x.X
			}
		case *ast.RangeStmt:
			ch = x.X
		}
		if ch != nil {
			if id, ok := ast.Unparen(ch).(*ast.Ident); ok && signalled[s.sh.m.Info.Uses[id]] {
				found = true
			} else if s.signals(ch) {
				found = true
			}
		}
		return !found
	})
	return found
}

// isCancelFunc reports whether t is context.CancelFunc or context.CancelCauseFunc.
func isCancelFunc(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" &&
		(n.Obj().Name() == "CancelFunc" || n.Obj().Name() == "CancelCauseFunc")
}
