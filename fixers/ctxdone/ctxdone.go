package ctxdone

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/format"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var docGo string

// Analyzer is the ctxdone analyzer.
var Analyzer = &analysis.Analyzer{
	Name:     "ctxdone",
	Doc:      fixkit.Doc(docGo, "ctxdone"),
	URL:      fixkit.URL("ctxdone"),
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// A checker holds the state of one pass.
type checker struct {
	pass    *analysis.Pass
	info    *types.Info
	parents map[ast.Node]ast.Node
	cl      *classes
	opOf    map[ast.Node]*chanOp

	goLits    map[*ast.FuncLit]bool // function literals started by a go statement
	goStarted map[*types.Func]bool  // functions started by a go statement
	goOnly    map[*types.Func]bool  // unexported functions only ever started by go statements
	decls     map[*types.Func]*ast.FuncDecl
	defIdent  map[types.Object]*ast.Ident
	closes    []closeCall
	hazMemo   map[*types.Func]*hazard
	units     []*unit
	unitLoops map[*ast.ForStmt]bool
}

type closeCall struct {
	obj  types.Object
	call *ast.CallExpr
}

// An exit is what ends the goroutine: a context (ctx.Done()) or a stop channel.
type exit struct {
	expr string // source text: "ctx", "s.done"
	ctx  bool
}

func (e exit) done() string {
	if e.ctx {
		return e.expr + ".Done()"
	}
	return e.expr
}

// A unit is one finding: an endless loop, or one blocking send.
type unit struct {
	fn      ast.Node // *ast.FuncDecl or *ast.FuncLit
	body    *ast.BlockStmt
	loop    *ast.ForStmt // nil for a send
	items   []*item
	ops     []*chanOp // operations the fix protects
	exit    exit
	ret     []string // results of the return statement
	pos     token.Pos
	msg     string
	refused string
	refPos  token.Pos
}

// An item is one edit of a fix: a statement wrapped in a select, or a select that gains
// a Done case.
type item struct {
	stmt  ast.Stmt        // the statement to wrap, or the select
	sel   *ast.SelectStmt // non-nil: add a case to this select
	op    *chanOp
	decls []declVar // variables declared before the select (v := <-ch)
}

type declVar struct{ name, typ string }

func run(pass *analysis.Pass) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	// Fast exit: without context and without go statements there is nothing to find.
	relevant := slices.ContainsFunc(pass.Pkg.Imports(), func(p *types.Package) bool { return p.Path() == "context" })
	if !relevant {
		for range insp.Root().Preorder((*ast.GoStmt)(nil)) {
			relevant = true
			break
		}
	}
	if !relevant {
		return nil, nil
	}
	c := &checker{
		pass:      pass,
		info:      pass.TypesInfo,
		parents:   make(map[ast.Node]ast.Node),
		opOf:      make(map[ast.Node]*chanOp),
		goLits:    make(map[*ast.FuncLit]bool),
		goStarted: make(map[*types.Func]bool),
		goOnly:    make(map[*types.Func]bool),
		decls:     make(map[*types.Func]*ast.FuncDecl),
		defIdent:  make(map[types.Object]*ast.Ident),
		hazMemo:   make(map[*types.Func]*hazard),
		unitLoops: make(map[*ast.ForStmt]bool),
	}
	for _, f := range pass.Files {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			if len(stack) > 0 {
				c.parents[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			return true
		})
	}
	c.cl = &classes{info: c.info, pkg: pass.Pkg, parent: make(map[types.Object]types.Object)}
	c.cl.build(pass.Files, pass.Fset, c.parents)
	for _, op := range c.cl.ops {
		c.opOf[op.node] = op
	}
	c.collectFuncs()

	for cur := range insp.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch fn := cur.Node().(type) {
		case *ast.FuncDecl:
			if fn.Body != nil {
				c.checkFunc(fn, fn.Body)
			}
		case *ast.FuncLit:
			c.checkFunc(fn, fn.Body)
		}
	}
	c.settle()
	for _, u := range c.units {
		c.report(u)
	}
	return nil, nil
}

