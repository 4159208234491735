package ctxdone

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// checkStopFlags reports a send blocked past its spawner's stop flag: a goroutine
// literal G that F starts once sends in a loop, blocking, on a channel that F makes and
// hands only to synchronous calls, and G's loop checks a flag (atomic.LoadInt32(&stop)
// != 0, stop.Load()) that F sets on its way out. The flag says that G must end when F
// returns, but G checks it only between sends: once F has returned nothing receives from
// the channel, and G blocks on the send without seeing the flag
// (envoyproxy/go-control-plane#370). The consumer is code that cannot be seen, so the
// finding has no fix. Sends in taken (reported by another rule) are left alone.
func (c *checker) checkStopFlags(taken map[*model.ChanOp]bool) {
	c.eachLoopSend(taken, c.stopFlagUnit)
}

// stopFlagUnit returns the finding for the send op of the goroutine G that F starts by
// g, or nil.
func (c *checker) stopFlagUnit(F, G *model.Func, g *model.Go, op *model.ChanOp) *unit {
	ch := c.cs.Of(op.Ch)
	id, ok := ast.Unparen(op.Ch).(*ast.Ident)
	if ch == nil || !ok || ch.Done || len(ch.Makes) != 1 {
		return nil
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || !slices.Contains(ch.Members, types.Object(v)) || !c.localOf(F, G, v) || len(c.cs.Assigned(v)) > 0 {
		return nil
	}
	// The other members are parameters of functions of the package that F hands v to,
	// which only receive from them.
	var consumers []*model.ChanOp
	for _, o := range ch.Members {
		if o == v {
			continue
		}
		p, ok := o.(*types.Var)
		if !ok || p.IsField() || p.Kind() != types.ParamVar {
			return nil
		}
		q, ok := c.consumerOps(p, ch)
		if !ok {
			return nil
		}
		consumers = append(consumers, q...)
	}
	def, ok := c.defCursor(v)
	if !ok {
		return nil
	}
	as, ok := def.Parent().Node().(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != ch.Makes[0].Call || c.m.Enclosing(def) != F || model.InLoop(def) {
		return nil
	}
	for _, q := range ch.Ops {
		if (q.Kind == model.Send || q.Kind == model.Close) && q.Func != G {
			return nil
		}
	}
	// Every other use of v is an argument of a synchronous call of F: not a go
	// statement, not a builtin that keeps it (append), not inside another literal.
	opOf := make(map[ast.Node]*model.ChanOp)
	for _, q := range ch.Ops {
		opOf[ast.Unparen(q.Ch)] = q
	}
	var handedTo ast.Expr
	bad := false
	F.Cursor.Inspect([]ast.Node{(*ast.Ident)(nil)}, func(cur inspector.Cursor) bool {
		x := cur.Node().(*ast.Ident)
		if c.info.Uses[x] != v || bad {
			return !bad
		}
		if q := opOf[x]; q != nil {
			bad = q.Func != G || q.Kind != model.Send && q.Kind != model.Close
			return !bad
		}
		call, ok := cur.Parent().Node().(*ast.CallExpr)
		if !ok || call.Fun == ast.Node(x) || c.m.Enclosing(cur) != F {
			bad = true
			return false
		}
		if tv, ok := c.info.Types[call.Fun]; ok && tv.IsType() {
			bad = true // a conversion: the value goes on
			return false
		}
		if _, ok := cur.Parent().Parent().Node().(*ast.GoStmt); ok {
			bad = true
			return false
		}
		if b, ok := typeutil.Callee(c.info, call).(*types.Builtin); ok {
			if b.Name() != "len" && b.Name() != "cap" {
				bad = true
			}
			return !bad
		}
		if handedTo == nil {
			handedTo = call.Fun
		}
		return true
	})
	if bad || handedTo == nil {
		return nil
	}
	// A consumer of the package must be able to stop receiving before the close.
	if len(consumers) > 0 && !c.leavesEarly(consumers) {
		return nil
	}
	if c.sendsFit(op) || c.coveredPerRun(G, op, true) || c.semaphore(op) || c.drained(op) || c.reply(op) {
		return nil
	}
	// The loop of G around the send checks the flag and returns.
	var loop inspector.Cursor
	for p := op.Cursor.Parent(); p.Valid() && p.Node() != G.Node && !loop.Valid(); p = p.Parent() {
		switch p.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			loop = p
		}
	}
	if !loop.Valid() {
		return nil
	}
	var flag ast.Expr
	var flagObj types.Object
	inspectCursor(loop, func(cur inspector.Cursor) bool {
		ifs, ok := cur.Node().(*ast.IfStmt)
		if !ok || flag != nil {
			return flag == nil
		}
		x, o := c.flagRead(F, G, ifs.Cond)
		if x != nil && returns(ifs.Body) {
			flag, flagObj = x, o
		}
		return flag == nil
	})
	if flag == nil || !c.setOnExit(F, g, flag, flagObj) {
		return nil
	}
	s := op.Node.(*ast.SendStmt)
	name := "its function"
	if F.Obj != nil {
		name = F.Obj.Name()
	}
	chName, flagName := types.ExprString(s.Chan), types.ExprString(flag)
	u := &unit{fn: G, pos: s.Arrow, ops: []*model.ChanOp{op}}
	u.msg = fmt.Sprintf("the goroutine checks %s, which %s sets when it returns, only between sends: once %s has returned, nothing receives from %s and it blocks on %s <- %s forever (select on a done channel that %s closes instead)",
		flagName, name, name, chName, chName, types.ExprString(s.Value), name)
	if len(consumers) == 0 {
		c.refuse(u, s.Pos(), fmt.Sprintf("%s is handed to %s, whose code cannot be seen: whether it still receives once %s returns, and so where a done channel belongs, is not known",
			chName, types.ExprString(handedTo), name))
	} else {
		c.refuse(u, s.Pos(), fmt.Sprintf("%s is handed to %s, which can stop receiving before it is closed: the fix would select on a done channel that %s closes when it returns, and this rule only reports",
			chName, types.ExprString(handedTo), name))
	}
	return u
}

// localOf reports whether v is declared in F's body, outside its literal G.
func (c *checker) localOf(F, G *model.Func, v *types.Var) bool {
	return F.Body.Pos() <= v.Pos() && v.Pos() < F.Body.End() && !(G.Node.Pos() <= v.Pos() && v.Pos() < G.Node.End())
}

// returns reports whether body has a return statement outside function literals.
func returns(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// flagRead returns the flag that cond reads, with its variable or field: x for
// atomic.LoadInt32(&x) != 0 (or == 1; also LoadInt64, LoadUint32, LoadUint64), x.Load()
// of an atomic.Bool, x.Load() != 0 (or == 1) of an atomic.Int32, Int64, Uint32 or
// Uint64, or any of these as an operand of ||. x is a local variable of F declared
// outside G, or a field.
func (c *checker) flagRead(F, G *model.Func, cond ast.Expr) (ast.Expr, types.Object) {
	cond = ast.Unparen(cond)
	if b, ok := cond.(*ast.BinaryExpr); ok && b.Op == token.LOR {
		// Either side being true leads to the return.
		if x, o := c.flagRead(F, G, b.X); x != nil {
			return x, o
		}
		return c.flagRead(F, G, b.Y)
	}
	var call *ast.CallExpr
	if b, ok := cond.(*ast.BinaryExpr); ok {
		k, ok := ast.Unparen(b.X).(*ast.CallExpr)
		val := c.info.Types[b.Y].Value
		if !ok || val == nil || val.Kind() != constant.Int {
			return nil, nil
		}
		n, exact := constant.Int64Val(val)
		if !exact || !(b.Op == token.NEQ && n == 0 || b.Op == token.EQL && n == 1) {
			return nil, nil
		}
		call = k
	} else if k, ok := cond.(*ast.CallExpr); ok {
		call = k
	} else {
		return nil, nil
	}
	a, ok := model.Atomic(c.info, call)
	if !ok || a.Op != "Load" || len(a.Args) != 0 {
		return nil, nil
	}
	_, isCond := cond.(*ast.CallExpr)
	if a.Method {
		named := namedOf(a.Fn.Signature().Recv().Type())
		if named == nil {
			return nil, nil
		}
		switch named.Obj().Name() {
		case "Bool":
			if !isCond {
				return nil, nil
			}
		case "Int32", "Int64", "Uint32", "Uint64":
			if isCond {
				return nil, nil
			}
		default:
			return nil, nil
		}
	} else {
		switch a.Fn.Name() {
		case "LoadInt32", "LoadInt64", "LoadUint32", "LoadUint64":
		default:
			return nil, nil
		}
		if isCond {
			return nil, nil
		}
	}
	x := a.Target
	o := c.flagObj(x)
	if o == nil || !o.IsField() && !c.localOf(F, G, o) {
		return nil, nil
	}
	return x, o
}

// isIntStore reports whether name is the atomic store of an integer flag.
func isIntStore(name string) bool {
	switch name {
	case "StoreInt32", "StoreInt64", "StoreUint32", "StoreUint64":
		return true
	}
	return false
}

// flagObj returns the variable or field that x, an identifier or a selector, denotes.
func (c *checker) flagObj(x ast.Expr) *types.Var {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		v, _ := c.info.Uses[x].(*types.Var)
		return v
	case *ast.SelectorExpr:
		v, _ := c.info.Uses[x.Sel].(*types.Var)
		if v != nil && v.IsField() {
			return v
		}
	}
	return nil
}

// setOnExit reports whether F sets the flag x (of variable or field o) to a non-zero
// value on its way out: in a deferred call (or a statement of a deferred literal's
// body), or in a statement of its body outside loops and literals after the go
// statement g.
func (c *checker) setOnExit(F *model.Func, g *model.Go, x ast.Expr, o types.Object) bool {
	key := types.ExprString(x)
	stores := func(call *ast.CallExpr) bool {
		target, ok := c.flagStore(call)
		return ok && c.flagObj(target) == o && types.ExprString(target) == key
	}
	found := false
	inspectFunc(F, func(cur inspector.Cursor) bool {
		if found {
			return false
		}
		switch s := cur.Node().(type) {
		case *ast.DeferStmt:
			if model.InLoop(cur) {
				return false
			}
			if lit, ok := ast.Unparen(s.Call.Fun).(*ast.FuncLit); ok {
				for _, st := range lit.Body.List {
					if es, ok := st.(*ast.ExprStmt); ok {
						if call, ok := ast.Unparen(es.X).(*ast.CallExpr); ok && stores(call) {
							found = true
						}
					}
				}
			} else if stores(s.Call) {
				found = true
			}
			return false
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && s.Pos() > g.Stmt.End() && !model.InLoop(cur) && stores(call) {
				found = true
			}
			return false
		}
		return true
	})
	return found
}

// consumerOps returns the operations on the parameter p of class ch, when every use of
// p is the channel of a receive or a range of the function that declares p.
func (c *checker) consumerOps(p *types.Var, ch *model.Chan) ([]*model.ChanOp, bool) {
	var P *model.Func
	for _, f := range c.m.Funcs {
		if f.Sig != nil && f.Body != nil && slices.Contains(slices.Collect(f.Sig.Params().Variables()), p) {
			P = f
		}
	}
	if P == nil {
		return nil, false
	}
	opOf := make(map[ast.Node]*model.ChanOp)
	for _, q := range ch.Ops {
		opOf[ast.Unparen(q.Ch)] = q
	}
	var ops []*model.ChanOp
	bad := false
	P.Cursor.Inspect([]ast.Node{(*ast.Ident)(nil)}, func(cur inspector.Cursor) bool {
		x := cur.Node().(*ast.Ident)
		if c.info.Uses[x] != p {
			return true
		}
		q := opOf[x]
		if q == nil || q.Func != P || q.Kind != model.Recv && q.Kind != model.Range {
			bad = true
			return false
		}
		ops = append(ops, q)
		return true
	})
	return ops, !bad && len(ops) > 0
}

// leavesEarly reports whether the receives ops, all of one function, are in one
// receive loop (a range over the channel, or a for { } around every receive) that the
// function can leave before the channel is closed (loopExit).
func (c *checker) leavesEarly(ops []*model.ChanOp) bool {
	P := ops[0].Func
	var loopCur inspector.Cursor
	okVars := make(map[types.Object]bool)
	for _, q := range ops {
		if q.Func != P {
			return false
		}
		l := q.Cursor
		if q.Kind != model.Range {
			l = endlessLoopOf(P, q)
			if o := c.okVar(q); o != nil {
				okVars[o] = true
			}
		}
		if !l.Valid() || loopCur.Valid() && l.Node() != loopCur.Node() {
			return false
		}
		loopCur = l
	}
	pos, _ := c.loopExit(P, loopCur, okVars)
	return pos.IsValid()
}

// flagStore returns the flag that call sets to a non-zero constant: x for
// atomic.StoreInt32(&x, 1) (and StoreInt64, StoreUint32, StoreUint64), x.Store(true) or
// x.Store(1) of an atomic type.
func (c *checker) flagStore(call *ast.CallExpr) (ast.Expr, bool) {
	a, ok := model.Atomic(c.info, call)
	if !ok || a.Op != "Store" || len(a.Args) != 1 || !a.Method && !isIntStore(a.Fn.Name()) {
		return nil, false
	}
	target, val := a.Target, a.Args[0]
	cv := c.info.Types[val].Value
	if cv == nil {
		return nil, false
	}
	switch cv.Kind() {
	case constant.Bool:
		return target, constant.BoolVal(cv)
	case constant.Int:
		return target, constant.Sign(cv) != 0
	}
	return nil, false
}
