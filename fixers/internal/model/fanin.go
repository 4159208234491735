package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/inspector"
)

// Counted fan-in: workers take jobs from a channel J and answer each on a channel R,
// one result per job; J gets K jobs at most, and the function that starts the workers
// receives K results from R before it goes on. Once it has them, every job is done, so
// what the workers do for a job is ordered before what the function does next, though
// the workers may still run (minio-go's putObjectMultipartStreamFromReadAt: the workers
// read opts, which the function assigns once all parts are uploaded).

// countedFanIn reports whether the access a of s's goroutine is ordered before the
// access f of the function that starts it by a counted fan-in:
//
//   - R and J are variables of the function that starts s (so that no other run of it
//     shares them); the goroutine sends on R, and nothing else does: no other function
//     sends on R, nothing closes it, and it does not escape;
//   - a runs only for a job: on every path to a from the goroutine's entry, or from one
//     of its sends on R, it receives from J, a channel that does not escape; and from
//     the entry or a send on R, no path reaches another send on R without receiving
//     from J first (one result per job). When J is closed, each such receive is a
//     range, or a receive with ok that returns when !ok;
//   - J has a single send, in a loop run once (by the function that starts s, or by a
//     goroutine it starts outside loops) whose trip key is K;
//   - f comes after a loop of the function, in no other loop, with trip key K (the
//     same bound), whose body begins with a receive from R, or with a select without
//     default whose other cases return, and that nothing breaks out of: on every path
//     from the go statement to f the loop has ended.
func (sh *Shared) countedFanIn(s *Spawn, a, f *Access) bool {
	pa := sh.posIn(s.Lit, a.Cursor)
	if !pa.valid() || !f.at.valid() || !s.at.valid() {
		return false
	}
	for r := range s.sends {
		if !sh.resultsOnly(s, r) || !localTo(r, s.In) {
			continue
		}
		for _, j := range sh.jobClasses(s) {
			if j == r || !localTo(j, s.In) {
				continue
			}
			loop, fn := sh.jobLoop(s, j)
			if loop == nil || !sh.perJob(s, pa, j, r) {
				continue
			}
			if sh.afterResults(s, f, r, loop, fn) {
				return true
			}
		}
	}
	return false
}

// localTo reports whether every member of c is a variable declared in fn's body (its
// own or a literal's in it): the channels of one run of fn, which no other run shares.
func localTo(c *Chan, fn *Func) bool {
	for _, o := range c.Members {
		v, ok := o.(*types.Var)
		if !ok || v.IsField() || v.Pos() < fn.Body.Pos() || v.Pos() >= fn.Body.End() {
			return false
		}
	}
	return len(c.Members) > 0
}

// resultsOnly reports whether s's goroutine is the only code that sends on r, and
// nothing closes r or lets it escape.
func (sh *Shared) resultsOnly(s *Spawn, r *Chan) bool {
	if r.Done || r.Escapes != "" {
		return false
	}
	sends := 0
	for _, op := range r.Ops {
		switch op.Kind {
		case Close:
			return false
		case Send:
			if op.Func != s.Lit {
				return false
			}
			sends++
		}
	}
	return sends > 0
}

// jobClasses returns the classes of the channels that s's literal itself receives
// from or ranges over, when they do not escape.
func (sh *Shared) jobClasses(s *Spawn) []*Chan {
	cs := sh.m.Chans()
	var out []*Chan
	for c := range s.Lit.Cursor.Preorder((*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil)) {
		op := cs.Op(c.Node())
		if op == nil || op.Func != s.Lit || (op.Kind != Recv && op.Kind != Range) {
			continue
		}
		if j := cs.Of(op.Ch); j != nil && !j.Done && j.Escapes == "" && !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	return out
}

// jobLoop returns the loop that holds the only send on j, and its function, when the
// loop runs once: in no other loop of a function that is the one starting s, or a
// literal that a go statement of that function, outside its loops, starts. The loop
// must have a trip key (Func.TripKey), not over a map.
func (sh *Shared) jobLoop(s *Spawn, j *Chan) (ast.Node, *Func) {
	var send *ChanOp
	for _, op := range j.Ops {
		if op.Kind == Send {
			if send != nil {
				return nil, nil
			}
			send = op
		}
	}
	if send == nil || send.Func == nil {
		return nil, nil
	}
	fn := send.Func
	if fn != s.In && !slices.ContainsFunc(fn.Started, func(g *Go) bool { return g.In == s.In && !g.InLoop }) {
		return nil, nil
	}
	loops := enclosingLoops(send.Cursor)
	if len(loops) != 1 {
		return nil, nil
	}
	if key, overMap := fn.TripKey(loops[0]); key == "" || overMap {
		return nil, nil
	}
	return loops[0], fn
}

// enclosingLoops returns the for and range statements that contain c in its innermost
// function, innermost first.
func enclosingLoops(c inspector.Cursor) []ast.Node {
	var out []ast.Node
	for p := range c.Parent().Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch p.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return out // fn, the innermost function of c
		}
		out = append(out, p.Node())
	}
	return out
}

