package singlesend

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// A countedLoop is a loop that runs a constant number of times: `for i := a; i < b; i++`
// with constants a and b and i not otherwise assigned, or `for range k` with a constant k.
// The dataflow follows its exit edge only after k iterations, so that receiving the
// values of k goroutines in such a loop counts as k receives.
type countedLoop struct {
	k     int
	reset ast.Node   // node that starts the count (the init statement, or the range operand)
	incr  ast.Node   // node that counts an iteration (the post statement), or
	body  *cfg.Block // the block whose entry counts an iteration (range loops)
	cond  *cfg.Block // the block that chooses between Succs[0] (body) and Succs[1] (done)
}

const (
	maxCounted = 4  // counted loops followed per function; more are treated as any loop
	maxTrips   = 64 // iterations followed per counted loop
)

// countedLoops finds the counted loops of the function's body.
func (fa *flow) countedLoops(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		if len(fa.loops) == maxCounted {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt:
			if k, ok := model.TripCount(fa.info, n); ok && k <= maxTrips {
				l := &countedLoop{k: int(k), reset: n.Init, incr: n.Post}
				for _, b := range fa.g.Blocks {
					if b.Stmt == n && b.Kind == cfg.KindForLoop && len(b.Succs) == 2 {
						l.cond = b
					}
				}
				if l.cond != nil {
					fa.loops = append(fa.loops, l)
				}
			}
		case *ast.RangeStmt:
			k, ok := model.TripCount(fa.info, n)
			if !ok || k > maxTrips {
				return true
			}
			l := &countedLoop{k: int(k), reset: n.X}
			for _, b := range fa.g.Blocks {
				if b.Stmt == n && b.Kind == cfg.KindRangeLoop && len(b.Succs) == 2 {
					l.cond = b
				}
				if b.Stmt == n && b.Kind == cfg.KindRangeBody {
					l.body = b
				}
			}
			if l.cond != nil && l.body != nil {
				fa.loops = append(fa.loops, l)
			}
		}
		return true
	})
}

// goCursors returns the cursors of the senders' go statements.
func goCursors(body inspector.Cursor, active []*sender) []inspector.Cursor {
	var res []inspector.Cursor
	for _, s := range active {
		if c, ok := body.FindNode(s.stmt); ok {
			res = append(res, c)
		}
	}
	return res
}

// matchFanIn recognises the fan-out/fan-in shape
//
//	for i := 0; i < n; i++ { ...; go func() { ...; ch <- v }(); ... }
//	for i := 0; i < n; i++ { ...; <-ch; ... }
//
// where both loops run the same number of times (the same bound n, or the same
// slice or map ranged over, its length unchanged), the go statement and the receive are
// unconditional statements of their loop bodies, and neither body can leave its loop
// early (no break, continue, goto or return). Every goroutine started by the first loop
// is then received by the second: the pair is left out of the count, and only the other
// paths (an early return between the loops...) are judged.
func (fa *flow) matchFanIn(gos []inspector.Cursor) {
	for _, g := range gos {
		if g.ParentEdgeKind() != edge.BlockStmt_List {
			continue
		}
		blk := g.Parent()
		if !isLoopBody(blk) {
			continue
		}
		l1 := blk.Parent()
		key := fa.tripKey(l1.Node())
		if key == "" || leavesEarly(l1.Node()) {
			continue
		}
		// A later sibling loop with the same trip count and one receive per iteration.
		for sib, ok := l1.NextSibling(); ok; sib, ok = sib.NextSibling() {
			if fa.tripKey(sib.Node()) != key || leavesEarly(sib.Node()) {
				continue
			}
			recv := fa.oneTopLevelRecv(loopBody(sib.Node()))
			if recv == nil || fa.neutral[recv] {
				continue
			}
			if fa.neutral == nil {
				fa.neutral = make(map[ast.Node]bool)
			}
			fa.neutral[g.Node()] = true
			fa.neutral[recv] = true
			break
		}
	}
}

func isLoopBody(blk inspector.Cursor) bool {
	k := blk.ParentEdgeKind()
	return k == edge.ForStmt_Body || k == edge.RangeStmt_Body
}

