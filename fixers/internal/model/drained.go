package model

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ast/edge"
)

// Drained reports whether every receive of class c is a range loop that only ends when
// the channel is closed: a for v := range ch whose body has no return, no break or goto
// out of the loop, no runtime.Goexit (t.Fatal) or call that never returns (a panic or an
// exit of the process ends the program, not only the loop), and no channel operation
// (that could block it), and the channel does not escape the package. A send on such a channel waits
// only as long as the body takes: its receiver never leaves before the channel is closed.
//
// A channel is drained too when one of its receivers is such a range loop in a goroutine
// that the function making the channel starts from a deferred function literal: while
// the function runs it receives itself (a select on the channel and a timeout, say), and
// once it has returned the goroutine reads until the channel is closed (hashicorp/
// go-plugin's Client.Start: "after we exit we read the lines from stdout forever so they
// don't block").
func (cs *Chans) Drained(c *Chan) bool {
	if c.Done || c.Escapes != "" {
		return false
	}
	if cs.drainedOnExit(c) {
		return true
	}
	ranges := 0
	for _, op := range c.Ops {
		switch op.Kind {
		case Recv:
			return false
		case Range:
			ranges++
			if !cs.drains(op) {
				return false
			}
		}
	}
	return ranges > 0
}

// drainedOnExit reports whether a range loop that drains c runs in a goroutine started
// by a literal that the function making c's one channel defers.
func (cs *Chans) drainedOnExit(c *Chan) bool {
	if len(c.Makes) != 1 {
		return false
	}
	mkCur, ok := cs.m.cursorOf(c.Makes[0].Call)
	if !ok {
		return false
	}
	F := cs.m.Enclosing(mkCur)
	for _, op := range c.Ops {
		if op.Kind != Range || op.Func == nil || len(op.Func.Started) != 1 || !cs.drains(op) {
			continue
		}
		d := op.Func.Started[0].In // the literal that starts the goroutine
		if d == nil || d.Obj != nil || d.Outer != F || F == nil {
			continue
		}
		if call, ok := d.Cursor.Parent().Node().(*ast.CallExpr); ok && d.Cursor.ParentEdgeKind() == edge.CallExpr_Fun {
			if _, ok := d.Cursor.Parent().Parent().Node().(*ast.DeferStmt); ok && call.Fun == d.Node {
				return true
			}
		}
	}
	return false
}

// drains reports whether the range loop op only ends when its channel is closed.
func (cs *Chans) drains(op *ChanOp) bool {
	loop := op.Node.(*ast.RangeStmt)
	var own string
	if ls, ok := op.Cursor.Parent().Node().(*ast.LabeledStmt); ok {
		own = ls.Label.Name
	}
	ok := true
	depth := 0 // loops, switches and selects inside the body, which an unlabeled break leaves
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt, *ast.SendStmt, *ast.SelectStmt:
			ok = false
		case *ast.UnaryExpr:
			ok = n.Op != token.ARROW
		case *ast.RangeStmt:
			if isChan(cs.m.Info.TypeOf(n.X)) {
				ok = false
			}
		case *ast.ExprStmt:
			if call, isCall := n.X.(*ast.CallExpr); isCall {
				// A panic (an invariant check: "unexpected type") or an exit of the process
				// ends the program, not only the loop; a Goexit (t.Fatal) or a call that never
				// returns leaves the senders blocked.
				switch cs.m.Exit(call) {
				case Goexit, Never:
					ok = false
				}
			}
		case *ast.BranchStmt:
			switch n.Tok {
			case token.GOTO:
				ok = false
			case token.BREAK:
				ok = n.Label == nil && depth > 0 || n.Label != nil && n.Label.Name != own && DeclaresLabel(loop.Body, n.Label.Name)
			case token.CONTINUE:
				ok = n.Label == nil || n.Label.Name == own || DeclaresLabel(loop.Body, n.Label.Name)
			}
		}
		if !ok {
			return false
		}
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			depth++
			ast.Inspect(StmtBody(n), visit)
			depth--
			return false
		}
		return true
	}
	ast.Inspect(loop.Body, visit)
	return ok
}

// DeclaresLabel reports whether body declares the label name.
func DeclaresLabel(body ast.Node, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok && ls.Label.Name == name {
			found = true
		}
		return !found
	})
	return found
}