// collectFuncs finds the functions started by go statements, the declarations, the
// defining identifiers of variables, and the close calls.
func (c *checker) collectFuncs() {
	refs := make(map[*types.Func]int)
	goRefs := make(map[*types.Func]int)
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
					c.decls[fn] = fd
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
					c.goLits[lit] = true
				} else if fn, ok := typeutil.Callee(c.info, n.Call).(*types.Func); ok {
					c.goStarted[fn.Origin()] = true
					if id := calleeIdent(n.Call.Fun); id != nil {
						goRefs[fn.Origin()]++
					}
				}
			case *ast.Ident:
				if fn, ok := c.info.Uses[n].(*types.Func); ok {
					refs[fn.Origin()]++
				} else if v, ok := c.info.Defs[n].(*types.Var); ok {
					c.defIdent[v] = n
				}
			case *ast.CallExpr:
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
					if b, ok := c.info.Uses[id].(*types.Builtin); ok && b.Name() == "close" {
						if o := c.cl.objOf(n.Args[0]); o != nil {
							c.closes = append(c.closes, closeCall{o, n})
						}
					}
				}
			}
			return true
		})
	}
	for fn, n := range goRefs {
		if fn.Pkg() == c.pass.Pkg && !fn.Exported() && fn.Signature().Recv() == nil && refs[fn] == n {
			c.goOnly[fn] = true
		}
	}
}

// calleeIdent returns the identifier naming the function of a call (f or x.f).
func calleeIdent(fun ast.Expr) *ast.Ident {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	case *ast.IndexExpr:
		return calleeIdent(f.X)
	case *ast.IndexListExpr:
		return calleeIdent(f.X)
	}
	return nil
}

// signature returns the signature of a function declaration or literal.
func (c *checker) signature(fn ast.Node) *types.Signature {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		if o, ok := c.info.Defs[fn.Name].(*types.Func); ok {
			return o.Signature()
		}
	case *ast.FuncLit:
		if s, ok := c.info.TypeOf(fn).(*types.Signature); ok {
			return s
		}
	}
	return nil
}

// isGoroutine reports whether fn is started by a go statement.
func (c *checker) isGoroutine(fn ast.Node) bool {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return c.goLits[fn]
	case *ast.FuncDecl:
		o, _ := c.info.Defs[fn.Name].(*types.Func)
		return o != nil && c.goStarted[o]
	}
	return false
}

// inspectFunc calls visit for the nodes of body outside nested function literals.
func inspectFunc(body ast.Node, visit func(ast.Node) bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok && n != body {
			return false
		}
		if n == nil {
			return true
		}
		return visit(n)
	})
}

func (c *checker) checkFunc(fn ast.Node, body *ast.BlockStmt) {
	isGo := c.isGoroutine(fn)
	sig := c.signature(fn)
	if sig == nil {
		return
	}
	// Endless loops, outermost first (Inspect visits parents before children).
	var loops []*ast.ForStmt
	inspectFunc(body, func(n ast.Node) bool {
		l, ok := n.(*ast.ForStmt)
		if !ok || !c.endless(l) {
			return true
		}
		for _, outer := range loops {
			if outer.Pos() <= l.Pos() && l.End() <= outer.End() {
				return true
			}
		}
		loops = append(loops, l)
		return true
	})
	for _, l := range loops {
		c.loopUnit(fn, body, l, isGo)
	}
	// Blocking sends.
	hasCtxParam := false
	for v := range sig.Params().Variables() {
		if isContext(v.Type()) {
			hasCtxParam = true
		}
	}
	lit, _ := fn.(*ast.FuncLit)
	if !hasCtxParam && (lit == nil || !c.goLits[lit]) {
		return
	}
	inspectFunc(body, func(n ast.Node) bool {
		s, ok := n.(*ast.SendStmt)
		if !ok {
			return true
		}
		op := c.opOf[s]
		if op == nil || op.sel != nil {
			return true
		}
		for l := range c.unitLoops {
			if l.Pos() <= s.Pos() && s.End() <= l.End() {
				return true
			}
		}
		inLoop := c.inLoop(s, body)
		if !hasCtxParam && !inLoop {
			return true // one-shot sends of goroutine literals: see singlesend
		}
		if !inLoop && c.cl.buffered[c.cl.find(c.cl.objOf(s.Chan))] || c.sendsFit(op) || c.semaphore(op) {
			return true
		}
		c.sendUnit(fn, body, op, isGo)
		return true
	})
}

// inLoop reports whether n is inside a loop of the function whose body is body.
func (c *checker) inLoop(n ast.Node, body *ast.BlockStmt) bool {
	for p := c.parents[n]; p != nil && p != body; p = c.parents[p] {
		switch p.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		}
	}
	return false
}

