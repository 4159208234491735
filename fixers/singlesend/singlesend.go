package singlesend

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "singlesend",
	Doc:      fixkit.Doc(docGo, "singlesend"),
	URL:      fixkit.URL("singlesend"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	if len(m.Gos) == 0 {
		return nil, nil // nothing to do in a package without go statements
	}
	taken := make(map[ast.Node]map[string]bool)
	for _, cur := range m.Calls {
		if isUnbufferedMake(pass.TypesInfo, cur.Node().(*ast.CallExpr)) {
			checkMake(pass, m, cur, taken)
		}
	}
	return nil, nil
}

// isUnbufferedMake reports whether call is make(chan T) or make(chan T, 0).
func isUnbufferedMake(info *types.Info, call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	if b, ok := info.Uses[id].(*types.Builtin); !ok || b.Name() != "make" || len(call.Args) == 0 {
		return false
	}
	tv, ok := info.Types[call.Args[0]]
	if !ok || !tv.IsType() {
		return false
	}
	if _, ok := tv.Type.Underlying().(*types.Chan); !ok {
		return false
	}
	return model.MakeCap(info, call) == 0
}

// A sender is a goroutine (function literal started by a go statement) that sends on the
// channel.
type sender struct {
	stmt     *ast.GoStmt
	lit      *ast.FuncLit
	alias    *types.Var // the literal's parameter bound to the channel, if passed as argument
	sends    []*ast.SendStmt
	closes   []*ast.CallExpr // close(ch) calls in the literal
	refusal  string          // why this goroutine's shape cannot be fixed
	silently bool            // do not report at all (the goroutine can give up its send)
}

// A check is the analysis of one make(chan T) call.
type check struct {
	pass     *analysis.Pass
	info     *types.Info
	m        *model.Model
	call     *ast.CallExpr
	obj      *types.Var // the variable the channel is assigned to
	stmtNode ast.Node   // the AssignStmt or ValueSpec, as it appears in the CFG
	fn       *model.Func
	// taken are, by function, the names that earlier fixes of this run declare in it (a
	// carry's result type): two channels of one function get distinct ones
	// (authzed/spicedb#242's hedged request carries both).
	taken map[ast.Node]map[string]bool

	recvCalls map[*ast.CallExpr]*recvCall // calls of functions that receive the channel (callee.go)
	returned  bool                        // the function returns the channel (returned.go)
	handIdx   int                         // as which result
	viaCaller bool                        // the leak is in a caller
}

// checkMake analyses one make(chan T) call.
func checkMake(pass *analysis.Pass, m *model.Model, makeCur inspector.Cursor, taken map[ast.Node]map[string]bool) {
	ck := &check{pass: pass, info: pass.TypesInfo, m: m, call: makeCur.Node().(*ast.CallExpr), taken: taken,
		recvCalls: make(map[*ast.CallExpr]*recvCall), handIdx: -1}

	// The make must be the whole value assigned to a newly declared local variable.
	switch p := makeCur.Parent().Node().(type) {
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE || len(p.Lhs) != len(p.Rhs) || makeCur.ParentEdgeKind() != edge.AssignStmt_Rhs {
			return
		}
		id, ok := p.Lhs[makeCur.ParentEdgeIndex()].(*ast.Ident)
		if !ok {
			return
		}
		ck.obj, _ = ck.info.Defs[id].(*types.Var)
		ck.stmtNode = p
	case *ast.ValueSpec:
		if len(p.Names) != len(p.Values) || makeCur.ParentEdgeKind() != edge.ValueSpec_Values {
			return
		}
		ck.obj, _ = ck.info.Defs[p.Names[makeCur.ParentEdgeIndex()]].(*types.Var)
		ck.stmtNode = p
	}
	if ck.obj == nil {
		return
	}
	ck.fn = m.Enclosing(makeCur)
	if ck.fn == nil {
		return // package-level variable
	}
	active := ck.senders()
	if len(active) == 0 || ck.returned && len(ck.recvCalls) > 0 {
		return
	}

	// Shape of each goroutine.
	for _, s := range active {
		if s.refusal != "" {
			continue
		}
		if !ck.sendsOnceThenReturns(s) {
			s.refusal = "the goroutine may send more than once or keeps working after its send"
			continue
		}
		for _, cl := range s.closes {
			if !isTopLevelDeferClose(s.lit, cl) || len(active) > 1 {
				s.refusal = "the channel is closed"
			}
		}
	}

	// Control flow of the function, from the make to its returns.
	fa := ck.newFlow(active)
	if fa.unsure {
		return
	}
	fa.handIdx = ck.handIdx
	mb, mi := fa.find(ck.stmtNode)
	if mb == nil {
		return // unreachable make
	}
	witness, leak := fa.leaks(mb, mi)
	unseen := ""
	if ck.returned && fa.handed > 0 {
		// The callers receive: a caller that can return first abandons the senders.
		w, ok, why := ck.callers(fa.handed, fa.limit)
		if !ok {
			return
		}
		if w.IsValid() && !leak {
			leak, witness, ck.viaCaller = true, w, true
		}
		unseen = why
	}
	if !leak {
		return
	}
	// Goroutines started in a loop: one slot per iteration when the model bounds the sends
	// by the loop's trip count (a fan-out over items, for i := 0; i < n; i++).
	capExpr := ""
	for _, s := range active {
		if s.refusal == "" && fa.inLoop(s.stmt) {
			e, ok := "", false
			switch {
			case ck.returned:
			case len(ck.recvCalls) > 0:
				e, ok = ck.loopCap(active, makeCur)
			default:
				e, ok = ck.fanOutCap(active)
			}
			if ok {
				capExpr = e
			} else {
				s.refusal = "the goroutine is started in a loop"
			}
		}
	}
	if unseen != "" {
		for _, s := range active {
			if s.refusal == "" {
				s.refusal = unseen
			}
		}
	}
	// A goroutine that writes what the function uses after returning without it: the
	// buffer would keep that race, so the values travel through the channel instead.
	var cr *carry
	for _, s := range active {
		if s.refusal != "" {
			continue
		}
		race, why := racing(ck.writes(s, fa))
		if race == nil {
			continue
		}
		if capExpr != "" {
			s.refusal = why + " (it cannot be carried through the channel: the goroutine is started in a loop)"
			continue
		}
		if ck.returned || len(ck.recvCalls) > 0 {
			s.refusal = why + " (it cannot be carried through the channel: another function receives from it)"
			continue
		}
		plan, whyNot := ck.planCarry(s, active, race)
		if plan == nil {
			s.refusal = why + " (it cannot be carried through the channel: " + whyNot + ")"
			continue
		}
		cr = plan
	}
	ck.report(active, witness, cr, capExpr)
}

