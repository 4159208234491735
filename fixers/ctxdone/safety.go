package ctxdone

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// settle refuses the units whose fix is not safe, until no refusal changes what the
// remaining fixes protect: a fix is safe when no operation it protects or skips has a
// peer that would then block forever, and returning early skips no release.
func (c *checker) settle() {
	planned := make(map[*model.ChanOp]bool)
	for _, u := range c.units {
		if u.refused == "" {
			for _, op := range u.ops {
				planned[op] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, u := range c.units {
			if u.refused != "" {
				continue
			}
			if pos, why := c.unsafe(u, planned); why != "" {
				if c.consumed(u, why) {
					u.quiet = true // not a leak: dropped rather than reported without a fix
				}
				c.refuse(u, pos, why)
				for _, op := range u.ops {
					delete(planned, op)
				}
				changed = true
			}
		}
	}
}

// unsafe returns why the fix of u could change more than the leak.
func (c *checker) unsafe(u *unit, planned map[*model.ChanOp]bool) (token.Pos, string) {
	c.ownClose = u.owned
	defer func() { c.ownClose = nil }()
	for _, op := range u.ops {
		if q := c.badPeer(op, planned); q != nil {
			return q.Node.Pos(), c.blockedMsg(q)
		}
		if s, ok := op.Node.(*ast.SendStmt); ok && c.carriesError(c.info.TypeOf(s.Value)) {
			return s.Pos(), "the value sent may be the error that ends the stream: returning when the context is done would drop it"
		}
	}
	if pos, what := c.errorSink(u.fn); what != "" {
		return pos, "the goroutine reports how it ended " + what + ": returning when the context is done would not"
	}
	if pos, what := c.deferredSend(u); what != "" {
		return pos, "a deferred send on " + what + " would block in its place"
	}
	for _, it := range u.items {
		following, loops := c.after(it.cur, u)
		if h := c.hazardIn(following, loops); h != nil {
			return h.pos, "returning early would skip " + h.what
		}
		for _, region := range append(following, loops...) {
			for _, op := range c.cs.Ops {
				if op.Kind == model.Close || op.Func != u.fn || op.Node.Pos() < region.Pos() || op.Node.End() > region.End() {
					continue
				}
				if planned[op] || op.Select != nil && c.selectEscapes(op.Select) {
					continue
				}
				if q := c.badPeer(op, planned); q != nil {
					return q.Node.Pos(), c.blockedMsg(q)
				}
			}
		}
	}
	return token.NoPos, ""
}

func (c *checker) blockedMsg(q *model.ChanOp) string {
	what := "receive from"
	if q.Kind == model.Send {
		what = "send on"
	}
	return fmt.Sprintf("this %s %s would block forever after an early return", what, types.ExprString(q.Ch))
}

// badPeer returns an operation of the package on the channel of p, in the other
// direction, that waits unconditionally for p: not in a select that can proceed
// otherwise, not a range loop (for a send), not protected by a planned fix.
func (c *checker) badPeer(p *model.ChanOp, planned map[*model.ChanOp]bool) *model.ChanOp {
	ch := c.cs.Of(p.Ch)
	if ch == nil || ch.Done || ch == c.ownClose {
		// An abandoned producer's channel: its receives are the spawner's, which has
		// returned when the done channel is closed.
		return nil
	}
	send := p.Kind == model.Send
	for _, q := range ch.Ops {
		if q.Kind == model.Close || (q.Kind == model.Send) == send || q == p {
			continue
		}
		if !p.Test && q.Test {
			continue // not visible when analysing the package without its tests
		}
		if planned[q] || q.Select != nil && c.selectEscapes(q.Select) || send && q.Kind == model.Range {
			continue
		}
		return q
	}
	return nil
}

// after returns the statements that run after stmt on the way out of the unit
// (following) and the loop bodies that would run again (loops): the code an early
// return at stmt skips.
func (c *checker) after(stmtCur inspector.Cursor, u *unit) (following, loops []ast.Node) {
	for pc := stmtCur.Parent(); pc.Valid(); stmtCur, pc = pc, pc.Parent() {
		cur := stmtCur.Node()
		switch p := pc.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return
		case *ast.BlockStmt:
			following = append(following, rest(p.List, cur)...)
			if p == u.fn.Body {
				return
			}
		case *ast.CaseClause:
			following = append(following, rest(p.Body, cur)...)
		case *ast.CommClause:
			following = append(following, rest(p.Body, cur)...)
		case *ast.ForStmt:
			if cur == p.Body {
				loops = append(loops, p.Body)
				if p == u.loop {
					return
				}
				if p.Post != nil {
					following = append(following, p.Post)
				}
				if p.Cond != nil {
					following = append(following, p.Cond)
				}
			}
		case *ast.RangeStmt:
			if cur == p.Body {
				loops = append(loops, p)
			}
		}
	}
	return
}

// rest returns the statements of list after n.
func rest(list []ast.Stmt, n ast.Node) []ast.Node {
	var out []ast.Node
	seen := false
	for _, s := range list {
		if seen {
			out = append(out, s)
		}
		if s == n {
			seen = true
		}
	}
	return out
}

// A hazard is code that must not be skipped.
type hazard struct {
	pos  token.Pos
	what string
}

// hazardIn returns the first release in nodes (in order) without a matching acquire
// before it in nodes: close, Unlock, RUnlock, WaitGroup.Done, Cond.Signal or Broadcast,
// an atomic update, an increment or decrement of anything but a local variable, a call
// of a function value for its effect, or a call of a function of the package that contains one.
func (c *checker) hazardIn(nodes, loops []ast.Node) *hazard {
	held := make(map[string]int)
	var h *hazard
	for _, n := range nodes {
		// Counts and callbacks inside a loop that would run again are the work of its
		// iterations, which an early return ends like the loop's own end would; after
		// the loop they are its clean-up.
		perIteration := slices.ContainsFunc(loops, func(l ast.Node) bool { return l.Pos() <= n.Pos() && n.End() <= l.End() })
		ast.Inspect(n, func(m ast.Node) bool {
			if h != nil {
				return false
			}
			switch m := m.(type) {
			case *ast.GoStmt:
				return false
			case *ast.CallExpr:
				h = c.callHazard(m, held)
			case *ast.ExprStmt:
				// A function value called for its effect (a field, a variable, a method
				// value: relay's onDone = wg.Done): what it releases cannot be read.
				if call, ok := ast.Unparen(m.X).(*ast.CallExpr); ok && !perIteration && c.funcValue(call) {
					h = &hazard{call.Pos(), types.ExprString(call) + " (a function value, which may release what others wait for)"}
				}
			case *ast.IncDecStmt:
				// A count of shared state (active--): skipping it leaves the count wrong
				// for whoever reads it, as a skipped atomic update would.
				if !perIteration && !c.localVar(m.X) {
					h = &hazard{m.Pos(), types.ExprString(m.X) + m.Tok.String()}
				}
			}
			return h == nil
		})
		if h != nil {
			return h
		}
	}
	return nil
}

func (c *checker) callHazard(call *ast.CallExpr, held map[string]int) *hazard {
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := c.info.Uses[id].(*types.Builtin); ok {
			if b.Name() == "close" {
				if c.ownClose != nil && len(call.Args) == 1 && c.cs.Of(call.Args[0]) == c.ownClose {
					return nil // an abandoned producer's close, for the receiver that left
				}
				return &hazard{call.Pos(), types.ExprString(call)}
			}
			return nil
		}
	}
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil
	}
	recv := ""
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		recv = types.ExprString(sel.X)
	}
	switch fn.Pkg().Path() {
	case "sync":
		switch fn.Name() {
		case "Lock", "RLock", "Add":
			key := recv + "." + pairOf(fn.Name())
			held[key]++
		case "Unlock", "RUnlock", "Done":
			key := recv + "." + fn.Name()
			if held[key] > 0 {
				held[key]--
				return nil
			}
			return &hazard{call.Pos(), types.ExprString(call)}
		case "Signal", "Broadcast":
			return &hazard{call.Pos(), types.ExprString(call)}
		}
	case "sync/atomic":
		for _, p := range []string{"Add", "Store", "Swap", "CompareAndSwap", "And", "Or"} {
			if strings.HasPrefix(fn.Name(), p) {
				return &hazard{call.Pos(), types.ExprString(call)}
			}
		}
	default:
		if fn.Origin().Pkg() == c.pass.Pkg {
			if h := c.funcHazard(fn.Origin()); h != nil {
				return &hazard{call.Pos(), fmt.Sprintf("%s (%s)", types.ExprString(call), h.what)}
			}
		}
	}
	return nil
}