// endless reports whether the loop has no condition (or a constant true one) and no
// way out: no return, no break or continue out of it, no goto.
func (c *checker) endless(l *ast.ForStmt) bool {
	if l.Cond != nil {
		tv := c.info.Types[l.Cond]
		if tv.Value == nil || tv.Value.Kind() != constant.Bool || !constant.BoolVal(tv.Value) {
			return false
		}
	}
	var own string
	if ls, ok := c.parents[l].(*ast.LabeledStmt); ok {
		own = ls.Label.Name
	}
	inner := make(map[string]bool)
	inspectFunc(l.Body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok {
			inner[ls.Label.Name] = true
		}
		return true
	})
	exits := false
	var walk func(n ast.Node, breakDepth, loopDepth int)
	walk = func(n ast.Node, breakDepth, loopDepth int) {
		ast.Inspect(n, func(m ast.Node) bool {
			if exits || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				exits = true
			case *ast.BranchStmt:
				switch m.Tok {
				case token.GOTO:
					exits = true
				case token.BREAK:
					if m.Label == nil {
						exits = breakDepth == 0
					} else {
						exits = !inner[m.Label.Name]
					}
				case token.CONTINUE:
					if m.Label != nil {
						exits = !inner[m.Label.Name] && m.Label.Name != own
					}
				}
			case *ast.ForStmt, *ast.RangeStmt:
				if m != n {
					for _, ch := range children(m) {
						walk(ch, breakDepth+1, loopDepth+1)
					}
					return false
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				for _, ch := range children(m) {
					walk(ch, breakDepth+1, loopDepth)
				}
				return false
			}
			return true
		})
	}
	walk(l.Body, 0, 0)
	return !exits
}

// children returns the direct child nodes of n that contain statements.
func children(n ast.Node) []ast.Node {
	switch n := n.(type) {
	case *ast.ForStmt:
		return []ast.Node{n.Body}
	case *ast.RangeStmt:
		return []ast.Node{n.Body}
	case *ast.SwitchStmt:
		return []ast.Node{n.Body}
	case *ast.TypeSwitchStmt:
		return []ast.Node{n.Body}
	case *ast.SelectStmt:
		return []ast.Node{n.Body}
	}
	return nil
}

// hasDefault reports whether a select has a default case.
func hasDefault(sel *ast.SelectStmt) bool {
	for _, cc := range sel.Body.List {
		if cc.(*ast.CommClause).Comm == nil {
			return true
		}
	}
	return false
}

// isDoneChan reports whether e is a channel that signals the end: a context's Done
// channel, or a stop channel (a chan struct{} closed somewhere in the package).
func (c *checker) isDoneChan(e ast.Expr) bool {
	o := c.cl.objOf(e)
	if o == nil {
		return false
	}
	r := c.cl.find(o)
	return r == c.cl.find(doneSentinel) || (c.cl.closed[r] && isEmptyStructChan(o.Type()))
}

// isTimerChan reports whether e is time.After(d), time.Tick(d) or the C of a time.Timer
// or time.Ticker.
func (c *checker) isTimerChan(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(c.info, e).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "time" {
			return fn.Name() == "After" || fn.Name() == "Tick"
		}
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok && sel.Kind() == types.FieldVal {
			f := sel.Obj()
			return f.Pkg() != nil && f.Pkg().Path() == "time" && f.Name() == "C"
		}
	}
	return false
}

// selectEscapes reports whether a select can proceed without its other cases: it has
// a default case, or a case receiving from a Done, stop or timer channel.
func (c *checker) selectEscapes(sel *ast.SelectStmt) bool {
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		if cc.Comm == nil {
			return true
		}
		if x := commRecv(cc.Comm); x != nil && (c.isDoneChan(x.X) || c.isTimerChan(x.X)) {
			return true
		}
	}
	return false
}

// commRecv returns the receive expression of a select case's communication, or nil.
func commRecv(s ast.Stmt) *ast.UnaryExpr {
	var e ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u
	}
	return nil
}