// fanOutCap returns the capacity that covers the sends of the one sender, started in a
// loop, when the model bounds them by one per iteration of that loop (model.SendBound):
// len(items), or n, written where the channel is made.
func (ck *check) fanOutCap(active []*sender) (string, bool) {
	if len(active) != 1 || !ck.sendsOnEveryPath(active[0]) {
		return "", false // a goroutine that may not send: how many do is unknown, and so is the leak
	}
	c := ck.m.Chans().OfObject(ck.obj)
	if c == nil {
		return "", false
	}
	b, ok := ck.m.Chans().SendBound(c)
	if !ok || b.N != 0 || b.Per != 1 || b.Loop == nil {
		return "", false
	}
	text, e := b.LoopBound()
	ok = true
	ast.Inspect(e, func(n ast.Node) bool {
		if id, isID := n.(*ast.Ident); isID {
			if o := ck.info.Uses[id]; o == nil || fixkit.Lookup(ck.pass.Pkg, id.Name, ck.call.Pos()) != o {
				ok = false // not in scope where the channel is made
			}
		}
		return ok
	})
	return text, ok
}

// report reports the leak, with the fix that buffers the channel or why there is none.
func (ck *check) report(active []*sender, witness token.Pos, cr *carry, capExpr string) {
	call := ck.call
	name := ck.obj.Name()
	who := "the function"
	if ck.viaCaller {
		who = "a caller of " + ck.fn.Obj.Name()
	}
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: fmt.Sprintf("goroutine may block forever sending on unbuffered channel %s: %s can return without receiving", name, who),
	}
	if witness.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: witness, Message: "returns here without receiving from " + name})
	}
	for _, s := range active {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.stmt.Pos(), Message: "goroutine sending on " + name})
	}
	for _, s := range active {
		if s.refusal != "" {
			fixkit.Refuse(ck.pass, d, s.stmt.Pos(), s.refusal)
			return
		}
	}
	n := len(active)
	if cr != nil {
		var names []string
		for _, v := range cr.vars {
			names = append(names, v.Name())
		}
		msg := fmt.Sprintf("Carry %s through channel %s, with a buffer of %d", strings.Join(names, ", "), name, n)
		fixkit.Report(ck.pass, d, msg, func(fx *fixkit.Fix) error { return ck.buildCarry(fx, cr, n) })
		return
	}
	capText := strconv.Itoa(n)
	if capExpr != "" {
		capText = capExpr
	}
	fixkit.Report(ck.pass, d, fmt.Sprintf("Give channel %s a buffer of %s", name, capText), func(fx *fixkit.Fix) error {
		dc, ok := fx.Dst(call).(*dst.CallExpr)
		if !ok {
			return fmt.Errorf("unexpected dst node for make")
		}
		if capExpr != "" {
			return setCapExpr(dc, parseStmts("_ = " + capExpr)[0].(*dst.AssignStmt).Rhs[0])
		}
		return setCap(dc, n)
	})
}

// setCap makes the make call dc's capacity n.
func setCap(dc *dst.CallExpr, n int) error {
	return setCapExpr(dc, &dst.BasicLit{Kind: token.INT, Value: strconv.Itoa(n)})
}

// setCapExpr makes the make call dc's capacity lit.
func setCapExpr(dc *dst.CallExpr, lit dst.Expr) error {
	switch len(dc.Args) {
	case 1:
		dc.Args = append(dc.Args, lit)
	case 2:
		*lit.Decorations() = *dc.Args[1].Decorations()
		dc.Args[1] = lit
	default:
		return fmt.Errorf("unexpected make arguments")
	}
	return nil
}
