package closerecv

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// receivedBefore reports whether the function of the close cl receives from the same
// channel in a statement of its own (not a select case, not in a loop) of a block that
// contains the close, before it: every path to the close has received (go-redis's
// commands_test: `<-started; ...; close(started)` after the goroutine's one send).
func receivedBefore(ops []op, cl op) bool { return receivedFromBefore(ops, cl.obj, cl) }

// receivedFromBefore is receivedBefore for a receive from the channel obj.
func receivedFromBefore(ops []op, obj *types.Var, cl op) bool {
	closeStmt := cl.cur.Parent()
	for _, o := range ops {
		if o.obj != obj || o.kind != opRecv || o.fn != cl.fn || o.inLoop || o.pos > cl.pos {
			continue
		}
		if _, ok := o.cur.Node().(*ast.UnaryExpr); !ok {
			continue
		}
		stmt := recvStmt(o.cur)
		if !stmt.Valid() {
			continue
		}
		switch stmt.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body:
		default:
			continue // a select case, an if or switch header...
		}
		block := stmt.Parent().Node()
		if block.Pos() <= closeStmt.Node().Pos() && closeStmt.Node().End() <= block.End() && stmt.Node().End() <= cl.pos {
			return true
		}
	}
	return false
}

// onceGoroutine reports whether the send s is in a function literal that one go
// statement, outside loops, starts: it runs once. A send on a parameter, by the
// goroutine of a go statement that passes the channel, runs once when neither the send
// nor a call of its chain is in a loop.
func onceGoroutine(s op) bool {
	if s.spawn != nil {
		return !s.inLoop
	}
	f := s.fn
	return f.Obj == nil && len(f.Started) == 1 && !f.Started[0].InLoop
}

// recvStmt returns the statement whose whole value is the receive at c (<-ch, v := <-ch,
// v, ok := <-ch), or a zero cursor.
func recvStmt(c inspector.Cursor) inspector.Cursor {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	switch c.ParentEdgeKind() {
	case edge.ExprStmt_X:
		return c.Parent()
	case edge.AssignStmt_Rhs:
		if as := c.Parent().Node().(*ast.AssignStmt); len(as.Rhs) == 1 && (as.Tok == token.DEFINE || as.Tok == token.ASSIGN) {
			return c.Parent()
		}
	}
	return inspector.Cursor{}
}

// waitsInGoroutine reports whether a goroutine that f starts (a literal) calls Wait of a
// sync.WaitGroup or an errgroup.Group: the usual `go func() { wg.Wait(); close(done) }()`
// that f waits on before it closes (go-redis's autopipeline tests).
func waitsInGoroutine(info *types.Info, f *model.Func) bool {
	for c := range f.Cursor.Preorder((*ast.GoStmt)(nil)) {
		if !f.Encloses(c) {
			continue
		}
		if lit, ok := ast.Unparen(c.Node().(*ast.GoStmt).Call.Fun).(*ast.FuncLit); ok {
			if litCur, ok := c.FindNode(lit); ok && waits(info, litCur) {
				return true
			}
		}
	}
	return false
}

// sentBeforeCloser reports whether every send happens before the function that closes
// exists: each is a statement of its own, outside loops, of a function that contains the
// closing literal, in a block that holds the literal after it. The send is over before
// the literal is made, so no close can come first (temporal's activity test fills its
// one-slot channel, then installs the mock callback that drains and closes it).
func sentBeforeCloser(cl op, sends []op) bool {
	for _, s := range sends {
		if s.inLoop {
			return false
		}
		var lit *model.Func
		for f := cl.fn; f != nil; f = f.Outer {
			if f.Outer == s.fn {
				lit = f
				break
			}
		}
		if lit == nil {
			return false
		}
		stmt := s.cur
		switch stmt.Node().(type) {
		case *ast.SendStmt:
		case *ast.CallExpr:
			// A call that sends on its parameter, in s's function: over when it returns.
			if s.origin == nil || s.spawn != nil || s.fn != s.act {
				return false
			}
			stmt = stmt.Parent()
			if _, ok := stmt.Node().(*ast.ExprStmt); !ok {
				return false
			}
		default:
			return false
		}
		switch stmt.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body:
		default:
			return false
		}
		block := stmt.Parent().Node()
		if lit.Node.Pos() < block.Pos() || block.End() < lit.Node.End() || lit.Node.Pos() < stmt.Node().End() {
			return false
		}
	}
	return true
}

// joinedBefore reports whether every send is in a goroutine, started once, that closes a
// done channel of its own when it returns (defer close(stopped), a statement of its
// body), and the closing function receives from that channel before the close, as
// receivedBefore does, and nothing else sends on it or closes it: every sender has
// returned (a tailer cancels its reader, waits for <-stopped, then closes lines).
func joinedBefore(info *types.Info, cl op, sends []op, byObj map[*types.Var][]op) bool {
	for _, s := range sends {
		if !onceGoroutine(s) {
			return false
		}
		d := deferredClose(info, s.fn.Body)
		if d == nil || !receivedFromBefore(byObj[d], d, cl) {
			return false
		}
		for _, o := range byObj[d] {
			if o.kind == opSend || o.kind == opClose && o.fn != s.fn {
				return false // something else may end the wait
			}
		}
	}
	return len(sends) > 0
}

// deferredClose returns the channel variable that a statement `defer close(d)` of body
// closes, or nil.
func deferredClose(info *types.Info, body *ast.BlockStmt) *types.Var {
	for _, st := range body.List {
		ds, ok := st.(*ast.DeferStmt)
		if !ok || len(ds.Call.Args) != 1 {
			continue
		}
		if id, ok := ast.Unparen(ds.Call.Fun).(*ast.Ident); !ok || id.Name != "close" {
			continue
		} else if _, ok := info.Uses[id].(*types.Builtin); !ok {
			continue
		}
		if id, ok := ast.Unparen(ds.Call.Args[0]).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				return v
			}
		}
	}
	return nil
}