// loopUnit records the finding for an endless loop, if any.
func (c *checker) loopUnit(fn ast.Node, body *ast.BlockStmt, l *ast.ForStmt, isGo bool) {
	u := &unit{fn: fn, body: body, loop: l, pos: l.For}
	handled := false
	inspectFunc(l, func(n ast.Node) bool {
		if handled {
			return false
		}
		switch n := n.(type) {
		case *ast.SelectStmt:
			for _, s := range n.Body.List {
				if x := commRecv(s.(*ast.CommClause).Comm); x != nil && c.isDoneChan(x.X) {
					handled = true
				}
			}
			if hasDefault(n) {
				return true
			}
			u.items = append(u.items, &item{stmt: n, sel: n})
			for _, s := range n.Body.List {
				comm := s.(*ast.CommClause).Comm
				var opNode ast.Node = comm
				if x := commRecv(comm); x != nil {
					opNode = x
				}
				if op := c.opOf[opNode]; op != nil {
					u.ops = append(u.ops, op)
				}
				if send, ok := comm.(*ast.SendStmt); ok {
					if why := c.dropsResource(send); why != "" {
						c.refuse(u, send.Pos(), why)
					}
				}
			}
		case *ast.SendStmt, *ast.UnaryExpr:
			op := c.opOf[n]
			if op == nil || op.sel != nil || op.send && c.sendsFit(op) {
				return true
			}
			if !op.send && c.isDoneChan(op.ch) {
				handled = true
				return false
			}
			it, why := c.wrapItem(op)
			if why != "" {
				c.refuse(u, n.Pos(), why)
				return true
			}
			u.items = append(u.items, it)
			u.ops = append(u.ops, op)
		case *ast.RangeStmt:
			if op := c.opOf[n]; op != nil {
				c.refuse(u, n.Pos(), "the loop ranges over a channel")
			}
		}
		return true
	})
	if handled || len(u.items) == 0 && u.refused == "" {
		return
	}
	ex, why, ok := c.exitFor(fn, l.Pos(), isGo)
	if !ok {
		return
	}
	c.unitLoops[l] = true
	if why != "" {
		u.msg = "endless loop blocks on channel operations without a case for a Done channel"
		c.refuse(u, l.Pos(), why)
		c.units = append(c.units, u)
		return
	}
	u.exit = ex
	u.msg = fmt.Sprintf("endless loop blocks on channel operations without a case for %s", ex.done())
	if u.refused == "" {
		u.ret, why = c.returnFor(fn, ex, l.Pos())
		if why != "" {
			c.refuse(u, l.Pos(), why)
		} else if pos, why := c.matchExisting(u, l.Pos()); why != "" {
			c.refuse(u, pos, why)
		}
	}
	c.units = append(c.units, u)
}

// sendUnit records the finding for a blocking send in a function with a context.
func (c *checker) sendUnit(fn ast.Node, body *ast.BlockStmt, op *chanOp, isGo bool) {
	s := op.node.(*ast.SendStmt)
	ex, why, ok := c.exitFor(fn, s.Pos(), isGo)
	if !ok || (why == "" && !ex.ctx) {
		return
	}
	u := &unit{fn: fn, body: body, pos: s.Arrow, ops: []*chanOp{op}}
	name := types.ExprString(s.Chan)
	if why != "" {
		u.msg = fmt.Sprintf("send on %s blocks without a case for a Done channel", name)
		c.refuse(u, s.Pos(), why)
		c.units = append(c.units, u)
		return
	}
	u.exit = ex
	u.msg = fmt.Sprintf("send on %s blocks without a case for %s", name, ex.done())
	it, why := c.wrapItem(op)
	if why != "" {
		c.refuse(u, s.Pos(), why)
	} else {
		u.items = []*item{it}
		u.ret, why = c.returnFor(fn, ex, s.Pos())
		if why != "" {
			c.refuse(u, s.Pos(), why)
		} else if pos, why := c.matchExisting(u, s.Pos()); why != "" {
			c.refuse(u, pos, why)
		}
	}
	c.units = append(c.units, u)
}

func (c *checker) refuse(u *unit, pos token.Pos, why string) {
	if u.refused == "" {
		u.refused, u.refPos = why, pos
	}
}

// lookup returns the object name denotes at pos.
func (c *checker) lookup(name string, pos token.Pos) types.Object {
	s := c.pass.Pkg.Scope().Innermost(pos)
	if s == nil {
		return nil
	}
	_, o := s.LookupParent(name, pos)
	return o
}

// localVars returns the variables of function scopes visible at pos whose type
// satisfies keep, innermost first.
func (c *checker) localVars(pos token.Pos, keep func(*types.Var) bool) []*types.Var {
	var out []*types.Var
	inner := c.pass.Pkg.Scope().Innermost(pos)
	for s := inner; s != nil && s != c.pass.Pkg.Scope() && s != types.Universe; s = s.Parent() {
		if s.Parent() == c.pass.Pkg.Scope() {
			break // file scope
		}
		for _, name := range s.Names() {
			v, ok := s.Lookup(name).(*types.Var)
			if !ok || !keep(v) || c.lookup(name, pos) != v {
				continue
			}
			out = append(out, v)
		}
	}
	return out
}

