package ctxdone

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

// Analyzer is the ctxdone analyzer.
var Analyzer = &analysis.Analyzer{
	Name:     "ctxdone",
	Doc:      fixkit.Doc(docGo, "ctxdone"),
	URL:      fixkit.URL("ctxdone"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// A checker holds the state of one pass.
type checker struct {
	pass      *analysis.Pass
	info      *types.Info
	m         *model.Model
	cs        *model.Chans
	hazMemo   map[*types.Func]*hazard
	units     []*unit
	unitLoops map[*ast.ForStmt]bool
	// ownClose, while unsafe weighs an abandoned producer's fix: its channel, whose
	// close the early return may skip (nothing receives from it any more).
	ownClose *model.Chan
}

// An exit is what ends the goroutine: a context (ctx.Done()) or a stop channel.
type exit struct {
	expr string // source text: "ctx", "s.done"
	ctx  bool
	// obj is the context's variable: a local variable, or a field of the receiver
	// (expr is then "r.f").
	obj *types.Var
}

// field reports whether the exit is a context held in a field of the receiver.
func (e exit) field() bool { return e.obj != nil && e.obj.IsField() }

func (e exit) done() string {
	if e.ctx {
		return e.expr + ".Done()"
	}
	return e.expr
}

// A unit is one finding: an endless loop, or one blocking send.
type unit struct {
	fn      *model.Func
	loop    *ast.ForStmt // nil for a send
	items   []*item
	ops     []*model.ChanOp // operations the fix protects
	exit    exit
	ret     []string // results of the return statement
	pos     token.Pos
	msg     string
	refused string
	refPos  token.Pos
	// quiet: a finding of the goroutines and stop channels added on the shared model
	// (issue 14), reported only with its fix while their precision on real code is
	// being measured: without a fix it is dropped.
	quiet bool
	// fixMsg and prelude, when set: the fix's message, and an edit made before the
	// items (an abandoned producer's done channel, made and closed by its spawner).
	fixMsg  string
	prelude func(*fixkit.Fix) error
	// owned: an abandoned producer's channel, which only the goroutine sends on and
	// only its spawner, gone when the fix's return runs, receives from.
	owned *model.Chan
}

// An item is one edit of a fix: a statement wrapped in a select, or a select that gains
// a Done case.
type item struct {
	stmt  ast.Stmt         // the statement to wrap, or the select
	cur   inspector.Cursor // stmt's
	sel   *ast.SelectStmt  // non-nil: add a case to this select
	op    *model.ChanOp
	decls []declVar // variables declared before the select (v := <-ch)
}

type declVar struct{ name, typ string }

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	// Fast exit: without context and without go statements there is nothing to find.
	if len(m.Gos) == 0 && !slices.ContainsFunc(pass.Pkg.Imports(), func(p *types.Package) bool { return p.Path() == "context" }) {
		return nil, nil
	}
	c := &checker{
		pass:      pass,
		info:      pass.TypesInfo,
		m:         m,
		cs:        m.Chans(),
		hazMemo:   make(map[*types.Func]*hazard),
		unitLoops: make(map[*ast.ForStmt]bool),
	}
	for _, f := range m.Funcs {
		if f.Sig != nil {
			c.checkFunc(f)
		}
	}
	c.checkProducers() // producer.go
	c.settle()
	for _, u := range c.units {
		c.report(u)
	}
	c.checkBreaks() // breaks.go
	return nil, nil
}

// inspectFunc calls visit for the cursors of f's body outside nested function literals.
func inspectFunc(f *model.Func, visit func(inspector.Cursor) bool) {
	inspectCursor(f.Cursor.Child(f.Body), visit)
}

// inspectCursor calls visit for c and the cursors below it outside function literals.
func inspectCursor(c inspector.Cursor, visit func(inspector.Cursor) bool) {
	c.Inspect(nil, func(c inspector.Cursor) bool {
		if _, ok := c.Node().(*ast.FuncLit); ok {
			return false
		}
		return visit(c)
	})
}

func (c *checker) checkFunc(f *model.Func) {
	isGo := f.IsGoroutine()
	// Endless loops, outermost first (Inspect visits parents before children).
	type loopAt struct {
		l   *ast.ForStmt
		cur inspector.Cursor
	}
	var loops []loopAt
	live := liveNodes(f)
	inspectFunc(f, func(cur inspector.Cursor) bool {
		l, ok := cur.Node().(*ast.ForStmt)
		if !ok || !c.endless(l, cur, live) {
			return true
		}
		for _, outer := range loops {
			if outer.l.Pos() <= l.Pos() && l.End() <= outer.l.End() {
				return true
			}
		}
		loops = append(loops, loopAt{l, cur})
		return true
	})
	// The endless loop of func main is the program's: it ends when the process does.
	isMain := f.Obj != nil && f.Obj.Name() == "main" && f.Obj.Type().(*types.Signature).Recv() == nil && c.pass.Pkg.Name() == "main"
	for _, l := range loops {
		if !isMain {
			c.loopUnit(f, l.l, l.cur, isGo)
		}
	}
	// Blocking sends.
	hasCtxParam := false
	for v := range f.Sig.Params().Variables() {
		if model.IsContext(v.Type()) {
			hasCtxParam = true
		}
	}
	if !hasCtxParam && !isGo {
		return
	}
	inspectFunc(f, func(cur inspector.Cursor) bool {
		s, ok := cur.Node().(*ast.SendStmt)
		if !ok {
			return true
		}
		op := c.cs.Op(s)
		if op == nil || op.Select != nil {
			return true
		}
		for l := range c.unitLoops {
			if l.Pos() <= s.Pos() && s.End() <= l.End() {
				return true
			}
		}
		inLoop := model.InLoop(cur)
		if c.coveredPerRun(f, op, inLoop) || c.sendsFit(op) || c.semaphore(op) || c.drained(op) || c.reply(op) {
			return true
		}
		oneShot := !hasCtxParam && !inLoop
		if oneShot && !c.lastSend(f, op) {
			return true // other one-shot sends of goroutines: see singlesend
		}
		c.sendUnit(f, op, isGo, !hasCtxParam && f.Obj != nil || oneShot)
		return true
	})
}

// coveredPerRun reports whether every make of op's channel is buffered, and the
// capacity covers the sends made on it: a send outside loops; or sends in a loop, when
// f makes every send on the channel, runs once (a goroutine started once, outside
// loops) and makes at most capacity of them (model.Chans.MaxSends: etcd's mirror
// syncer sends its one error from its loop, then returns).
func (c *checker) coveredPerRun(f *model.Func, op *model.ChanOp, inLoop bool) bool {
	ch := c.cs.Of(op.Ch)
	if ch == nil || !ch.Buffered() {
		return false
	}
	if !inLoop {
		return true
	}
	capacity, ok := ch.Capacity()
	if !ok || !c.startedOnce(f) {
		return false
	}
	for _, q := range ch.Ops {
		if q.Kind == model.Send && q.Func != f {
			return false
		}
	}
	n, ok := c.cs.MaxSends(f, ch)
	return ok && n <= capacity
}

// startedOnce reports whether f runs once per run of the function that starts it: a
// function literal or declared function that one go statement, outside loops, starts,
// and that nothing else refers to.
func (c *checker) startedOnce(f *model.Func) bool {
	if len(f.Started) != 1 || f.Started[0].InLoop {
		return false
	}
	return f.Obj == nil || f.Refs == 1
}

// drained reports whether the channel of op is only received from by range loops that
// run until it is closed (model.Chans.Drained): the send waits for the loop's body, not
// for a receiver that may have left.
func (c *checker) drained(op *model.ChanOp) bool {
	ch := c.cs.Of(op.Ch)
	return ch != nil && c.cs.Drained(ch)
}

// liveNodes returns the nodes of the live blocks of f's control-flow graph: a return or
// branch statement that is not among them is dead code (if false { return }, code after
// log.Fatal), not a way out.
func liveNodes(f *model.Func) map[ast.Node]bool {
	live := make(map[ast.Node]bool)
	for _, b := range f.CFG().Blocks {
		if b.Live {
			for _, n := range b.Nodes {
				live[n] = true
			}
		}
	}
	return live
}

// isEmptyStructChan reports whether t is chan struct{} or <-chan struct{}.
func isEmptyStructChan(t types.Type) bool {
	if t == nil {
		return false
	}
	ch, ok := t.Underlying().(*types.Chan)
	if !ok || ch.Dir() == types.SendOnly {
		return false
	}
	st, ok := ch.Elem().Underlying().(*types.Struct)
	return ok && st.NumFields() == 0
}

// isDoneChan reports whether e is a channel that signals the end: a context's Done
// channel, or a stop channel (a chan struct{} closed somewhere in the package).
func (c *checker) isDoneChan(e ast.Expr) bool {
	ch := c.cs.Of(e)
	return ch != nil && (ch.Done || ch.Closed() && isEmptyStructChan(c.info.TypeOf(e)))
}

func (c *checker) refuse(u *unit, pos token.Pos, why string) {
	if u.refused == "" {
		u.refused, u.refPos = why, pos
	}
}