func pairOf(acquire string) string {
	switch acquire {
	case "Lock":
		return "Unlock"
	case "RLock":
		return "RUnlock"
	}
	return "Done"
}

var inProgress = &hazard{}

// funcHazard returns the hazard of a function of the package, if its body has one.
func (c *checker) funcHazard(fn *types.Func) *hazard {
	if h, ok := c.hazMemo[fn]; ok {
		if h == inProgress {
			return nil
		}
		return h
	}
	decl := c.m.Decl(fn)
	if decl == nil {
		return nil
	}
	c.hazMemo[fn] = inProgress
	// Only its releases count: its counts and callbacks are its own business (the body
	// stands in as a region whose counts and callbacks are exempt).
	h := c.hazardIn([]ast.Node{decl.Body}, []ast.Node{decl.Body})
	c.hazMemo[fn] = h
	return h
}

// carriesError reports whether a value of type t is, or holds in a field, an error: the
// receiver learns from it why a stream ended.
func (c *checker) carriesError(t types.Type) bool {
	if t == nil {
		return false
	}
	errType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	if types.Implements(t, errType) {
		return true
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if st, ok := t.Underlying().(*types.Struct); ok {
		for f := range st.Fields() {
			if types.Implements(f.Type(), errType) {
				return true
			}
		}
	}
	return false
}

// errorSink returns where f, or a function literal in it, stores an error in a variable
// declared outside f or in a field (res.err = err), or sends one (errc <- err): the way
// its caller learns why it ended, which an early return would not say.
func (c *checker) errorSink(f *model.Func) (token.Pos, string) {
	var pos token.Pos
	var what string
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if s, ok := n.(*ast.SendStmt); ok && what == "" && c.carriesError(c.info.TypeOf(s.Value)) {
			pos, what = s.Pos(), "on "+types.ExprString(s.Chan)
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || what != "" || as.Tok == token.DEFINE {
			return what == ""
		}
		for _, l := range as.Lhs {
			t := c.info.TypeOf(l)
			if t == nil || !c.carriesError(t) {
				continue
			}
			switch l := ast.Unparen(l).(type) {
			case *ast.Ident:
				if v, ok := c.info.Uses[l].(*types.Var); ok && (v.Pos() < f.Node.Pos() || v.Pos() >= f.Node.End()) {
					pos, what = l.Pos(), "in "+l.Name
				}
			case *ast.SelectorExpr:
				if sel := c.info.Selections[l]; sel != nil && sel.Kind() == types.FieldVal {
					pos, what = l.Pos(), "in "+types.ExprString(l)
				}
			}
		}
		return what == ""
	})
	return pos, what
}

