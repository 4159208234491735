package singlesend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// returnedAt reports whether the identifier at c is a result of a return statement of
// the function that makes the channel (a declared function: its callers are the
// package's calls of it), and records which result.
func (ck *check) returnedAt(c inspector.Cursor) bool {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.ReturnStmt_Results || ck.fn.Obj == nil {
		return false
	}
	i := c.ParentEdgeIndex()
	if ck.handIdx >= 0 && ck.handIdx != i {
		return false
	}
	if len(c.Parent().Node().(*ast.ReturnStmt).Results) != ck.fn.Sig.Results().Len() {
		return false
	}
	ck.handIdx = i
	return true
}

// A caller is a call of the function that makes and returns the channel, and how it
// receives from the result.
type caller struct {
	call *ast.CallExpr
	fn   *flow
	node ast.Node // the graph node that holds the call
}

// callers follows the returned channel (uber/ringpop-go#63's MakeCall) into the calls of
// its maker: every reference to the maker must be a call whose result is received at
// once (<-f(), as the case of a select) or assigned to a local variable that its
// function only receives from. It returns where the first caller that can return
// without receiving does, with pending sends handed over by the maker; ok is false when
// a reference is anything else (the channel goes where the model does not follow it).
// unseen says why some callers may not be in the package.
func (ck *check) callers(handed, limit int) (witness token.Pos, ok bool, unseen string) {
	obj := ck.fn.Obj
	switch {
	case obj.Exported():
		unseen = fmt.Sprintf("%s is exported: its callers in other packages are unseen", obj.Name())
	case ck.fn.Sig.Recv() != nil && ck.interfaceHas(obj.Name()):
		unseen = fmt.Sprintf("an interface of the package has a method %s: calls through it are unseen", obj.Name())
	}
	var calls []caller
	for cur := range ck.m.Inspector.Root().Preorder((*ast.Ident)(nil)) {
		fn, isFn := ck.info.Uses[cur.Node().(*ast.Ident)].(*types.Func)
		if !isFn || fn.Origin() != obj {
			continue
		}
		c, found := ck.callerOf(cur, handed, limit)
		if !found {
			return token.NoPos, false, ""
		}
		calls = append(calls, c)
	}
	for _, c := range calls {
		mb, mi := c.fn.find(c.node)
		if mb == nil {
			continue // dead code
		}
		if w, leak := c.fn.leaks(mb, mi); leak && !witness.IsValid() {
			witness = w
		}
	}
	return witness, true, unseen
}

// callerOf classifies the reference at id to the maker.
func (ck *check) callerOf(id inspector.Cursor, handed, limit int) (caller, bool) {
	c := id
	if c.ParentEdgeKind() == edge.SelectorExpr_Sel {
		c = c.Parent()
	}
	switch c.ParentEdgeKind() {
	case edge.IndexExpr_X, edge.IndexListExpr_X:
		c = c.Parent() // an instantiation f[T]
	}
	if c.ParentEdgeKind() != edge.CallExpr_Fun {
		return caller{}, false // a function value
	}
	callCur := c.Parent()
	call := callCur.Node().(*ast.CallExpr)
	g := ck.m.Enclosing(callCur)
	if g == nil || g == ck.fn {
		return caller{}, false
	}
	u := callCur
	for u.ParentEdgeKind() == edge.ParenExpr_X {
		u = u.Parent()
	}
	var v *types.Var // the local variable that holds the channel
	var recvOf ast.Expr
	switch u.ParentEdgeKind() {
	case edge.UnaryExpr_X:
		if u.Parent().Node().(*ast.UnaryExpr).Op != token.ARROW || ck.fn.Sig.Results().Len() != 1 {
			return caller{}, false
		}
		recvOf = call
	case edge.AssignStmt_Rhs:
		as := u.Parent().Node().(*ast.AssignStmt)
		if as.Tok != token.DEFINE || len(as.Rhs) != 1 || len(as.Lhs) != ck.fn.Sig.Results().Len() {
			return caller{}, false
		}
		if lid, isID := as.Lhs[ck.handIdx].(*ast.Ident); isID {
			v, _ = ck.info.Defs[lid].(*types.Var)
		}
	case edge.ValueSpec_Values:
		vs := u.Parent().Node().(*ast.ValueSpec)
		if len(vs.Values) != 1 || len(vs.Names) != ck.fn.Sig.Results().Len() {
			return caller{}, false
		}
		v, _ = ck.info.Defs[vs.Names[ck.handIdx]].(*types.Var)
	default:
		return caller{}, false
	}
	if recvOf == nil {
		if v == nil {
			return caller{}, false // assigned to _, or redeclared
		}
		for vc := range g.Cursor.Child(g.Body).Preorder((*ast.Ident)(nil)) {
			if ck.info.Uses[vc.Node().(*ast.Ident)] == v && (ck.m.Enclosing(vc) != g || !isRecv(vc)) {
				return caller{}, false // the caller does more than receive
			}
		}
	}
	fa := ck.callerFlow(g, v, recvOf, handed, limit)
	node := fa.nodeOf(call)
	if node == nil {
		return caller{}, false
	}
	fa.makeNode = node
	return caller{call: call, fn: fa, node: node}, true
}

// callerFlow prepares the dataflow over the caller's graph, following v (or the result
// of the call recvOf), with handed sends pending once the call returns.
func (ck *check) callerFlow(g *model.Func, v *types.Var, recvOf ast.Expr, handed, limit int) *flow {
	fa := ck.baseFlow(g, v, limit)
	fa.recvOf, fa.startPending = recvOf, handed
	fa.markComms(g.Body)
	fa.countedLoops(g.Body)
	return fa
}

// nodeOf returns the live graph node that holds call (outside function literals).
func (fa *flow) nodeOf(call *ast.CallExpr) ast.Node {
	for _, b := range fa.g.Blocks {
		if !b.Live {
			continue
		}
		for _, n := range b.Nodes {
			if holds(n, call) {
				return n
			}
		}
	}
	return nil
}

// holds reports whether n holds call outside function literals.
func holds(n ast.Node, call *ast.CallExpr) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		switch m.(type) {
		case *ast.FuncLit:
			return false
		}
		found = found || m == call
		return !found
	})
	return found
}

// interfaceHas reports whether an interface type of the package has a method name (an
// unexported method can only be called through an interface of its own package).
func (ck *check) interfaceHas(name string) bool {
	for _, tv := range ck.info.Types {
		if !tv.IsType() {
			continue
		}
		if it, ok := tv.Type.Underlying().(*types.Interface); ok {
			for i := range it.NumMethods() {
				if it.Method(i).Name() == name {
					return true
				}
			}
		}
	}
	return false
}
