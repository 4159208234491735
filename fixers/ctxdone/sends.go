package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
)

// sendsFit reports whether no send on the channel of op can block: the model proves that
// the channel's capacity covers every send that can be made on it (model.Chans.Fits: a
// goroutine's one result on a channel of capacity one, a fan-out of N goroutines each
// sending once on a channel of capacity N...), or that its buffer has a free slot
// wherever op runs (model.Chans.HasRoom: the sole sender checks len before it fills
// the buffer), or that its requester waits for it (model.Chans.Awaited: a reply channel
// carried by a request), or that only the run of op's function that makes the channel
// can send on it, at most its capacity (model.Chans.RunFits: etcd's Watch sends once on
// closeCh, of capacity 1, and returns it receive-only); or the channel is a local
// variable of op's function, made there with a constant capacity, and every send on it
// is in that function, outside loops or in loops with a constant trip count, with at
// most capacity sends in all.
func (c *checker) sendsFit(op *model.ChanOp) bool {
	ch := c.cs.Of(op.Ch)
	if ch == nil || op.Func == nil {
		return false
	}
	if c.cs.Fits(ch) || c.cs.HasRoom(op) || c.cs.Awaited(ch) || c.cs.RunFits(op) {
		return true
	}
	o, ok := c.cs.Object(op.Ch).(*types.Var)
	body := op.Func.Body
	if !ok || o.Pos() < body.Pos() || o.Pos() >= body.End() {
		return false
	}
	capacity, ok := ch.Capacity()
	if !ok && len(ch.Makes) == 1 && len(ch.Makes[0].Call.Args) == 2 {
		// A capacity that is not a constant: a fill loop that runs that many times.
		return c.freshFill(op, o, 0, ch.Makes[0].Call.Args[1])
	}
	if !ok || capacity <= 0 {
		return false
	}
	if c.freshFill(op, o, capacity, nil) {
		return true
	}
	var total int64
	for _, q := range ch.Ops {
		if q.Kind != model.Send {
			continue
		}
		if q.Func != op.Func {
			return false
		}
		n := int64(1)
		for p := q.Cursor.Parent(); p.Valid() && p.Node() != body; p = p.Parent() {
			switch l := p.Node().(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				k, ok := model.TripCount(c.info, l)
				if !ok {
					return false
				}
				n *= k
			}
			if n > capacity {
				return false
			}
		}
		total += n
		if total > capacity {
			return false
		}
	}
	return true
}

// dropsResource says why abandoning the send would leak its value: a value with a
// Close method that the receiving side would have closed.
func (c *checker) dropsResource(s *ast.SendStmt) string {
	t := c.info.TypeOf(s.Value)
	if t == nil {
		return ""
	}
	if types.NewMethodSet(t).Lookup(nil, "Close") != nil {
		return "the value sent has a Close method: abandoning the send would leak it"
	}
	return ""
}

// freshFill reports whether op fills a channel just made: the statement that defines
// v is followed in its block by the statement containing op, nothing in between (nor
// in that statement) refers to v except op's channel, and op runs at most capacity
// times there — like the prefill of a semaphore. When the capacity is an expression
// capExpr rather than a constant, op must be in a single loop that runs capExpr times
// (model.Func.RunsTimes: minio-go fills its pool of nBuffers buffers).
func (c *checker) freshFill(op *model.ChanOp, v *types.Var, capacity int64, capExpr ast.Expr) bool {
	id, ok := c.defCursor(v)
	if !ok {
		return false
	}
	def := id.Parent()
	if _, ok := def.Node().(*ast.ValueSpec); ok {
		def = def.Parent().Parent() // the DeclStmt
	}
	blk, ok := def.Parent().Node().(*ast.BlockStmt)
	if !ok {
		return false
	}
	i := slices.IndexFunc(blk.List, func(s ast.Stmt) bool { return s == def.Node() })
	if i < 0 {
		return false
	}
	chID := identOf(op.Ch)
	if chID == nil {
		return false
	}
	for _, s := range blk.List[i+1:] {
		other := false
		ast.Inspect(s, func(n ast.Node) bool {
			if x, ok := n.(*ast.Ident); ok && x != chID && c.info.Uses[x] == v {
				other = true
			}
			return !other
		})
		if other {
			return false
		}
		if s.Pos() <= op.Node.Pos() && op.Node.End() <= s.End() {
			n := int64(1)
			loops := 0
			for p := op.Cursor.Parent(); p.Valid() && p.Node() != blk; p = p.Parent() {
				switch p := p.Node().(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					loops++
					if capExpr != nil {
						if loops > 1 || !op.Func.RunsTimes(p, capExpr) {
							return false
						}
						continue
					}
					k, ok := model.TripCount(c.info, p)
					if !ok {
						return false
					}
					n *= k
				case *ast.FuncLit:
					return false
				}
				if capExpr == nil && n > capacity {
					return false
				}
			}
			return capExpr == nil || loops == 1
		}
	}
	return false
}

