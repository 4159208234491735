package closerecv

import (
	"go/ast"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// endOfLife are the method names that end a value's life: a send after them breaks its
// contract, not the closer's.
var endOfLife = map[string]bool{"Close": true, "Stop": true, "Shutdown": true}

// ownerCloses reports whether cl is in an end-of-life method (Close, Stop, Shutdown) of
// the type whose field the channel is, and every send is in a method of that type: the
// type closes its own channel when its life ends (nats.go's bench.Benchmark.Close: "After
// Close(), no more samples can be added").
func ownerCloses(cl op, sends []op) bool {
	return owner(cl, sends) != nil && endOfLife[cl.fn.Root().Obj.Name()]
}

// owner returns the type whose field the channel is when cl is in one of its methods and
// every send is in one of its methods too, or nil.
func owner(cl op, sends []op) *types.Named {
	if !cl.obj.IsField() {
		return nil
	}
	recv := recvType(cl.fn.Root().Obj)
	if recv == nil || !hasField(recv, cl.obj) {
		return nil
	}
	for _, s := range sends {
		if recvType(s.fn.Root().Obj) != recv {
			return nil
		}
	}
	return recv
}

// recvType returns the named type of which fn is a method, or nil.
func recvType(fn *types.Func) *types.Named {
	if fn == nil || fn.Signature().Recv() == nil {
		return nil
	}
	t := fn.Signature().Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	if n != nil {
		n = n.Origin()
	}
	return n
}

func hasField(n *types.Named, f *types.Var) bool {
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for v := range st.Fields() {
		if v.Origin() == f.Origin() {
			return true
		}
	}
	return false
}

// notStartedBefore reports whether every send is in a goroutine literal that cl's
// function starts, and no path of that function leads from the go statement to the
// close: the close is on the paths where no sender runs (memberlist's fallback channel,
// closed when the fallback goroutine is not started).
func notStartedBefore(cl op, sends []op) bool {
	stmt, ok := cl.cur.Parent().Node().(*ast.ExprStmt) // not a deferred close: that runs at the end
	if !ok {
		return false
	}
	g := cl.fn.CFG()
	closeAt := blockOf(g, stmt)
	if closeAt == nil {
		return false
	}
	for _, s := range sends {
		var goStmt ast.Node
		if s.spawn != nil && s.spawnIn == cl.fn {
			goStmt = s.spawn // go F(..., ch, ...): F's goroutine sends on its parameter
		}
		for f := s.fn; goStmt == nil && f != nil && f != cl.fn; f = f.Outer {
			if f.Outer == cl.fn && len(f.Started) == 1 && f.Started[0].In == cl.fn {
				goStmt = f.Started[0].Stmt
			}
		}
		if goStmt == nil {
			return false
		}
		from := blockOf(g, goStmt)
		if from == nil || reaches(from, closeAt) {
			return false
		}
	}
	return true
}

// blockOf returns the live block of g that holds node n, or nil.
func blockOf(g *cfg.CFG, n ast.Node) *cfg.Block {
	for _, b := range g.Blocks {
		for _, m := range b.Nodes {
			if m == n {
				return b
			}
		}
	}
	return nil
}

// reaches reports whether control can go from block a to block b (a itself included:
// the close may follow the go statement in one block).
func reaches(a, b *cfg.Block) bool {
	seen := map[*cfg.Block]bool{a: true}
	work := []*cfg.Block{a}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		if x == b {
			return true
		}
		for _, s := range x.Succs {
			if !seen[s] {
				seen[s] = true
				work = append(work, s)
			}
		}
	}
	return false
}

// stopHandOff reports whether cl runs, in a method of the type whose field the channel is,
// on the owner's request to stop: it is in the case of a select that receives from
// another field of the type, on which only the type's end-of-life methods send or that
// only they close, and every send on the channel is in a method of the type (prometheus's
// tsdb/wlog: WL.Close sends on w.stopc, and WL.run closes w.actorc in that case).
func stopHandOff(info *types.Info, cl op, sends []op, byObj map[*types.Var][]op) bool {
	recv := owner(cl, sends)
	if recv == nil {
		return false
	}
	for p := cl.cur.Parent(); p.Node() != nil; p = p.Parent() {
		switch n := p.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.CommClause:
			var x ast.Expr
			switch c := n.Comm.(type) {
			case *ast.ExprStmt:
				x = c.X
			case *ast.AssignStmt:
				if len(c.Rhs) == 1 {
					x = c.Rhs[0]
				}
			}
			u, ok := ast.Unparen(x).(*ast.UnaryExpr)
			if !ok {
				return false
			}
			stop := chanVar(info, u.X)
			if stop == nil || stop == cl.obj || !stop.IsField() || !hasField(recv, stop) {
				return false
			}
			signals := 0
			for _, o := range byObj[stop] {
				if o.kind == opRecv {
					continue
				}
				if fn := o.fn.Root().Obj; fn == nil || recvType(fn) != recv || !endOfLife[fn.Name()] {
					return false
				}
				signals++
			}
			return signals > 0
		}
	}
	return false
}