func loopBody(n ast.Node) *ast.BlockStmt {
	switch l := n.(type) {
	case *ast.ForStmt:
		return l.Body
	case *ast.RangeStmt:
		return l.Body
	}
	return nil
}

// leavesEarly reports whether a loop's body holds a branch or return statement (outside
// function literals) that could end it before its last iteration.
func leavesEarly(n ast.Node) bool {
	body := loopBody(n)
	if body == nil {
		return true
	}
	found := false
	ast.Inspect(body, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt, *ast.ReturnStmt:
			found = true
		case *ast.ExprStmt:
			if call, ok := m.X.(*ast.CallExpr); ok {
				if _, ok := call.Fun.(*ast.FuncLit); ok {
					return true
				}
			}
		}
		return !found
	})
	return found
}

// oneTopLevelRecv returns the statement of body that receives from the channel when it
// is a top-level statement of the body (or the init or condition of one if statement)
// and the only receive in it.
func (fa *flow) oneTopLevelRecv(body *ast.BlockStmt) ast.Node {
	if body == nil || fa.recvs(body) != 1 {
		return nil
	}
	for _, st := range body.List {
		if is, ok := st.(*ast.IfStmt); ok {
			// if err := <-errc; err != nil { ... }: the init (or the condition) is the
			// node of the graph (grpc's alts TestClientHandshake).
			switch {
			case is.Init != nil && fa.recvs(is.Init) == 1:
				return is.Init
			case fa.recvs(is.Cond) == 1:
				return is.Cond
			}
			continue
		}
		if sel, ok := st.(*ast.SelectStmt); ok {
			if cc := fa.recvCase(sel); cc != nil {
				return cc
			}
			continue
		}
		switch st.(type) {
		case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt:
			if fa.recvs(st) == 1 {
				if ds, ok := st.(*ast.DeclStmt); ok {
					// The CFG holds var specs, not the declaration.
					if gd, ok := ds.Decl.(*ast.GenDecl); ok && len(gd.Specs) == 1 {
						return gd.Specs[0]
					}
					return nil
				}
				return st
			}
		}
	}
	return nil
}

// recvCase returns the clause of sel that receives from the channel when every other
// clause ends in a call that does not return (select { case <-done: case <-late:
// t.Fatal(...) }, amqp091-go's TestConfirmsIsThreadSafe): an iteration that goes on
// has received. A default clause, or another clause that may go on, gives nil.
func (fa *flow) recvCase(sel *ast.SelectStmt) *ast.CommClause {
	var recv *ast.CommClause
	for _, cl := range sel.Body.List {
		cc := cl.(*ast.CommClause)
		if fa.caseRecv[cc] && recv == nil {
			recv = cc
			continue
		}
		if len(cc.Body) == 0 {
			return nil
		}
		es, ok := cc.Body[len(cc.Body)-1].(*ast.ExprStmt)
		if !ok {
			return nil
		}
		call, ok := ast.Unparen(es.X).(*ast.CallExpr)
		if !ok || fa.mayReturn(call) {
			return nil
		}
	}
	return recv
}

// tripKey describes how many times loop n runs (model.Func.TripKey), or "".
func (fa *flow) tripKey(n ast.Node) string {
	key, _ := fa.fn.TripKey(n)
	return key
}