// perJob reports whether the node at pa of s's literal runs only for a job taken from
// j, and the literal sends at most one result on r per job (see countedFanIn).
func (sh *Shared) perJob(s *Spawn, pa cfgPos, j, r *Chan) bool {
	cs := sh.m.Chans()
	ix := sh.indexOf(s.Lit)
	blocks := s.Lit.CFG().Blocks
	if len(blocks) == 0 {
		return false
	}
	closed := j.Closed()
	// A block entered by a case that receives from j, or the body of a range over j,
	// takes a job; a case that sends on r sends a result.
	takesJob := func(b *cfg.Block) bool {
		ch, comm, cc := sh.entryRecv(b)
		if ch == nil || cs.Of(ch) != j {
			return false
		}
		return comm == nil || !closed || len(cc.Body) > 0 && okGuarded(sh.m.Info, comm, cc.Body[0])
	}
	sendsResult := func(b *cfg.Block) bool {
		cc, ok := b.Stmt.(*ast.CommClause)
		if !ok || b.Kind != cfg.KindSelectCaseBody {
			return false
		}
		send, ok := cc.Comm.(*ast.SendStmt)
		return ok && cs.Of(send.Chan) == r
	}
	// Walk from the entry and from each send on r (after it), not past a job taken.
	type item struct {
		b     *cfg.Block
		i     int
		enter bool // the walk enters b here (from a predecessor)
	}
	work := []item{{blocks[0], 0, false}}
	for _, b := range blocks {
		if sendsResult(b) {
			work = append(work, item{b, 0, false})
		}
		for i, n := range b.Nodes {
			if send, ok := n.(*ast.SendStmt); ok && !ix.comms[n] && cs.Of(send.Chan) == r {
				work = append(work, item{b, i + 1, false})
			}
		}
	}
	seen := make(map[item]bool)
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[it] {
			continue
		}
		seen[it] = true
		if it.enter && takesJob(it.b) {
			continue
		}
		if it.enter && sendsResult(it.b) {
			return false // a second result, or one without a job
		}
		stopped := false
		for i := it.i; i < len(it.b.Nodes) && !stopped; i++ {
			n := it.b.Nodes[i]
			if it.b == pa.b && i == pa.i {
				return false // reached without a job
			}
			if ix.comms[n] {
				continue // evaluated before the select chooses its case
			}
			switch {
			case sh.sendsOn(n, r):
				return false
			case sh.takesJobNode(s, n, j, closed):
				stopped = true
			}
		}
		if !stopped {
			for _, b := range it.b.Succs {
				work = append(work, item{b, 0, true})
			}
		}
	}
	return true
}

// okGuarded reports whether recv is v, ok := <-ch (or =) and the statement next after
// it is if !ok { ...; return }: a receive that a close does not turn into a job.
func okGuarded(info *types.Info, recv, next ast.Stmt) bool {
	as, ok := recv.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 {
		return false
	}
	okID, isID := as.Lhs[1].(*ast.Ident)
	if !isID || okID.Name == "_" {
		return false
	}
	okVar := info.ObjectOf(okID)
	is, isIf := next.(*ast.IfStmt)
	if !isIf || is.Init != nil || is.Else != nil || len(is.Body.List) == 0 {
		return false
	}
	not, isNot := ast.Unparen(is.Cond).(*ast.UnaryExpr)
	if !isNot || not.Op != token.NOT {
		return false
	}
	id, isID := ast.Unparen(not.X).(*ast.Ident)
	if !isID || info.Uses[id] != okVar {
		return false
	}
	_, ret := is.Body.List[len(is.Body.List)-1].(*ast.ReturnStmt)
	return ret
}

// sendsOn reports whether node n of a graph sends on r, outside function literals.
func (sh *Shared) sendsOn(n ast.Node, r *Chan) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			if sh.m.Chans().Of(x.Chan) == r {
				found = true
			}
		}
		return !found
	})
	return found
}

// takesJobNode reports whether node n of s's literal receives a job from j: a plain
// receive statement, guarded by ok when j is closed.
func (sh *Shared) takesJobNode(s *Spawn, n ast.Node, j *Chan, closed bool) bool {
	st, ok := n.(ast.Stmt)
	if !ok {
		return false
	}
	if ch := RecvOperand(st); ch == nil || sh.m.Chans().Of(ch) != j {
		return false
	}
	if !closed {
		return true
	}
	c, ok := sh.indexOf(s.Lit).cursor[n]
	if !ok {
		return false
	}
	if _, inList := StmtList(c.Parent().Node()); !inList {
		return false
	}
	next, ok := c.NextSibling()
	if !ok {
		return false
	}
	nextStmt, ok := next.Node().(ast.Stmt)
	return ok && okGuarded(sh.m.Info, st, nextStmt)
}

