package singlesend

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
)

// newFlow prepares the dataflow over the control-flow graph of the function that makes
// the channel (the model's, with its no-return policy and dead branches).
func (ck *check) newFlow(active []*sender) *flow {
	body := ck.fn.Body
	fa := ck.baseFlow(ck.fn, ck.obj, len(active)+1)
	fa.makeNode = ck.stmtNode
	for _, s := range active {
		fa.gos[s.stmt] = true
	}
	fa.markComms(body)
	for _, rc := range ck.recvCalls {
		rc.flow = ck.calleeFlow(rc, fa.limit)
	}
	fa.placeCalls(ck.recvCalls)
	gos := goCursors(ck.fn.Cursor.Child(body), active)
	fa.matchFanIn(gos) // after the comm clauses
	fa.matchCountedFanIn(gos)
	fa.matchFanInCall(gos)
	fa.countedLoops(body)
	return fa
}

// baseFlow returns a dataflow over g's graph that follows obj, with limit pending sends
// at most; the three flows (the maker's, a receiving callee's, a caller's of a returned
// channel) add their own parts.
func (ck *check) baseFlow(g *model.Func, obj *types.Var, limit int) *flow {
	hasEmptySelect := false
	ast.Inspect(g.Body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectStmt); ok && len(sel.Body.List) == 0 {
			hasEmptySelect = true
		}
		_, isLit := n.(*ast.FuncLit)
		return !isLit
	})
	_, hasResults := resultsOf(g.Node)
	return &flow{
		info:       ck.info,
		obj:        obj,
		g:          g.CFG(),
		gos:        make(map[ast.Node]bool),
		mayReturn:  ck.m.MayReturn,
		canFallOff: !hasResults && !hasEmptySelect,
		commRecv:   make(map[ast.Node]bool),
		caseRecv:   make(map[ast.Node]bool),
		running:    make(map[ast.Node]bool),
		limit:      limit,
		handIdx:    -1,
		rbrace:     g.Body.Rbrace,
		fn:         g,
		flags:      g.Flags(),
	}
}

// flow is the dataflow over the function's CFG that counts, on every path from the make,
// the started sending goroutines whose value was not yet received.
type flow struct {
	info       *types.Info
	obj        *types.Var
	g          *cfg.CFG
	makeNode   ast.Node
	gos        map[ast.Node]bool // the go statements of the senders
	mayReturn  func(*ast.CallExpr) bool
	canFallOff bool              // a block without successors may fall off the end of the body
	commRecv   map[ast.Node]bool // select comm statements receiving from the channel
	caseRecv   map[ast.Node]bool // their comm clauses
	limit      int               // pending counts saturate here
	loops      []*countedLoop
	rbrace     token.Pos         // the closing brace of the function's body
	neutral    map[ast.Node]bool // go statements and receives of matched fan-out/fan-in loops
	running    map[ast.Node]bool // nodes that may run while a sender has not been received from
	fn         *model.Func
	flags      *model.Flags // boolean flags whose values a path knows

	// The channel followed into the package's functions (escape.go).
	calls        map[ast.Node][]*recvCall // receiving calls (the callee only receives), by CFG node
	unsure       bool                     // a node holds a receiving call and another receive
	recvOf       ast.Expr                 // a call whose result is the channel: <-f() receives from it
	startPending int                      // sends pending when the channel reaches makeNode (a call of its maker)
	handIdx      int                      // the result through which a return hands the channel to the caller; -1: none
	handed       int                      // the most sends pending where a return hands the channel over
}

func (fa *flow) isRecvOp(e ast.Expr) bool {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return false
	}
	if fa.recvOf != nil && ast.Unparen(u.X) == fa.recvOf {
		return true
	}
	id, ok := ast.Unparen(u.X).(*ast.Ident)
	return ok && fa.obj != nil && fa.info.Uses[id] == fa.obj
}

// find returns the block and index of node n.
func (fa *flow) find(n ast.Node) (*cfg.Block, int) {
	for _, b := range fa.g.Blocks {
		if !b.Live {
			continue
		}
		for i, m := range b.Nodes {
			if m == n {
				return b, i
			}
		}
	}
	return nil, 0
}

// recvs counts the receives from the channel that node n performs.
func (fa *flow) recvs(n ast.Node) int {
	skip := ast.Expr(nil)
	if fa.commRecv[n] {
		skip = ast.Unparen(commRecvExpr(n.(ast.Stmt)))
	}
	count := 0
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if m != skip && fa.isRecvOp(m) {
				count++
			}
		}
		return true
	})
	return count
}

// isExit reports whether a block without successors returns from the function (rather
// than ending in a call that does not return, or an empty select).
func (fa *flow) isExit(b *cfg.Block) bool {
	if b.Return() != nil {
		return true
	}
	if b.Kind == cfg.KindSelectAfterCase {
		return false // no case of a select without default is ready: cannot happen
	}
	if len(b.Nodes) > 0 {
		switch n := b.Nodes[len(b.Nodes)-1].(type) {
		case *ast.ReturnStmt:
			return true
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok && !fa.mayReturn(call) {
				return false
			}
		}
	}
	return fa.canFallOff
}

// A state is where the dataflow stands: a block, the iteration counts of the counted
// loops (-1: unknown) and the values of the function's flags.
type state struct {
	b     *cfg.Block
	count [maxCounted]int8
	flags model.FlagValues
}

