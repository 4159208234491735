package unboundedgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A start is a goroutine start: a go statement, or a call of a Go method.
type start struct {
	cur  inspector.Cursor
	fn   ast.Expr   // the function the goroutine runs
	args []ast.Expr // the arguments of a go statement
}

// A finding is why a loop starts goroutines without a bound the code controls.
type finding struct {
	msg   string
	at    ast.Node // the input, or the limit
	note  string
	input bool         // the items come from an input (a channel, a stream), not from a collection
	src   ast.Node     // for inputs: the receive or call that yields an item, which does not throttle
	limit types.Object // for a collection: the declared limit that the function ignores
}

// throttled reports whether the loop body limits the rate of starts: for a collection,
// any channel operation or Wait/Acquire (throttles); for an input, a send (a semaphore
// acquire), Wait/Acquire, or a receive whose value is dropped (a token taken), other
// than the one that yields the item.
func (f finding) throttled(c *checker, body *ast.BlockStmt) bool {
	if !f.input {
		return c.throttles(body)
	}
	found := false
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		if found || n == f.src {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			return false
		case *ast.SelectStmt:
			// A send as a case of a select that has no default waits, as a plain send
			// does, until the token is taken or another case ends the wait:
			// select { case sem <- struct{}{}: case <-ctx.Done(): return }.
			if !slices.ContainsFunc(n.Body.List, func(s ast.Stmt) bool { return s.(*ast.CommClause).Comm == nil }) &&
				slices.ContainsFunc(n.Body.List, func(s ast.Stmt) bool { _, ok := s.(*ast.CommClause).Comm.(*ast.SendStmt); return ok }) {
				found = true
			}
		case *ast.CommClause:
			// The comm of a select case multiplexes inputs; its body may throttle.
			for _, s := range n.Body {
				ast.Inspect(s, visit)
			}
			return false
		case *ast.SendStmt:
			found = true
		case *ast.ExprStmt:
			if u, ok := ast.Unparen(n.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW && u != f.src && !c.isDone(u.X) {
				found = true
			}
		case *ast.CallExpr:
			found = c.isBlockingSync(n)
		}
		return !found
	}
	ast.Inspect(body, visit)
	return found
}

// isDone reports whether x is a call of the Done method of a context.
func (c *checker) isDone(x ast.Expr) bool {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	return ok && model.IsContextMethod(fn, "Done")
}

const inputNote = "input whose size the code does not control"

// channelInput is the finding of a goroutine started per value received from ch, unless
// the goroutine sends back on ch (a token bucket).
func (c *checker) channelInput(g *start, ch ast.Expr, src ast.Node) finding {
	if c.isDone(ch) || c.sendsOn(g.fn, ch) {
		return finding{}
	}
	return finding{
		msg:   "goroutine started for every value received from " + types.ExprString(ch) + " with no limit on how many run at once",
		at:    ch,
		note:  inputNote,
		input: true,
		src:   src,
	}
}

// requestInput is the finding of a goroutine started in a loop without condition (or
// scanning a bufio.Scanner) for an item it receives or reads in the iteration: a value
// received from a channel, or the result of a call of another package or of a function
// value that returns an item and an error (l.Accept(), stream.Recv(),
// conn.ReadRequest()), which the goroutine is given or captures.
func (c *checker) requestInput(g *start, fs *ast.ForStmt) finding {
	if fs.Cond != nil {
		call := ast.Unparen(fs.Cond).(*ast.CallExpr)
		return finding{
			msg:   "goroutine started for every result of " + types.ExprString(call.Fun) + "() with no limit on how many run at once",
			at:    call,
			note:  inputNote,
			input: true,
			src:   call,
		}
	}
	uses := c.usedBy(g)
	info := c.pass.TypesInfo
	// The items read in the iteration, and the variables computed from them
	// (c := srv.newConn(rw)), by the receive or call that reads them.
	type src struct {
		n  ast.Node
		ch ast.Expr
	}
	items := make(map[types.Object]src)
	itemOf := func(e ast.Expr) (src, bool) {
		var s src
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if it, ok := items[info.Uses[id]]; ok {
					s, found = it, true
				}
			}
			return !found
		})
		return s, found
	}
	var find finding
	ast.Inspect(fs.Body, func(n ast.Node) bool {
		if find.msg != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt, *ast.ExprStmt:
			if n != g.cur.Node() && (g.cur.Parent().Node() != n) {
				return true
			}
			for _, a := range g.args {
				if s, ch := c.source(a); s != nil {
					find = c.inputOf(g, s, ch)
					return false
				}
			}
			// The earliest read of the items the goroutine uses: the first input of the
			// iteration, the same on every run (not the map's order).
			var first *src
			for v := range uses {
				if it, ok := items[v]; ok && (first == nil || it.n.Pos() < first.n.Pos()) {
					first = &it
				}
			}
			if first != nil {
				find = c.inputOf(g, first.n, first.ch)
			}
			return false
		case *ast.AssignStmt:
			var it src
			ok := false
			if len(n.Rhs) == 1 {
				if s, ch := c.source(n.Rhs[0]); s != nil {
					it, ok = src{s, ch}, true
				}
			}
			if !ok {
				for _, r := range n.Rhs {
					if it, ok = itemOf(r); ok {
						break
					}
				}
			}
			if !ok {
				return true
			}
			for _, l := range n.Lhs {
				if id, isID := l.(*ast.Ident); isID && id.Name != "_" {
					if o := info.ObjectOf(id); o != nil {
						if _, isErr := o.Type().Underlying().(*types.Interface); isErr && types.Identical(o.Type(), types.Universe.Lookup("error").Type()) {
							continue
						}
						items[o] = it
					}
				}
			}
		}
		return true
	})
	return find
}