// afterResults reports whether f, an access of the function that starts s, comes
// after a loop that receives as many results from r as jobLoop (of fn) sends jobs
// (see countedFanIn).
func (sh *Shared) afterResults(s *Spawn, f *Access, r *Chan, jobs ast.Node, fn *Func) bool {
	S := s.In
	key, _ := fn.TripKey(jobs)
	for _, op := range r.Ops {
		if op.Kind != Recv || op.Func != S {
			continue
		}
		loops := enclosingLoops(op.Cursor)
		if len(loops) != 1 {
			continue
		}
		lr := loops[0]
		if k, overMap := S.TripKey(lr); k != key || overMap || !fn.sameBound(jobs, loopBound(lr)) {
			continue
		}
		if !receivesFirst(lr, op) || leavesLoop(lr) {
			continue
		}
		if sh.reachedPast(s.at, f.at, lr) {
			continue
		}
		return true
	}
	return false
}

// loopBound returns the expression a trip key is made of: the bound of i < n, or what
// a range statement ranges over.
func loopBound(loop ast.Node) ast.Expr {
	switch l := loop.(type) {
	case *ast.ForStmt:
		if c, ok := l.Cond.(*ast.BinaryExpr); ok {
			return c.Y
		}
	case *ast.RangeStmt:
		return l.X
	}
	return nil
}

// RunsTimes reports whether loop, a loop of f, runs e times: its trip key (TripKey) is
// e, written with the same objects, and f does not change e (Stable).
func (f *Func) RunsTimes(loop ast.Node, e ast.Expr) bool {
	key, overMap := f.TripKey(loop)
	return key != "" && !overMap && key == types.ExprString(e) && f.sameBound(loop, e)
}

// sameBound reports whether the bound of loop (loopBound) uses the objects of e.
func (f *Func) sameBound(loop ast.Node, e ast.Expr) bool {
	b := loopBound(loop)
	if _, isRange := loop.(*ast.RangeStmt); isRange {
		if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 {
			e = call.Args[0] // len(x) against range x
		}
	}
	return sameObjects(f.m.Info, b, e) && f.Stable(e)
}

// sameObjects reports whether a and b use the same objects, in the same order.
func sameObjects(info *types.Info, a, b ast.Expr) bool {
	objs := func(e ast.Expr) []types.Object {
		var out []types.Object
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				out = append(out, info.Uses[id])
			}
			return true
		})
		return out
	}
	return a != nil && b != nil && slices.Equal(objs(a), objs(b))
}

// receivesFirst reports whether the body of loop begins with the receive op: the
// statement itself, or a select without default whose every other case returns.
func receivesFirst(loop ast.Node, op *ChanOp) bool {
	body, _ := StmtBody(loop).(*ast.BlockStmt)
	if body == nil || len(body.List) == 0 {
		return false
	}
	first := body.List[0]
	if op.Select == nil {
		return op.Cursor.Parent().Node() == first || op.Cursor.Parent().Parent().Node() == first
	}
	if op.Select != first {
		return false
	}
	for _, cl := range op.Select.Body.List {
		cc := cl.(*ast.CommClause)
		if cc.Comm == nil {
			return false // a default
		}
		if cc.Comm.Pos() <= op.Node.Pos() && op.Node.End() <= cc.Comm.End() {
			continue
		}
		if len(cc.Body) == 0 {
			return false
		}
		if _, ok := cc.Body[len(cc.Body)-1].(*ast.ReturnStmt); !ok {
			return false
		}
	}
	return true
}

// leavesLoop reports whether a break or goto in loop's body may leave it early: an
// unlabeled break outside the statements it would break first, any labeled break, or
// any goto.
func leavesLoop(loop ast.Node) bool {
	leaves := false
	WalkBranches(StmtBody(loop), func(b *ast.BranchStmt, depth int) {
		leaves = leaves || b.Tok == token.GOTO || b.Tok == token.BREAK && (b.Label != nil || depth == 0)
	})
	return leaves
}

// reachedPast reports whether a path of the graph leads from p (after it) to q without
// passing the end of loop (its done block).
func (sh *Shared) reachedPast(p, q cfgPos, loop ast.Node) bool {
	seen := make(map[*cfg.Block]bool)
	type item struct {
		b *cfg.Block
		i int
	}
	work := []item{{p.b, p.i + 1}}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		if (it.b.Kind == cfg.KindForDone || it.b.Kind == cfg.KindRangeDone) && it.b.Stmt == loop {
			continue
		}
		if it.b == q.b && it.i <= q.i {
			return true
		}
		if it.i == 0 {
			if seen[it.b] {
				continue
			}
			seen[it.b] = true
		}
		for _, b := range it.b.Succs {
			work = append(work, item{b, 0})
		}
	}
	return false
}