// isBackground reports whether v is defined as context.Background() or context.TODO(),
// whose Done channel is nil.
func (c *checker) isBackground(v *types.Var) bool {
	id := c.defIdent[v]
	if id == nil {
		return false
	}
	var rhs ast.Expr
	switch p := c.parents[id].(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == len(p.Rhs) {
			for i, l := range p.Lhs {
				if l == id {
					rhs = p.Rhs[i]
				}
			}
		}
	case *ast.ValueSpec:
		if len(p.Names) == len(p.Values) {
			for i, n := range p.Names {
				if n == id {
					rhs = p.Values[i]
				}
			}
		}
	}
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "context" && (fn.Name() == "Background" || fn.Name() == "TODO")
}

// exitFor decides what ends the code at pos in fn: ok is false when nothing is in
// scope (no finding); why is set when the choice is ambiguous (finding without fix).
func (c *checker) exitFor(fn ast.Node, pos token.Pos, isGo bool) (ex exit, why string, ok bool) {
	ctxs := c.localVars(pos, func(v *types.Var) bool { return isContext(v.Type()) && !c.isBackground(v) })
	if len(ctxs) > 1 {
		var names []string
		for _, v := range ctxs {
			names = append(names, v.Name())
		}
		return ex, fmt.Sprintf("several contexts are in scope (%s)", strings.Join(names, ", ")), true
	}
	if len(ctxs) == 1 {
		v := ctxs[0]
		if isGo && !(fn.Pos() <= v.Pos() && v.Pos() < fn.End()) && !c.uses(fn, v) {
			if stops := c.stopChans(fn, pos); len(stops) > 0 {
				return ex, fmt.Sprintf("cannot tell whether %s or %s ends this goroutine", v.Name(), stops[0].expr), true
			}
		}
		return exit{expr: v.Name(), ctx: true}, "", true
	}
	if !isGo {
		return ex, "", false
	}
	stops := c.stopChans(fn, pos)
	switch len(stops) {
	case 0:
		return ex, "", false
	case 1:
		return stops[0], "", true
	}
	return ex, fmt.Sprintf("several stop channels are in scope (%s, %s)", stops[0].expr, stops[1].expr), true
}

// uses reports whether fn refers to v.
func (c *checker) uses(fn ast.Node, v types.Object) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// stopChans returns the stop channels of fn visible at pos: chan struct{} parameters,
// captured variables and fields of the method receiver, closed elsewhere in the package
// and never sent on.
func (c *checker) stopChans(fn ast.Node, pos token.Pos) []exit {
	var out []exit
	isStop := func(o types.Object) bool {
		r := c.cl.find(o)
		for _, op := range c.cl.byRoot[r] {
			if op.send {
				return false
			}
		}
		closedOutside := false
		for _, cc := range c.closes {
			if c.cl.find(cc.obj) != r {
				continue
			}
			if fn.Pos() <= cc.call.Pos() && cc.call.End() <= fn.End() {
				return false // fn closes it itself: it says fn is finished
			}
			closedOutside = true
		}
		return closedOutside
	}
	body := funcBody(fn)
	for _, v := range c.localVars(pos, func(v *types.Var) bool { return isEmptyStructChan(v.Type()) }) {
		if body.Pos() <= v.Pos() && v.Pos() < body.End() {
			continue // a local variable of fn
		}
		if isStop(v) {
			out = append(out, exit{expr: v.Name()})
		}
	}
	// Fields of the receiver of fn or of its enclosing method.
	var decl *ast.FuncDecl
	for n := fn; n != nil; n = c.parents[n] {
		if d, ok := n.(*ast.FuncDecl); ok {
			decl = d
			break
		}
	}
	if decl == nil || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 {
		return out
	}
	rid := decl.Recv.List[0].Names[0]
	recv, ok := c.info.Defs[rid].(*types.Var)
	if !ok || rid.Name == "_" || c.lookup(rid.Name, pos) != recv {
		return out
	}
	t := recv.Type()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return out
	}
	for f := range st.Fields() {
		if !f.Embedded() && isEmptyStructChan(f.Type()) && isStop(f) {
			out = append(out, exit{expr: rid.Name + "." + f.Name()})
		}
	}
	return out
}

func funcBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

