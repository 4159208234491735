package closerecv

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "closerecv",
	Doc:      fixkit.Doc(docGo, "closerecv"),
	URL:      fixkit.URL("closerecv"),
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// op is a channel operation on a channel variable or field.
type op struct {
	obj    *types.Var
	pos    token.Pos
	cur    inspector.Cursor
	fn     inspector.Cursor // the innermost function executing it
	kind   int
	inLoop bool // in a loop of its function
}

const (
	opSend = iota
	opRecv
	opClose
)

func run(pass *analysis.Pass) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	info := pass.TypesInfo
	var ops []op
	hasClose := false
	add := func(c inspector.Cursor, x ast.Expr, kind int) {
		obj := chanVar(info, x)
		if obj == nil {
			return
		}
		fn := enclosingFunc(c)
		ops = append(ops, op{obj: obj, pos: c.Node().Pos(), cur: c, fn: fn, kind: kind, inLoop: inLoop(c, fn)})
		if kind == opClose {
			hasClose = true
		}
	}
	for c := range insp.Root().Preorder((*ast.SendStmt)(nil), (*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil), (*ast.CallExpr)(nil)) {
		switch n := c.Node().(type) {
		case *ast.SendStmt:
			add(c, n.Chan, opSend)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				add(c, n.X, opRecv)
			}
		case *ast.RangeStmt:
			if _, ok := info.TypeOf(n.X).Underlying().(*types.Chan); ok {
				add(c, n.X, opRecv)
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "close" {
					add(c, n.Args[0], opClose)
				}
			}
		}
	}
	if !hasClose {
		return nil, nil
	}
	for _, cl := range ops {
		if cl.kind != opClose || !cl.fn.Valid() {
			continue
		}
		recv, sendHere := false, false
		var sends []op
		for _, o := range ops {
			if o.obj != cl.obj {
				continue
			}
			same := o.fn == cl.fn
			switch {
			case o.kind == opRecv && same:
				recv = true
			case o.kind == opSend && same:
				sendHere = true
			case o.kind == opSend:
				sends = append(sends, o)
			}
		}
		if !recv || sendHere || len(sends) == 0 || waits(info, cl.fn) {
			continue
		}
		// A token channel: every function that sends on it received from it first (it
		// hands back a token it holds), so the closer holding the token has no sender
		// to race with.
		if tokenPassing(ops, cl.obj) {
			continue
		}
		// "<-ch; close(ch)" after the one send there is (outside loops): the sender is done.
		if len(sends) == 1 && !sends[0].inLoop && receivedJustBefore(info, cl) {
			continue
		}
		sendElsewhere := sends[0].pos
		pass.Report(analysis.Diagnostic{
			Pos:     cl.pos,
			Message: "channel " + cl.obj.Name() + " is closed by a function that only receives from it while others send on it: a send after the close panics",
			Related: []analysis.RelatedInformation{{Pos: sendElsewhere, Message: "sent on here"}},
		})
	}
	return nil, nil
}

// chanVar returns the variable or struct field a channel expression denotes.
func chanVar(info *types.Info, x ast.Expr) *types.Var {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		v, _ := info.Uses[x].(*types.Var)
		return v
	case *ast.SelectorExpr:
		if s := info.Selections[x]; s != nil && s.Kind() == types.FieldVal {
			v, _ := s.Obj().(*types.Var)
			return v
		}
		v, _ := info.Uses[x.Sel].(*types.Var) // a package-level variable of another package
		return v
	}
	return nil
}

func enclosingFunc(c inspector.Cursor) inspector.Cursor {
	for f := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return f
	}
	return inspector.Cursor{}
}

// waits reports whether the function (outside nested literals) calls Wait of a
// sync.WaitGroup or an errgroup.Group: it joins its senders before closing.
func waits(info *types.Info, fn inspector.Cursor) bool {
	found := false
	fn.Inspect([]ast.Node{(*ast.CallExpr)(nil), (*ast.FuncLit)(nil)}, func(c inspector.Cursor) bool {
		if found {
			return false
		}
		if _, ok := c.Node().(*ast.FuncLit); ok && c != fn {
			return false // another function: it does not join before this one closes
		}
		call, ok := c.Node().(*ast.CallExpr)
		if !ok {
			return true
		}
		if f, ok := typeutil.Callee(info, call).(*types.Func); ok && f.Name() == "Wait" && f.Pkg() != nil {
			switch f.Pkg().Path() {
			case "sync", "golang.org/x/sync/errgroup":
				if recv := f.Signature().Recv(); recv != nil {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// inLoop reports whether c is in a loop of function fn.
func inLoop(c, fn inspector.Cursor) bool {
	for p := c; p.Valid() && p != fn; p = p.Parent() {
		switch p.ParentEdgeKind() {
		case edge.ForStmt_Body, edge.RangeStmt_Body, edge.ForStmt_Cond, edge.ForStmt_Post:
			return true
		}
	}
	return false
}

// receivedJustBefore reports whether the statement before close(ch) (or defer close(ch))
// in its statement list is a receive <-ch from the same channel.
func receivedJustBefore(info *types.Info, cl op) bool {
	st := cl.cur.Parent() // ExprStmt or DeferStmt
	if _, ok := st.Node().(*ast.ExprStmt); !ok {
		return false
	}
	prev, ok := st.PrevSibling()
	if !ok {
		return false
	}
	es, ok := prev.Node().(*ast.ExprStmt)
	if !ok {
		return false
	}
	u, ok := ast.Unparen(es.X).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW && chanVar(info, u.X) == cl.obj
}

// tokenPassing reports whether every function that sends on obj also receives from it.
func tokenPassing(ops []op, obj *types.Var) bool {
	recvIn := make(map[inspector.Cursor]bool)
	for _, o := range ops {
		if o.obj == obj && o.kind == opRecv {
			recvIn[o.fn] = true
		}
	}
	for _, o := range ops {
		if o.obj == obj && o.kind == opSend && !recvIn[o.fn] {
			return false
		}
	}
	return true
}