// deferredSend returns a send that a call deferred in u's function makes on the channel
// of one of u's sends: after the early return it would block just the same.
func (c *checker) deferredSend(u *unit) (token.Pos, string) {
	classes := make(map[*model.Chan]bool)
	for _, op := range u.ops {
		if op.Kind == model.Send {
			if ch := c.cs.Of(op.Ch); ch != nil {
				classes[ch] = true
			}
		}
	}
	if len(classes) == 0 {
		return token.NoPos, ""
	}
	var pos token.Pos
	var what string
	ast.Inspect(u.fn.Body, func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok || what != "" {
			return what == ""
		}
		ast.Inspect(d.Call, func(m ast.Node) bool {
			if s, ok := m.(*ast.SendStmt); ok && what == "" {
				if op := c.cs.Op(s); op != nil && op.Select == nil && classes[c.cs.Of(op.Ch)] {
					pos, what = s.Pos(), types.ExprString(s.Chan)
				}
			}
			return what == ""
		})
		return false
	})
	return pos, what
}

// consumed reports whether u is a single send, outside any loop of its function, that a
// peer waits for unconditionally (the reason why it has no fix): it is always received,
// so it does not leak (grpc's resolver wrapper sends its result from a callback to a
// function that waits for it).
func (c *checker) consumed(u *unit, why string) bool {
	if u.loop != nil || len(u.ops) != 1 || u.ops[0].Kind != model.Send || model.InLoop(u.ops[0].Cursor) {
		return false
	}
	for _, q := range c.cs.Of(u.ops[0].Ch).Ops {
		if q.Kind != model.Send && why == c.blockedMsg(q) {
			return true
		}
	}
	return false
}

// localVar reports whether e is a local variable (not a field, an element, a package
// variable).
func (c *checker) localVar(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	return ok && v.Parent() != nil && v.Parent() != v.Pkg().Scope()
}

// funcValue reports whether call calls a function value: not a declared function or
// method, a builtin, a conversion or a function literal.
func (c *checker) funcValue(call *ast.CallExpr) bool {
	if tv, ok := c.info.Types[call.Fun]; !ok || tv.IsType() || tv.IsBuiltin() {
		return false
	}
	if _, isLit := ast.Unparen(call.Fun).(*ast.FuncLit); isLit {
		return false
	}
	_, isFunc := typeutil.Callee(c.info, call).(*types.Func)
	return !isFunc
}
