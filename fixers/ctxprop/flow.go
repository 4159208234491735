package ctxprop

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/types/typeutil"
)

// flowInfo records where, in one function, a context is known to be done or checked:
// a receive from ctx.Done() (or from a variable holding it), a select case on it, a
// call of ctx.Err() or context.Cause, or a call of a derived context's cancel function. Code reachable from there is clean-up or shutdown
// code, which needs a fresh context on purpose.
type flowInfo struct {
	g     *cfg.CFG
	mark  map[*cfg.Block]int // index of the first marked node; -1: the whole block
	reach map[*cfg.Block]bool
}

func (ck *checker) flow(f *model.Func) *flowInfo { return ck.flowOf(f, ck.funcs, true) }

// strictFlow is flow with every Err test a marker of all that follows it: for the
// callees of callbacks, which must not run a literal once they may have seen the
// context end (a loop `for ctx.Err() == nil { f() }` may call f as the context ends).
func (ck *checker) strictFlow(f *model.Func) *flowInfo {
	return ck.flowOf(f, ck.strictFuncs, false)
}

func (ck *checker) flowOf(f *model.Func, memo map[*model.Func]*flowInfo, branches bool) *flowInfo {
	if fi, ok := memo[f]; ok {
		return fi
	}
	body := f.Body
	fi := &flowInfo{
		g:     f.CFG(),
		mark:  make(map[*cfg.Block]int),
		reach: make(map[*cfg.Block]bool),
	}
	memo[f] = fi
	ck.scanDoneVars(body)

	// Select comm statements are evaluated in the block before the select; a Done
	// case marks only its own body.
	comms := f.Comms()
	for _, b := range fi.g.Blocks {
		if cc, ok := b.Stmt.(*ast.CommClause); ok && b.Kind == cfg.KindSelectCaseBody && cc.Comm != nil && ck.hasMarker(cc.Comm) {
			fi.mark[b] = -1
			continue
		}
		for i, n := range b.Nodes {
			if comms[n] == nil && ck.hasMarker(n) {
				if k := ck.errTest(b, i); branches && k >= 0 {
					// `if ctx.Err() != nil { ... }`: only the branch taken when the
					// context ended is clean-up; the other goes on with the work.
					fi.mark[b.Succs[k]] = -1
					break
				}
				fi.mark[b] = i
				break
			}
		}
	}
	var queue []*cfg.Block
	for b := range fi.mark {
		queue = append(queue, b.Succs...)
	}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		if fi.reach[b] {
			continue
		}
		fi.reach[b] = true
		queue = append(queue, b.Succs...)
	}
	return fi
}

// after reports whether n may run after a Done or Err marker of the function, or when
// its place in the function's control flow is unknown.
func (fi *flowInfo) after(n ast.Node) bool {
	for _, b := range fi.g.Blocks {
		for i, bn := range b.Nodes {
			if bn.Pos() <= n.Pos() && n.End() <= bn.End() {
				if fi.reach[b] {
					return true
				}
				m, ok := fi.mark[b]
				return ok && m <= i
			}
		}
	}
	return true
}

// errTest reports, for block b whose node i is its first marker, whether that marker is
// an Err test that ends b: `ctx.Err() != nil` as b's condition, or `err := ctx.Err()`
// followed by the condition `err != nil` (an if statement's init and condition). It
// returns the index of the successor taken when the context ended (0 for !=, 1 for ==),
// or -1.
func (ck *checker) errTest(b *cfg.Block, i int) int {
	nodes := b.Nodes
	if len(b.Succs) != 2 || len(nodes) == 0 {
		return -1
	}
	cond, ok := nodes[len(nodes)-1].(ast.Expr)
	if !ok {
		return -1
	}
	x, op, ok := model.NilComparison(ck.pass.TypesInfo, cond)
	if !ok {
		return -1
	}
	k := 0
	if op == token.EQL {
		k = 1
	}
	switch i {
	case len(nodes) - 1:
		if call, ok := x.(*ast.CallExpr); ok && ck.isMethod(call, "Err") {
			return k
		}
	case len(nodes) - 2:
		as, ok := nodes[i].(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return -1
		}
		call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		l, lok := as.Lhs[0].(*ast.Ident)
		r, rok := x.(*ast.Ident)
		info := ck.pass.TypesInfo
		if ok && lok && rok && ck.isMethod(call, "Err") && info.ObjectOf(l) == info.ObjectOf(r) && !ck.hasMarker(cond) {
			return k
		}
	}
	return -1
}

// scanDoneVars records the variables of body assigned the result of ctx.Done().
func (ck *checker) scanDoneVars(body *ast.BlockStmt) {
	info := ck.pass.TypesInfo
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, r := range as.Rhs {
			if call, ok := ast.Unparen(r).(*ast.CallExpr); ok && ck.isMethod(call, "Done") {
				if id, ok := as.Lhs[i].(*ast.Ident); ok {
					if v, ok := info.ObjectOf(id).(*types.Var); ok {
						ck.done[v] = true
					}
				}
			}
		}
		return true
	})
}

// isMethod reports whether call calls method name of context.Context.
func (ck *checker) isMethod(call *ast.CallExpr, name string) bool {
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Name() != name {
		return false
	}
	recv := fn.Signature().Recv()
	return recv != nil && ck.isCtx(recv.Type())
}

// hasMarker reports whether n (outside nested function literals) receives from
// ctx.Done() or calls ctx.Err() or context.Cause.
func (ck *checker) hasMarker(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				switch x := ast.Unparen(n.X).(type) {
				case *ast.CallExpr:
					found = ck.isMethod(x, "Done")
				case *ast.Ident:
					v, _ := ck.pass.TypesInfo.Uses[x].(*types.Var)
					found = v != nil && ck.done[v]
				}
			}
		case *ast.DeferStmt, *ast.GoStmt:
			return false // runs later
		case *ast.CallExpr:
			found = ck.isMethod(n, "Err") || ck.ctxFunc(n) == "Cause" || ck.cancelCall(n)
		}
		return !found
	})
	return found
}

// cancelCall reports whether call calls the cancel function of a derived context:
// after it, that context is done (primev/mev-commit#223: the fetch's timeout context is
// cancelled, then the write takes a fresh one on purpose; passing the cancelled one
// would make the write fail).
func (ck *checker) cancelCall(call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := ck.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	if ck.cancelVars == nil {
		ck.cancelVars = make(map[*types.Var]bool)
		for _, d := range ck.m.Contexts().Derivations {
			if d.Cancel != nil {
				ck.cancelVars[d.Cancel] = true
			}
		}
	}
	return ck.cancelVars[v]
}
