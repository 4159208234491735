package singlesend

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// senders classifies every use of the channel variable in the function that makes it,
// and returns the goroutines that send on it. It returns none when the channel escapes:
// it is used otherwise than received from outside the goroutines (sent on, closed,
// ranged over, passed, stored, reassigned...), used by a function literal that is not a
// goroutine of the function, or sent on in a select by a goroutine (which may give up).
// Two escapes are followed: the channel passed to a function of the package that only
// receives from it (recvCalls), and the channel returned to the callers (returned).
func (ck *check) senders() []*sender {
	info, obj, fn := ck.info, ck.obj, ck.fn
	bodyCur := fn.Cursor.Child(fn.Body)
	senders := make(map[*ast.FuncLit]*sender)
	var order []*sender
	getSender := func(lit *ast.FuncLit, g *ast.GoStmt) *sender {
		s := senders[lit]
		if s == nil {
			s = &sender{stmt: g, lit: lit}
			senders[lit] = s
			order = append(order, s)
		}
		return s
	}
	aliases := make(map[*types.Var]*ast.FuncLit) // literal parameter -> its literal
	// First pass: channel passed as an argument to a go'd literal.
	for c := range bodyCur.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if info.Uses[id] != obj {
			continue
		}
		if g, lit, idx, ok := goLitArg(c); ok && ck.m.Enclosing(c) == fn {
			if lit.Type.Params == nil || idx >= countParams(lit.Type.Params) || isVariadic(lit) {
				return nil
			}
			p := paramAt(info, lit, idx)
			if p == nil {
				return nil
			}
			aliases[p] = lit
			getSender(lit, g).alias = p
		}
	}
	escapes := false
	for c := range bodyCur.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		used := info.Uses[id]
		var v *types.Var
		if used == obj {
			v = obj
		} else if p, ok := used.(*types.Var); ok && aliases[p] != nil {
			v = p
		} else {
			continue
		}
		owner := ck.m.Enclosing(c)
		if v == obj && owner == fn {
			if _, _, _, ok := goLitArg(c); ok {
				continue // handled above
			}
		}
		if owner == fn {
			if v != obj {
				escapes = true
				continue
			}
			if isRecv(c) {
				continue
			}
			if rc, ok := ck.receivingCall(c); ok && ck.recvCalls[rc.call] == nil {
				ck.recvCalls[rc.call] = rc // received by a function of the package
				continue
			}
			if ck.returnedAt(c) {
				ck.returned = true // received by the callers
				continue
			}
			escapes = true // sent on, closed, ranged over, passed, stored, reassigned...
			continue
		}
		// Inside a function literal: find the outermost literal below fn.
		outer := owner
		for outer.Outer != fn {
			outer = outer.Outer
		}
		lit := outer.Node.(*ast.FuncLit)
		g := model.GoStmtOf(outer.Cursor)
		if g == nil {
			escapes = true // used in a function literal that is not a goroutine of fn
			continue
		}
		if v != obj && aliases[v] != lit {
			escapes = true
			continue
		}
		s := getSender(lit, g)
		if owner != outer {
			// A use in a function nested in the goroutine.
			if _, ok := sendOf(c); ok {
				if s.refusal == "" {
					s.refusal = "the goroutine sends from a nested function"
				}
				continue
			}
			escapes = true
			continue
		}
		if send, ok := sendOf(c); ok {
			if sendCursor(c).ParentEdgeKind() == edge.CommClause_Comm {
				s.silently = true // a select send: the goroutine may give up
				continue
			}
			s.sends = append(s.sends, send)
			continue
		}
		if cl, ok := closeOf(info, c); ok {
			s.closes = append(s.closes, cl)
			continue
		}
		escapes = true
	}
	if escapes || len(order) == 0 {
		return nil
	}
	var active []*sender
	for _, s := range order {
		if s.silently {
			return nil
		}
		if len(s.sends) == 0 && s.refusal == "" {
			continue // captures the channel without using it
		}
		active = append(active, s)
	}
	return active
}

// goLitArg reports whether the identifier at c is directly an argument of the call of a
// go statement whose function is a literal, and which argument it is.
func goLitArg(c inspector.Cursor) (*ast.GoStmt, *ast.FuncLit, int, bool) {
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return nil, nil, 0, false
	}
	callCur := c.Parent()
	if callCur.ParentEdgeKind() != edge.GoStmt_Call {
		return nil, nil, 0, false
	}
	call := callCur.Node().(*ast.CallExpr)
	lit, ok := call.Fun.(*ast.FuncLit)
	if !ok {
		return nil, nil, 0, false
	}
	return callCur.Parent().Node().(*ast.GoStmt), lit, c.ParentEdgeIndex(), true
}

func countParams(fl *ast.FieldList) int {
	n := 0
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			n++
		} else {
			n += len(f.Names)
		}
	}
	return n
}

func isVariadic(lit *ast.FuncLit) bool {
	l := lit.Type.Params.List
	if len(l) == 0 {
		return false
	}
	_, ok := l[len(l)-1].Type.(*ast.Ellipsis)
	return ok
}

func paramAt(info *types.Info, lit *ast.FuncLit, idx int) *types.Var {
	i := 0
	for _, f := range lit.Type.Params.List {
		if len(f.Names) == 0 {
			if i == idx {
				return nil // unnamed parameter: the channel is unused in the literal
			}
			i++
			continue
		}
		for _, n := range f.Names {
			if i == idx {
				if n.Name == "_" {
					return nil
				}
				v, _ := info.Defs[n].(*types.Var)
				return v
			}
			i++
		}
	}
	return nil
}

// isRecv reports whether the identifier at c is the operand of a receive <-x.
func isRecv(c inspector.Cursor) bool {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.UnaryExpr_X {
		return false
	}
	return c.Parent().Node().(*ast.UnaryExpr).Op == token.ARROW
}

// sendOf returns the send statement whose channel is the identifier at c.
func sendOf(c inspector.Cursor) (*ast.SendStmt, bool) {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.SendStmt_Chan {
		return nil, false
	}
	return c.Parent().Node().(*ast.SendStmt), true
}

// sendCursor returns the cursor of the send statement of sendOf(c).
func sendCursor(c inspector.Cursor) inspector.Cursor {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	return c.Parent()
}

// closeOf returns the close(x) call whose argument is the identifier at c.
func closeOf(info *types.Info, c inspector.Cursor) (*ast.CallExpr, bool) {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return nil, false
	}
	call := c.Parent().Node().(*ast.CallExpr)
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil, false
	}
	if b, ok := info.Uses[id].(*types.Builtin); !ok || b.Name() != "close" {
		return nil, false
	}
	return call, true
}

// isTopLevelDeferClose reports whether cl is `defer close(ch)` directly in lit's body.
func isTopLevelDeferClose(lit *ast.FuncLit, cl *ast.CallExpr) bool {
	for _, st := range lit.Body.List {
		if d, ok := st.(*ast.DeferStmt); ok && d.Call == cl {
			return true
		}
	}
	return false
}