func (c *checker) inputOf(g *start, src ast.Node, ch ast.Expr) finding {
	if ch != nil {
		return c.channelInput(g, ch, src)
	}
	call := src.(*ast.CallExpr)
	return finding{
		msg:   "goroutine started for every result of " + types.ExprString(call.Fun) + "() with no limit on how many run at once",
		at:    call,
		note:  inputNote,
		input: true,
		src:   call,
	}
}

// source returns the receive (and its channel) or the call that e reads an item with:
// a receive, or a call of a function or method that the package does not declare (of
// another package, an interface method, a function value), whose last result is an error
// and that has another.
func (c *checker) source(e ast.Expr) (ast.Node, ast.Expr) {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.ARROW {
			return e, e.X
		}
	case *ast.CallExpr:
		info := c.pass.TypesInfo
		if tv, ok := info.Types[e.Fun]; !ok || tv.IsType() || tv.IsBuiltin() {
			return nil, nil
		}
		if fn, ok := typeutil.Callee(info, e).(*types.Func); ok && c.m.Decl(fn) != nil {
			return nil, nil // the package's own: it may well control the size
		}
		sig, ok := info.TypeOf(e.Fun).Underlying().(*types.Signature)
		if !ok || sig.Results().Len() < 2 {
			return nil, nil
		}
		last := sig.Results().At(sig.Results().Len() - 1).Type()
		if types.Identical(last, types.Universe.Lookup("error").Type()) {
			return e, nil
		}
	}
	return nil, nil
}

// usedBy returns the variables that the goroutine is given (arguments of the go
// statement) or captures (the literal it runs refers to them).
func (c *checker) usedBy(g *start) map[types.Object]bool {
	info := c.pass.TypesInfo
	uses := make(map[types.Object]bool)
	add := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok {
					uses[v] = true
				}
			}
			return true
		})
	}
	for _, a := range g.args {
		add(a)
	}
	add(g.fn)
	return uses
}

// streamCond reports whether a loop condition reads the next item of a stream: a call of
// (*bufio.Scanner).Scan.
func (c *checker) streamCond(cond ast.Expr) bool {
	call, ok := ast.Unparen(cond).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "bufio" && fn.Name() == "Scan" && fn.Signature().Recv() != nil
}

// sendsOn reports whether the function a goroutine runs (a literal) sends on ch: it
// hands a token back.
func (c *checker) sendsOn(fn ast.Expr, ch ast.Expr) bool {
	lit, ok := ast.Unparen(fn).(*ast.FuncLit)
	if !ok {
		return false
	}
	want := chanObj(c.pass.TypesInfo, ch)
	if want == nil {
		return false
	}
	found := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if s, ok := n.(*ast.SendStmt); ok && chanObj(c.pass.TypesInfo, s.Chan) == want {
			found = true
		}
		return !found
	})
	return found
}

func chanObj(info *types.Info, x ast.Expr) types.Object {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return info.Uses[x]
	case *ast.SelectorExpr:
		return info.Uses[x.Sel]
	}
	return nil
}