// returnFor returns the results of the return statement that ends fn at pos.
func (c *checker) returnFor(fn ast.Node, ex exit, pos token.Pos) ([]string, string) {
	sig := c.signature(fn)
	res := sig.Results()
	n := res.Len()
	if n == 0 {
		return nil, ""
	}
	discarded := false
	switch fn := fn.(type) {
	case *ast.FuncLit:
		discarded = c.goLits[fn]
	case *ast.FuncDecl:
		o, _ := c.info.Defs[fn.Name].(*types.Func)
		discarded = o != nil && c.goOnly[o]
	}
	last := res.At(n - 1)
	lastErr := types.Identical(last.Type(), types.Universe.Lookup("error").Type())
	if !discarded {
		if !lastErr {
			return nil, "the last result is not an error"
		}
		if !ex.ctx {
			return nil, fmt.Sprintf("no error to return when %s is closed", ex.expr)
		}
	}
	file := c.fileOf(pos)
	out := make([]string, n)
	for i := range n {
		v := res.At(i)
		if i == n-1 && lastErr && ex.ctx {
			out[i] = ex.expr + ".Err()"
			continue
		}
		if v.Name() != "" && v.Name() != "_" && c.lookup(v.Name(), pos) == v {
			out[i] = v.Name()
			continue
		}
		z, ok := c.zero(v.Type(), pos, file)
		if !ok {
			return nil, fmt.Sprintf("cannot write the zero value of %s", types.TypeString(v.Type(), types.RelativeTo(c.pass.Pkg)))
		}
		out[i] = z
	}
	return out, ""
}

func (c *checker) fileOf(pos token.Pos) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// wrapItem returns the edit that wraps op in a select, or why it cannot.
func (c *checker) wrapItem(op *chanOp) (*item, string) {
	it := &item{op: op}
	switch n := op.node.(type) {
	case *ast.SendStmt:
		if why := c.dropsResource(n); why != "" {
			return nil, why
		}
		it.stmt = n
	case *ast.UnaryExpr:
		switch p := c.parents[n].(type) {
		case *ast.ExprStmt:
			it.stmt = p
		case *ast.AssignStmt:
			if len(p.Rhs) != 1 || p.Rhs[0] != n || (p.Tok != token.ASSIGN && p.Tok != token.DEFINE) {
				return nil, "the receive is part of an expression"
			}
			for _, l := range p.Lhs {
				if p.Tok == token.DEFINE {
					id := l.(*ast.Ident)
					if v, ok := c.info.Defs[id].(*types.Var); ok {
						t, ok := c.typeString(v.Type(), p.Pos(), c.fileOf(p.Pos()))
						if !ok {
							return nil, fmt.Sprintf("cannot write the type of %s", id.Name)
						}
						it.decls = append(it.decls, declVar{id.Name, t})
					}
				} else if !c.simpleLHS(l) {
					return nil, "the receive is assigned to an expression evaluated before it"
				}
			}
			it.stmt = p
		case *ast.ValueSpec:
			ds, ok := c.parents[c.parents[p]].(*ast.DeclStmt)
			if !ok || len(p.Values) != 1 || p.Values[0] != n || len(ds.Decl.(*ast.GenDecl).Specs) != 1 {
				return nil, "the receive is part of a declaration"
			}
			for _, id := range p.Names {
				if id.Name == "_" {
					continue
				}
				v, _ := c.info.Defs[id].(*types.Var)
				if v == nil {
					return nil, "the receive is part of a declaration"
				}
				t, ok := c.typeString(v.Type(), p.Pos(), c.fileOf(p.Pos()))
				if !ok {
					return nil, fmt.Sprintf("cannot write the type of %s", id.Name)
				}
				it.decls = append(it.decls, declVar{id.Name, t})
			}
			it.stmt = ds
		default:
			return nil, "the receive is part of an expression"
		}
	default:
		return nil, "unsupported operation"
	}
	switch p := c.parents[it.stmt].(type) {
	case *ast.BlockStmt:
	case *ast.CaseClause:
	case *ast.CommClause:
		if p.Comm == it.stmt {
			return nil, "the operation is a select case"
		}
	case *ast.LabeledStmt:
		if len(it.decls) > 0 {
			return nil, "the labeled receive declares variables"
		}
	default:
		return nil, "the operation is in a statement header"
	}
	return it, ""
}