// matchCountedFanIn recognises the fan-out/fan-in shape whose goroutines a counter
// counts (gocql's policyConnPool.SetHosts):
//
//	n := 0
//	for _, h := range hosts { if skip(h) { continue }; n++; go func() { ch <- v }() }
//	for n > 0 { <-ch; n-- }
//
// where n++ is the statement just before or after the go statement in its loop body,
// the fan-in loop follows the fan-out loop in the same block, its body holds one
// top-level receive and n-- and cannot leave it early, nothing between the two loops or
// in the fan-out loop returns or jumps (break and continue of the loop itself may skip
// goroutines, which the counter then does not count), and nothing else writes n or takes
// its address. Every goroutine counted is then received: the pair is left out of the
// count, as matchFanIn does.
func (fa *flow) matchCountedFanIn(gos []inspector.Cursor) {
	for _, g := range gos {
		if fa.neutral[g.Node()] || g.ParentEdgeKind() != edge.BlockStmt_List || !isLoopBody(g.Parent()) {
			continue
		}
		inc := fa.counterBeside(g)
		if inc == nil {
			continue
		}
		n := fa.info.Uses[inc.X.(*ast.Ident)]
		l1 := g.Parent().Parent()
		if l1.ParentEdgeKind() != edge.BlockStmt_List || jumpsOut(loopBody(l1.Node())) {
			continue
		}
		for sib, ok := l1.NextSibling(); ok; sib, ok = sib.NextSibling() {
			loop, ok := sib.Node().(*ast.ForStmt)
			if !ok || !fa.whilePositive(loop, n) {
				if _, br := sib.Node().(*ast.BranchStmt); br || jumpsOut(sib.Node()) {
					break
				}
				continue
			}
			dec := fa.topLevelIncDec(loop.Body, n, token.DEC)
			recv := fa.oneTopLevelRecv(loop.Body)
			if dec == nil || recv == nil || fa.neutral[recv] || leavesEarly(loop) || !fa.onlyWrites(n, inc, dec, l1.Node().Pos()) {
				break
			}
			if fa.neutral == nil {
				fa.neutral = make(map[ast.Node]bool)
			}
			fa.neutral[g.Node()] = true
			fa.neutral[recv] = true
			break
		}
	}
}

// counterBeside returns the statement n++ just before or after the go statement g, n an
// integer local variable, or nil.
func (fa *flow) counterBeside(g inspector.Cursor) *ast.IncDecStmt {
	var sibs []inspector.Cursor
	if p, ok := g.PrevSibling(); ok {
		sibs = append(sibs, p)
	}
	if n, ok := g.NextSibling(); ok {
		sibs = append(sibs, n)
	}
	for _, s := range sibs {
		if inc, ok := s.Node().(*ast.IncDecStmt); ok && inc.Tok == token.INC {
			if id, ok := inc.X.(*ast.Ident); ok {
				if v, ok := fa.info.Uses[id].(*types.Var); ok && !v.IsField() && model.IsInteger(v.Type()) && v.Parent() != nil && v.Parent() != v.Pkg().Scope() {
					return inc
				}
			}
		}
	}
	return nil
}

// whilePositive reports whether loop is for n > 0 { ... } or for n != 0 { ... }.
func (fa *flow) whilePositive(loop *ast.ForStmt, n types.Object) bool {
	b, ok := ast.Unparen(loop.Cond).(*ast.BinaryExpr)
	if loop.Init != nil || loop.Post != nil || !ok || b.Op != token.GTR && b.Op != token.NEQ {
		return false
	}
	id, ok := ast.Unparen(b.X).(*ast.Ident)
	tv := fa.info.Types[b.Y]
	return ok && fa.info.Uses[id] == n && tv.Value != nil && constant.Sign(tv.Value) == 0
}

// topLevelIncDec returns the statement n++ or n-- (by tok) among body's statements.
func (fa *flow) topLevelIncDec(body *ast.BlockStmt, n types.Object, tok token.Token) *ast.IncDecStmt {
	for _, st := range body.List {
		if s, ok := st.(*ast.IncDecStmt); ok && s.Tok == tok {
			if id, ok := s.X.(*ast.Ident); ok && fa.info.Uses[id] == n {
				return s
			}
		}
	}
	return nil
}

// onlyWrites reports whether the function writes n only in its declaration (before
// from), by inc and by dec, and never takes its address.
func (fa *flow) onlyWrites(n types.Object, inc, dec *ast.IncDecStmt, from token.Pos) bool {
	ok := true
	ast.Inspect(fa.fn.Root().Node, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.IncDecStmt:
			if x != inc && x != dec && refersTo(fa.info, x.X, n) {
				ok = false
			}
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if refersTo(fa.info, l, n) && x.Pos() >= from {
					ok = false
				}
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND && refersTo(fa.info, x.X, n) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// refersTo reports whether e is an identifier denoting obj.
func refersTo(info *types.Info, e ast.Expr, obj types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && (info.Uses[id] == obj || info.Defs[id] == obj)
}

// jumpsOut reports whether n holds (outside function literals) a return, a goto or a
// labelled break or continue: a way past the statements after it.
func jumpsOut(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		case *ast.BranchStmt:
			if m.Tok == token.GOTO || m.Label != nil {
				found = true
			}
		}
		return !found
	})
	return found
}
