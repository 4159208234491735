package closerecv

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
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
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// op is a channel operation on a channel variable or field.
type op struct {
	obj    *types.Var
	pos    token.Pos
	cur    inspector.Cursor
	fn     *model.Func // the innermost function executing it
	kind   int
	inLoop bool // in a loop of its function (or, for a passed send, of a function of its chain)

	// A send on a parameter, tied to the argument of a call (param.go): act is the
	// function whose variable obj is (fn itself for the package's own operations),
	// origin the send on the parameter it stands for, passPos the call that passes obj;
	// spawn is the go statement, in spawnIn, that starts the goroutine fn when the send
	// is made by a goroutine started through the chain.
	act     *model.Func
	origin  *op
	passPos token.Pos
	spawn   *ast.GoStmt
	spawnIn *model.Func
}

const (
	opSend = iota
	opRecv
	opClose
)

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	info := pass.TypesInfo
	var ops []op
	hasClose := false
	// The model's channel operations, each on the variable or field it names: the
	// analyzer compares channels by name, not by the model's classes of aliases.
	for _, o := range m.Chans().Ops {
		obj := chanVar(info, o.Ch)
		if obj == nil || o.Func == nil {
			continue
		}
		kind := opRecv
		switch o.Kind {
		case model.Send:
			kind = opSend
		case model.Close:
			kind, hasClose = opClose, true
		}
		ops = append(ops, op{obj: obj, pos: o.Node.Pos(), cur: o.Cursor, fn: o.Func, act: o.Func, kind: kind, inLoop: inLoop(o.Cursor, o.Func.Cursor)})
	}
	if !hasClose {
		return nil, nil
	}
	// The sends on parameters, as sends on the callers' arguments.
	ops = append(ops, passedSends(m, ops)...)
	// The operations of each channel: a close is compared with those of its own channel
	// only, so that the work is linear in the operations, not in closes times operations.
	byObj := make(map[*types.Var][]op)
	for _, o := range ops {
		byObj[o.obj] = append(byObj[o.obj], o)
	}
	var guards *guards
	var detached *detach
	found := make(map[closeKey]*analysis.Diagnostic)
	var order []closeKey
	for _, cl := range ops {
		if cl.kind != opClose {
			continue
		}
		recv, sendHere := false, false
		var sends []op
		chOps := byObj[cl.obj]
		for _, o := range chOps {
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
		msg := "is closed by a function that only receives from it while others send on it"
		if !recv && !sendHere {
			// A close by a function that does not use the channel otherwise: reported
			// when goroutines that an earlier iteration of its loop started may still
			// send (detached.go).
			if detached == nil {
				detached = newDetach(m)
			}
			sends = detached.loopSends(cl, chOps)
			msg = "is closed in a loop that starts goroutines sending on it, which may still send"
		}
		if sendHere || len(sends) == 0 || waits(info, cl.fn.Cursor) || waitsInGoroutine(info, cl.fn) {
			continue
		}
		// A token channel: every function that sends on it received from it first (it
		// hands back a token it holds), so the closer holding the token has no sender
		// to race with.
		if tokenPassing(byObj, cl.obj) {
			continue
		}
		// "<-ch; ...; close(ch)" after the one send there is (outside loops): the sender
		// is done.
		if len(sends) == 1 && !sends[0].inLoop && (receivedJustBefore(info, cl) || onceGoroutine(sends[0]) && receivedBefore(chOps, cl)) {
			continue
		}
		// A close under a mutex and a closed flag that every sender checks under the
		// same mutex: no send can follow the close.
		if guards == nil {
			guards = newGuards(m)
		}
		if guards.guarded(cl, sends) || guards.recovers(sends) || ownerCloses(cl, sends) || stopHandOff(info, cl, sends, byObj) || registrationEnded(info, cl, sends) || notStartedBefore(cl, sends) || sentBeforeCloser(cl, sends) || withdrawn(m, cl, sends) || receivedAll(m, cl) || joinedBefore(info, cl, sends, byObj) || lastRelease(info, cl, sends) {
			continue
		}
		// One finding for the closes of a channel in one function (a close in each case of
		// a select: client-go's the_real_fifo_test), the others as related lines.
		key := closeKey{cl.obj, cl.fn}
		if d := found[key]; d != nil {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: cl.pos, Message: "closed here too"})
			continue
		}
		related := []analysis.RelatedInformation{{Pos: sends[0].rootPos(), Message: "sent on here"}}
		if sends[0].origin != nil {
			related = append(related, analysis.RelatedInformation{Pos: sends[0].passPos, Message: "passed here"})
		}
		if !recv {
			related = append(related, analysis.RelatedInformation{Pos: sends[0].fn.Started[0].Stmt.Pos(), Message: "started here"})
		}
		found[key] = &analysis.Diagnostic{
			Pos:     cl.pos,
			Message: "channel " + cl.obj.Name() + " " + msg + ": a send after the close panics",
			Related: related,
		}
		order = append(order, key)
	}
	for _, k := range order {
		pass.Report(*found[k])
	}
	return nil, nil
}

// receivedAll reports whether the close comes after its function has received, in a
// counted loop, every send that can be made on the channel (the model's ReceivedAll).
func receivedAll(m *model.Model, cl op) bool {
	call, ok := cl.cur.Node().(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	c := m.Chans().Of(call.Args[0])
	if c == nil {
		return false
	}
	_, deferred := cl.cur.Parent().Node().(*ast.DeferStmt)
	return m.Chans().ReceivedAll(c, cl.fn, call, deferred)
}

type closeKey struct {
	obj *types.Var
	fn  *model.Func
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

// tokenPassing reports whether every function that sends on obj also receives from it
// (for a send on a parameter, the function that sends on the parameter, or one that
// passes the channel on its way).
func tokenPassing(byObj map[*types.Var][]op, obj *types.Var) bool {
	var sends []op
	for _, o := range byObj[obj] {
		if o.kind == opSend {
			sends = append(sends, o)
		}
	}
	return anyLink(sends, func(l op) bool {
		for _, o := range byObj[l.obj] {
			if o.kind == opRecv && o.fn == l.fn {
				return true
			}
		}
		return false
	})
}