// simpleLHS reports whether e, the target of an assignment, can be evaluated after
// the receive instead of before it: _, a variable, or a field of one.
func (c *checker) simpleLHS(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if e.Name == "_" {
			return true
		}
		_, ok := c.info.Uses[e].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		sel, ok := c.info.Selections[e]
		if !ok {
			_, ok := c.info.Uses[e.Sel].(*types.Var) // package variable
			return ok
		}
		return sel.Kind() == types.FieldVal && c.simpleLHS(e.X)
	}
	return false
}

// matchExisting makes the fix of u leave the way its function already leaves when the
// exit fires: when the function has select cases on the same Done or stop channel, each
// must be a single return statement, and the fix returns the same results if they mean
// the same at pos. A case that does more (cleanup, logging) is a path the fix would skip.
func (c *checker) matchExisting(u *unit, pos token.Pos) (token.Pos, string) {
	var rets []*ast.ReturnStmt
	var bad token.Pos
	inspectFunc(u.body, func(n ast.Node) bool {
		cc, ok := n.(*ast.CommClause)
		if !ok || cc.Comm == nil || bad.IsValid() {
			return true
		}
		x := commRecv(cc.Comm)
		if x == nil || !c.sameExit(x.X, u.exit, pos) {
			return true
		}
		if len(cc.Body) != 1 {
			bad = cc.Pos()
			return true
		}
		r, ok := cc.Body[0].(*ast.ReturnStmt)
		if !ok {
			bad = cc.Pos()
			return true
		}
		rets = append(rets, r)
		return true
	})
	what := u.exit.done()
	if bad.IsValid() {
		return bad, fmt.Sprintf("the function already handles %s with more than a return", what)
	}
	if len(rets) == 0 {
		return token.NoPos, ""
	}
	var text []string
	for i, r := range rets {
		var t []string
		for _, e := range r.Results {
			if !c.sameMeaning(e, pos) {
				return r.Pos(), fmt.Sprintf("the function already returns differently when %s fires", what)
			}
			var b strings.Builder
			if err := format.Node(&b, token.NewFileSet(), e); err != nil {
				return r.Pos(), "cannot print the existing return statement"
			}
			t = append(t, b.String())
		}
		if len(r.Results) == 0 && len(u.ret) > 0 {
			return r.Pos(), fmt.Sprintf("the function already returns differently when %s fires", what)
		}
		if i > 0 && !slices.Equal(t, text) {
			return r.Pos(), fmt.Sprintf("the function returns in several ways when %s fires", what)
		}
		text = t
	}
	if len(text) > 0 {
		u.ret = text
	}
	return token.NoPos, ""
}

// sameExit reports whether receiving from e is receiving from the exit ex at pos.
func (c *checker) sameExit(e ast.Expr, ex exit, pos token.Pos) bool {
	if ex.ctx {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Done" || !isContext(c.info.TypeOf(sel.X)) {
			return false
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		return ok && c.info.Uses[id] != nil && c.info.Uses[id] == c.lookup(ex.expr, pos)
	}
	return types.ExprString(e) == ex.expr && c.isDoneChan(e)
}

// sameMeaning reports whether every identifier of e (except field and method names)
// denotes at pos what it denotes where e is.
func (c *checker) sameMeaning(e ast.Expr, pos token.Pos) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.CompositeLit:
			ok = false // may declare names or depend on context: keep it simple
		case *ast.SelectorExpr:
			if _, isPkg := c.info.Uses[identOf(n.X)].(*types.PkgName); isPkg {
				ok = c.identSame(identOf(n.X), pos)
				return false
			}
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, isID := m.(*ast.Ident); isID && !c.identSame(id, pos) {
					ok = false
				}
				return ok
			})
			return false
		case *ast.Ident:
			if !c.identSame(n, pos) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

func (c *checker) identSame(id *ast.Ident, pos token.Pos) bool {
	o := c.info.Uses[id]
	return o != nil && c.lookup(id.Name, pos) == o
}