// leaks runs the dataflow from node mi of block mb (the make) and reports whether some
// exit is reached with a pending send, and where. A return that hands the channel to
// the caller (handIdx) is no such exit: it records in handed what it hands over.
func (fa *flow) leaks(mb *cfg.Block, mi int) (token.Pos, bool) {
	var witness token.Pos
	leak := false
	start := mi + 1
	if fa.startPending > 0 {
		start = mi // the channel arrives at the node of the call
	}
	fa.walk(mb, start, 0, func(pending int, b *cfg.Block, pos token.Pos) {
		if b != nil && fa.handIdx >= 0 {
			if r := b.Return(); r != nil && fa.hands(r) {
				fa.handed = max(fa.handed, pending)
				return
			}
		}
		if pending > 0 && !leak {
			leak = true
			witness = pos
		}
	})
	return witness, leak
}

// hands reports whether return statement r returns the channel itself as result handIdx.
func (fa *flow) hands(r *ast.ReturnStmt) bool {
	if fa.handIdx >= len(r.Results) {
		return false
	}
	id, ok := ast.Unparen(r.Results[fa.handIdx]).(*ast.Ident)
	return ok && fa.info.Uses[id] == fa.obj
}

// exitMax runs the dataflow over the whole function from its entry, with pin sends
// pending there, and returns the most sends pending where it returns; -1 when it never
// returns.
func (fa *flow) exitMax(pin int) int {
	most := -1
	fa.walk(fa.g.Blocks[0], 0, pin, func(pending int, b *cfg.Block, pos token.Pos) {
		most = max(most, pending)
	})
	return most
}

// walk runs the dataflow from node start of block mb, with pin sends pending, and calls
// exit with the sends pending at each exit of the function (b is nil where the channel
// is abandoned by a new one made at makeNode).
func (fa *flow) walk(mb *cfg.Block, start0, pin int, exit func(pending int, b *cfg.Block, pos token.Pos)) {
	in := make(map[state]int) // max pending at block entry
	var work []state
	atExit := func(pending int, pos token.Pos) { exit(pending, nil, pos) }
	push := func(st state, pending int) {
		if old, ok := in[st]; !ok || pending > old {
			in[st] = pending
			work = append(work, st)
		}
	}
	run := func(st state, start, pending int) {
		b := st.b
		if start == 0 && fa.caseRecv[b.Stmt] && !fa.neutral[b.Stmt] && b.Kind == cfg.KindSelectCaseBody {
			pending = max(pending-1, 0)
		}
		if start == 0 && b.Kind == cfg.KindSelectDone {
			if sel, ok := b.Stmt.(*ast.SelectStmt); ok && len(sel.Body.List) == 0 {
				return // select {} blocks forever
			}
		}
		for i, l := range fa.loops {
			if start == 0 && l.body == b && st.count[i] >= 0 && int(st.count[i]) < l.k {
				st.count[i]++
			}
		}
		for _, n := range b.Nodes[start:] {
			if pending > 0 {
				fa.running[n] = true
			}
			if n == fa.makeNode && n != nil {
				// A new channel replaces this one: the old one is abandoned here.
				if fa.startPending == 0 || pending > 0 {
					atExit(pending, n.Pos())
					return
				}
				pending = fa.startPending // a call of the maker hands it over
			}
			if fa.gos[n] && !fa.neutral[n] {
				pending = min(pending+1, fa.limit)
			}
			for _, rc := range fa.calls[n] {
				if pending = fa.summary(rc, pending); pending < 0 {
					return // the callee never returns
				}
			}
			if !fa.neutral[n] {
				pending = max(pending-fa.recvs(n), 0)
			}
			for i, l := range fa.loops {
				switch n {
				case l.reset:
					st.count[i] = 0
				case l.incr:
					if st.count[i] >= 0 && int(st.count[i]) < l.k {
						st.count[i]++
					}
				}
			}
			fa.flags.Apply(n, &st.flags)
		}
		if len(b.Succs) == 0 {
			if fa.isExit(b) {
				pos := fa.rbrace // falls off the end
				if r := b.Return(); r != nil {
					pos = r.Pos()
				}
				exit(pending, b, pos)
			}
			return
		}
		ruledOut := fa.flags.Infeasible(b, st.flags)
		for j, s := range b.Succs {
			ok := j != ruledOut
			for i, l := range fa.loops {
				if l.cond == b && st.count[i] >= 0 {
					done := int(st.count[i]) >= l.k
					ok = ok && (j == 1) == done
				}
			}
			if ok {
				push(state{s, st.count, st.flags}, pending)
			}
		}
	}
	var init state
	init.b = mb
	for i := range init.count {
		init.count[i] = -1
	}
	init.flags = model.Unknown()
	run(init, start0, pin)
	for len(work) > 0 {
		st := work[len(work)-1]
		work = work[:len(work)-1]
		run(st, 0, in[st])
	}
}

// inLoop reports whether go statement gs can run again after itself without the make
// running in between.
func (fa *flow) inLoop(gs ast.Node) bool {
	b, i := fa.find(gs)
	if b == nil {
		return false
	}
	seen := make(map[*cfg.Block]bool)
	var visit func(b *cfg.Block, start int) bool
	visit = func(b *cfg.Block, start int) bool {
		for _, n := range b.Nodes[start:] {
			if n == gs {
				return true
			}
			if n == fa.makeNode {
				return false
			}
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				if visit(s, 0) {
					return true
				}
			}
		}
		return false
	}
	return visit(b, i+1)
}