// semaphore reports whether op acquires a slot of a semaphore whose slots are released
// by goroutines started in op's function: a buffered channel all of whose receives are
// in function literals started by go statements inside that function. The send waits
// for one of them to finish, not forever.
func (c *checker) semaphore(op *model.ChanOp) bool {
	ch := c.cs.Of(op.Ch)
	if ch == nil || !ch.Buffered() {
		return false
	}
	fn := op.Func.Node
	recvs := 0
	for _, q := range ch.Ops {
		if q.Kind == model.Send || q.Kind == model.Close {
			continue
		}
		recvs++
		if !c.startedIn(q.Cursor, fn) {
			return false
		}
	}
	return recvs > 0
}

// startedIn reports whether the node at cur is in a function literal started by a go
// statement inside fn.
func (c *checker) startedIn(cur inspector.Cursor, fn ast.Node) bool {
	for p := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if p.Node() == fn {
			return false
		}
		lit, ok := p.Node().(*ast.FuncLit)
		if !ok {
			return false
		}
		if f := c.m.FuncOf(lit); f != nil && f.IsGoroutine() && fn.Pos() <= lit.Pos() && lit.End() <= fn.End() {
			return true
		}
	}
	return false
}

// reply reports whether op sends the reply to a request whose sender waits for it: op
// is in a range loop over a channel of requests, and every send of a request is followed
// at once, whatever the select it is a case of chose, by a receive from op's channel
// (minio-go's Object: doGetRequest sends on reqCh, then receives from resCh). The
// requester is there to take each reply.
func (c *checker) reply(op *model.ChanOp) bool {
	res := c.cs.Of(op.Ch)
	if res == nil || res.Escapes != "" {
		return false
	}
	var req *model.Chan
	for p := range op.Cursor.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if r, ok := p.Node().(*ast.RangeStmt); ok {
			if q := c.cs.Op(r); q != nil {
				req = c.cs.Of(r.X)
			}
		}
		break
	}
	if req == nil || req == res || req.Escapes != "" {
		return false
	}
	sends := 0
	for _, q := range req.Ops {
		if q.Kind != model.Send {
			continue
		}
		sends++
		stmt := q.Cursor
		if q.Select != nil {
			if body := q.Cursor.Parent().Node().(*ast.CommClause).Body; len(body) > 0 {
				return false // the case does something else first, perhaps returns
			}
			for p := range q.Cursor.Enclosing((*ast.SelectStmt)(nil)) {
				stmt = p
				break
			}
		}
		next, ok := stmt.NextSibling()
		if !ok || !c.receivesFrom(next.Node(), res) {
			return false
		}
	}
	return sends > 0
}

// receivesFrom reports whether s is a statement that receives from a channel of class ch:
// <-ch, v := <-ch, v, ok = <-ch.
func (c *checker) receivesFrom(s ast.Node, ch *model.Chan) bool {
	var x ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		x = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			x = s.Rhs[0]
		}
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && len(gd.Specs) == 1 {
			if vs, ok := gd.Specs[0].(*ast.ValueSpec); ok && len(vs.Values) == 1 {
				x = vs.Values[0]
			}
		}
	}
	u, ok := ast.Unparen(x).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW && c.cs.Of(u.X) == ch
}