// sendsFit reports whether no send on the channel of op can block: the channel is a
// local variable of op's function, made there with a constant capacity, and every send
// on it is in that function, outside loops or in loops with a constant trip count,
// with at most capacity sends in all.
func (c *checker) sendsFit(op *chanOp) bool {
	o, ok := c.cl.objOf(op.ch).(*types.Var)
	body := funcBody(op.fn)
	if !ok || body == nil || o.Pos() < body.Pos() || o.Pos() >= body.End() {
		return false
	}
	r := c.cl.find(o)
	capacity, ok := c.cl.capacity[r]
	if !ok || capacity <= 0 {
		return false
	}
	if c.freshFill(op, o, capacity) {
		return true
	}
	var total int64
	for _, q := range c.cl.byRoot[r] {
		if !q.send {
			continue
		}
		if q.fn != op.fn {
			return false
		}
		n := int64(1)
		for p := c.parents[q.node]; p != nil && p != body; p = c.parents[p] {
			switch p := p.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				k := c.tripCount(p)
				if k < 0 {
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

// tripCount returns the constant number of iterations of for range N or
// for i := A; i < B; i++ (no assignment to i in the body), or -1.
func (c *checker) tripCount(loop ast.Node) int64 {
	constInt := func(e ast.Expr) (int64, bool) {
		if e == nil {
			return 0, false
		}
		tv := c.info.Types[e]
		if tv.Value == nil {
			return 0, false
		}
		return constant.Int64Val(constant.ToInt(tv.Value))
	}
	switch l := loop.(type) {
	case *ast.RangeStmt:
		if n, ok := constInt(l.X); ok && isInteger(c.info.TypeOf(l.X)) {
			return max(n, 0)
		}
	case *ast.ForStmt:
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
			return -1
		}
		id, ok := init.Lhs[0].(*ast.Ident)
		v := c.info.Defs[id]
		from, ok2 := constInt(init.Rhs[0])
		cond, ok3 := l.Cond.(*ast.BinaryExpr)
		inc, ok4 := l.Post.(*ast.IncDecStmt)
		if !ok || v == nil || !ok2 || !ok3 || !ok4 || inc.Tok != token.INC || cond.Op != token.LSS {
			return -1
		}
		if x, ok := cond.X.(*ast.Ident); !ok || c.info.Uses[x] != v {
			return -1
		}
		if x, ok := inc.X.(*ast.Ident); !ok || c.info.Uses[x] != v {
			return -1
		}
		to, ok := constInt(cond.Y)
		if !ok {
			return -1
		}
		assigned := false
		ast.Inspect(l.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if x, ok := lhs.(*ast.Ident); ok && c.info.Uses[x] == v {
						assigned = true
					}
				}
			case *ast.IncDecStmt:
				if x, ok := n.X.(*ast.Ident); ok && c.info.Uses[x] == v {
					assigned = true
				}
			case *ast.UnaryExpr:
				if x, ok := n.X.(*ast.Ident); ok && n.Op == token.AND && c.info.Uses[x] == v {
					assigned = true
				}
			}
			return !assigned
		})
		if !assigned {
			return max(to-from, 0)
		}
	}
	return -1
}

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
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
// times there — like the prefill of a semaphore.
func (c *checker) freshFill(op *chanOp, v *types.Var, capacity int64) bool {
	id := c.defIdent[v]
	if id == nil {
		return false
	}
	var def ast.Node = c.parents[id]
	if _, ok := def.(*ast.ValueSpec); ok {
		def = c.parents[c.parents[def]] // the DeclStmt
	}
	blk, ok := c.parents[def].(*ast.BlockStmt)
	if !ok {
		return false
	}
	i := slices.IndexFunc(blk.List, func(s ast.Stmt) bool { return s == def })
	if i < 0 {
		return false
	}
	chID := identOf(op.ch)
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
		if s.Pos() <= op.node.Pos() && op.node.End() <= s.End() {
			n := int64(1)
			for p := c.parents[op.node]; p != nil && p != blk; p = c.parents[p] {
				switch p := p.(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					k := c.tripCount(p)
					if k < 0 {
						return false
					}
					n *= k
				case *ast.FuncLit:
					return false
				}
				if n > capacity {
					return false
				}
			}
			return true
		}
	}
	return false
}

// semaphore reports whether op acquires a slot of a semaphore whose slots are released
// by goroutines started in op's function: a buffered channel all of whose receives are
// in function literals started by go statements inside that function. The send waits
// for one of them to finish, not forever.
func (c *checker) semaphore(op *chanOp) bool {
	o := c.cl.objOf(op.ch)
	if o == nil {
		return false
	}
	r := c.cl.find(o)
	if !c.cl.buffered[r] {
		return false
	}
	recvs := 0
	for _, q := range c.cl.byRoot[r] {
		if q.send {
			continue
		}
		recvs++
		started := false
		for n := q.node; n != nil && n != op.fn; n = c.parents[n] {
			if lit, ok := n.(*ast.FuncLit); ok && c.goLits[lit] && op.fn.Pos() <= lit.Pos() && lit.End() <= op.fn.End() {
				started = true
			}
		}
		if !started {
			return false
		}
	}
	return recvs > 0
}