// deregistered are the methods that end a registration: after them the callback it
// registered no longer runs.
var deregistered = map[string]bool{"Close": true, "Stop": true, "Shutdown": true, "Unsubscribe": true, "Unregister": true, "Drain": true}

// registrationEnded reports whether every send is in a function literal that cl's
// function hands to a call whose result h it keeps (h, err := nc.Subscribe(subj, func(m
// *Msg) { ch <- m }), db, err := Open(&Options{EventListener: ...})), or to a method of a
// variable h, directly or through the arguments of calls (s.NewJob(d, NewTask(func() {
// ch <- x }))), and an earlier statement of the block that holds the close, or of a block
// around it, ends h's life (h.Unsubscribe(), require.NoError(t, db.Close()),
// require.NoError(t, s.Shutdown())): the callback cannot run after the close
// (nats-server's monitor tests, pebble's TestTableCacheEvictClose, gocron's
// scheduler_test).
func registrationEnded(info *types.Info, cl op, sends []op) bool {
	for _, s := range sends {
		lit := s.fn
		for lit != nil && lit.Outer != cl.fn {
			lit = lit.Outer
		}
		if lit == nil || lit.Obj != nil {
			return false
		}
		if !slices.ContainsFunc(registrants(info, lit.Cursor), func(h *types.Var) bool { return endedBefore(info, cl, h) }) {
			return false
		}
	}
	return len(sends) > 0
}

// registrants returns the variables that the function literal at c is registered with:
// going out from the literal through the calls it is an argument of (directly, or inside
// composite literals, or inside the arguments of another call), the receiver of each
// method call on a local variable, and the variable that receives the first result of
// the outermost call, when that result is kept.
func registrants(info *types.Info, c inspector.Cursor) []*types.Var {
	var out []*types.Var
	for child, p := c, c.Parent(); p.Node() != nil; child, p = p, p.Parent() {
		switch n := p.Node().(type) {
		case *ast.CompositeLit, *ast.KeyValueExpr, *ast.UnaryExpr:
			continue
		case *ast.CallExpr:
			if child.ParentEdgeKind() != edge.CallExpr_Args {
				return out // the literal, or the value made of it, is called, not handed on
			}
			switch p.Parent().Node().(type) {
			case *ast.GoStmt, *ast.DeferStmt:
				return out // a call that runs later or concurrently
			}
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok && !v.IsField() && v.Parent() != v.Pkg().Scope() {
						out = append(out, v)
					}
				}
			}
			var lhs ast.Expr
			switch st := p.Parent().Node().(type) {
			case *ast.AssignStmt:
				if len(st.Rhs) == 1 && len(st.Lhs) > 0 && p.ParentEdgeKind() == edge.AssignStmt_Rhs {
					lhs = st.Lhs[0]
				}
			case *ast.ValueSpec:
				if len(st.Values) == 1 && len(st.Names) > 0 {
					lhs = st.Names[0]
				}
			}
			if lhs != nil {
				if id, ok := lhs.(*ast.Ident); ok {
					if v, ok := info.ObjectOf(id).(*types.Var); ok {
						out = append(out, v)
					}
				}
				return out
			}
		default:
			return out
		}
	}
	return out
}

// endedBefore reports whether a statement before the close, in its block or a block
// around it within its function, calls a method of h that ends a registration.
func endedBefore(info *types.Info, cl op, h *types.Var) bool {
	stmt := cl.cur.Parent() // the close's statement
	for c := stmt; c.Node() != nil && c.Node() != cl.fn.Node; c = c.Parent() {
		if c.ParentEdgeKind() != edge.BlockStmt_List {
			continue
		}
		for prev, ok := c.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
			found := false
			ast.Inspect(prev.Node(), func(n ast.Node) bool {
				if _, ok := n.(*ast.FuncLit); ok || found {
					return false
				}
				if call, ok := n.(*ast.CallExpr); ok {
					if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && deregistered[sel.Sel.Name] {
						if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && info.Uses[id] == h {
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
	}
	return false
}
