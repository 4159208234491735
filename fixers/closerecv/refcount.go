package closerecv

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
)

// lastRelease reports whether the close cl is made by whoever releases the last count
// of a reference count that every sender releases after its send: the close is in the
// body of if atomic.AddInt64(&n, -1) == 0 (or n.Add(-1) == 0 on a sync/atomic integer),
// each send is outside loops of its function and followed there, in the statements
// after it, by a release of n (such a test, or a plain atomic decrement), and something
// takes counts on n (an Add with a positive constant). The counter reaches zero only
// after every sender that holds a count has sent (gocql's Session.init: each connecting
// goroutine sends on connectedCh, then the last to leave closes it).
func lastRelease(info *types.Info, cl op, sends []op) bool {
	n := releaseTest(info, cl.cur)
	if n == nil || !takesCounts(info, cl.fn.Root().Cursor, n) {
		return false
	}
	for _, s := range sends {
		if s.inLoop || s.origin != nil || !releasedAfter(info, s, n) {
			return false
		}
	}
	return true
}

// releaseTest returns the counter of the release test whose if body holds the close at
// cur, in its function: if atomic.AddInt64(&n, -1) == 0 { ...close(ch)... }.
func releaseTest(info *types.Info, cur inspector.Cursor) types.Object {
	for p := cur.Parent(); p.Valid(); p = p.Parent() {
		switch n := p.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil
		case *ast.IfStmt:
			if n.Body.Pos() <= cur.Node().Pos() && cur.Node().End() <= n.Body.End() {
				if b, ok := ast.Unparen(n.Cond).(*ast.BinaryExpr); ok && b.Op == token.EQL && isZero(info, b.Y) {
					if call, ok := ast.Unparen(b.X).(*ast.CallExpr); ok {
						if obj, delta := counterAdd(info, call); obj != nil && delta < 0 {
							return obj
						}
					}
				}
			}
		}
	}
	return nil
}

// counterAdd returns the counter and the constant delta of an atomic Add on an integer
// (atomic.AddInt64(&n, d), n.Add(d)), or nil.
func counterAdd(info *types.Info, call *ast.CallExpr) (types.Object, int64) {
	a, ok := model.Atomic(info, call)
	if !ok || a.Op != "Add" || len(a.Args) != 1 {
		return nil, 0
	}
	tv := info.Types[a.Args[0]]
	if tv.Value == nil {
		return nil, 0
	}
	d, ok := constant.Int64Val(constant.ToInt(tv.Value))
	if !ok {
		return nil, 0
	}
	var obj types.Object
	switch t := ast.Unparen(a.Target).(type) {
	case *ast.Ident:
		obj = info.Uses[t]
	case *ast.SelectorExpr:
		obj = info.Uses[t.Sel]
	}
	if _, ok := obj.(*types.Var); !ok {
		return nil, 0
	}
	return obj, d
}

// isZero reports whether e is the constant 0.
func isZero(info *types.Info, e ast.Expr) bool {
	tv := info.Types[e]
	return tv.Value != nil && constant.Sign(tv.Value) == 0
}

// takesCounts reports whether fn (a function's cursor, its literals included) adds a
// positive constant to the counter n.
func takesCounts(info *types.Info, fn inspector.Cursor, n types.Object) bool {
	found := false
	for cur := range fn.Preorder((*ast.CallExpr)(nil)) {
		if obj, d := counterAdd(info, cur.Node().(*ast.CallExpr)); obj == n && d > 0 {
			found = true
			break
		}
	}
	return found
}

// releasedAfter reports whether a statement after the send s, in its block or a block
// around it within its function, releases a count of n (adds a negative constant).
func releasedAfter(info *types.Info, s op, n types.Object) bool {
	for c := s.cur; c.Valid() && c.Node() != s.fn.Node; c = c.Parent() {
		if _, ok := c.Node().(ast.Stmt); !ok {
			continue
		}
		switch c.Parent().Node().(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
		default:
			continue // an if's else, a for's post: not after the send on its path
		}
		for next, ok := c.NextSibling(); ok; next, ok = next.NextSibling() {
			found := false
			ast.Inspect(next.Node(), func(x ast.Node) bool {
				switch x := x.(type) {
				case *ast.FuncLit:
					return false
				case *ast.CallExpr:
					if obj, d := counterAdd(info, x); obj == n && d < 0 {
						found = true
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
