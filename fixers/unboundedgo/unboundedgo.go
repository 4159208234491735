package unboundedgo

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

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
	Name:     "unboundedgo",
	Doc:      fixkit.Doc(docGo, "unboundedgo"),
	URL:      fixkit.URL("unboundedgo"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// loopsFlag turns on the findings of loops over an input (accept loops, receive loops,
// request loops), which on real code are nearly always the design: a goroutine per
// connection, per message (issue 12: none of 14 on 22 real modules was worth acting on).
var loopsFlag bool

func init() {
	Analyzer.Flags.BoolVar(&loopsFlag, "loops", false,
		"also report goroutines started per item of an input (accept, receive and request loops) with no limit")
}

const (
	errgroupPath  = "golang.org/x/sync/errgroup"
	semaphorePath = "golang.org/x/sync/semaphore"
)

type checker struct {
	pass *analysis.Pass
	m    *model.Model
	// literalOnly holds the variables every assignment of which is a composite literal.
	literalOnly map[*types.Var]bool
	counters    map[types.Object]bool // see countersOf
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	c := &checker{pass: pass, m: m}
	for fileCur := range m.Inspector.Root().Preorder((*ast.File)(nil)) {
		file := fileCur.Node().(*ast.File)
		name := pass.Fset.File(file.Pos()).Name()
		if strings.HasSuffix(name, "_test.go") || ast.IsGenerated(file) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.GoStmt)(nil), (*ast.CallExpr)(nil)) {
			var fn ast.Expr // the function the goroutine runs
			var args []ast.Expr
			switch n := cur.Node().(type) {
			case *ast.GoStmt:
				fn, args = n.Call.Fun, n.Call.Args
			case *ast.CallExpr:
				if !c.isGoMethod(n) || len(n.Args) != 1 {
					continue
				}
				fn = n.Args[0]
			}
			c.check(cur, fn, args)
		}
	}
	return nil, nil
}

// isGoMethod reports whether call is (*errgroup.Group).Go or (*sync.WaitGroup).Go.
func (c *checker) isGoMethod(call *ast.CallExpr) bool {
	f, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || f.Name() != "Go" || f.Pkg() == nil || f.Signature().Recv() == nil {
		return false
	}
	switch f.Pkg().Path() {
	case errgroupPath, "sync":
		return true
	}
	return false
}

// check looks at one goroutine start at cur, running fn with the arguments args (of a go
// statement), for the loops of its function around it, innermost first.
func (c *checker) check(cur inspector.Cursor, fn ast.Expr, args []ast.Expr) {
	f := c.m.Enclosing(cur)
	if f == nil || f.Node == cur.Node() {
		return
	}
	g := &start{cur: cur, fn: fn, args: args}
	for p := cur; p.Valid() && p.Node() != f.Node; p = p.Parent() {
		var body *ast.BlockStmt
		var find finding
		switch p.ParentEdgeKind() {
		case edge.RangeStmt_Body:
			rs := p.Parent().Node().(*ast.RangeStmt)
			body = rs.Body
			if c.isChan(rs.X) {
				find = c.channelInput(g, rs.X, nil)
			} else if c.unknownRange(rs.X) {
				find = c.ignoredLimit(g, f, rs.X)
			}
		case edge.ForStmt_Body:
			fs := p.Parent().Node().(*ast.ForStmt)
			body = fs.Body
			if x := c.lenBound(fs); x != nil {
				find = c.ignoredLimit(g, f, x)
			} else if fs.Cond == nil || c.streamCond(fs.Cond) {
				find = c.requestInput(g, fs)
			}
		}
		if find.msg == "" {
			continue
		}
		if c.callerSupplied(f, find.src) || c.limitedListener(find.src) {
			return
		}
		if find.input && (!loopsFlag || c.endsWithIteration(fn, body)) {
			return
		}
		if find.throttled(c, body) || c.limitedGoroutine(fn) {
			if find.limit == nil || !c.deadLimit(find.limit) {
				return
			}
			find.msg += ", which nothing reads: the goroutines are throttled by another bound"
		}
		if call, ok := cur.Node().(*ast.CallExpr); ok {
			if !c.groupReported(cur, call) {
				return
			}
			if f := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); f.Pkg().Path() == errgroupPath {
				find.msg = "errgroup " + find.msg
			}
		}
		c.pass.Report(analysis.Diagnostic{
			Pos:     cur.Node().Pos(),
			Message: find.msg,
			Related: []analysis.RelatedInformation{{Pos: find.at.Pos(), End: find.at.End(), Message: find.note}},
		})
		return
	}
}

// groupReported reports whether a call of (*errgroup.Group).Go or (*sync.WaitGroup).Go
// is to be reported: a WaitGroup's always, an errgroup's when it is a local group
// without a SetLimit call.
func (c *checker) groupReported(cur inspector.Cursor, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if f := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); f.Pkg().Path() == errgroupPath {
		return c.unlimitedLocalGroup(cur, sel.X)
	}
	return true
}

func (c *checker) isChan(x ast.Expr) bool {
	t := c.pass.TypesInfo.TypeOf(x)
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// unknownRange reports whether ranging over x may run an unknown, possibly large, number
// of iterations: x is a slice, map, channel or iterator function not known to be small.
func (c *checker) unknownRange(x ast.Expr) bool {
	t := c.pass.TypesInfo.TypeOf(x)
	if t == nil {
		return false
	}
	switch t.Underlying().(type) {
	case *types.Slice, *types.Map, *types.Signature:
	default:
		return false // arrays, strings, integers (worker counts); channels are inputs

	}
	return !c.small(x)
}

// lenBound returns x of `for i := ...; i < len(x); ...` when x is not known to be small.
func (c *checker) lenBound(fs *ast.ForStmt) ast.Expr {
	cond, ok := fs.Cond.(*ast.BinaryExpr)
	if !ok || (cond.Op != token.LSS && cond.Op != token.LEQ && cond.Op != token.NEQ) {
		return nil
	}
	call, ok := ast.Unparen(cond.Y).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	if b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin); !ok || b.Name() != "len" {
		return nil
	}
	x := call.Args[0]
	switch c.pass.TypesInfo.TypeOf(x).Underlying().(type) {
	case *types.Slice, *types.Map:
	default:
		return nil
	}
	if c.small(x) {
		return nil
	}
	return x
}

// small reports whether x is a composite literal or a variable only ever assigned
// composite literals.
func (c *checker) small(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		return true
	case *ast.Ident:
		v, ok := c.pass.TypesInfo.Uses[x].(*types.Var)
		return ok && c.onlyLiterals(v)
	}
	return false
}

func (c *checker) onlyLiterals(v *types.Var) bool {
	if c.literalOnly == nil {
		c.literalOnly = c.computeLiteralOnly()
	}
	return c.literalOnly[v]
}

// computeLiteralOnly finds the variables of the package whose every assignment is a
// composite literal and whose address is never taken.
func (c *checker) computeLiteralOnly() map[*types.Var]bool {
	info := c.pass.TypesInfo
	res := make(map[*types.Var]bool)
	bad := make(map[*types.Var]bool)
	note := func(lhs ast.Expr, rhs ast.Expr) {
		id, ok := ast.Unparen(lhs).(*ast.Ident)
		if !ok {
			return
		}
		v, _ := info.ObjectOf(id).(*types.Var)
		if v == nil {
			return
		}
		if _, ok := ast.Unparen(rhs).(*ast.CompositeLit); ok && rhs != nil {
			if !bad[v] {
				res[v] = true
			}
			return
		}
		bad[v] = true
		delete(res, v)
	}
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i := range n.Lhs {
						note(n.Lhs[i], n.Rhs[i])
					}
				} else {
					for _, l := range n.Lhs {
						note(l, nil)
					}
				}
			case *ast.ValueSpec:
				for i, name := range n.Names {
					var rhs ast.Expr
					if len(n.Values) == len(n.Names) {
						rhs = n.Values[i]
					}
					note(name, rhs)
				}
			case *ast.RangeStmt:
				if n.Key != nil {
					note(n.Key, nil)
				}
				if n.Value != nil {
					note(n.Value, nil)
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					note(n.X, nil)
				}
			}
			return true
		})
	}
	return res
}

// throttles reports whether the loop body, outside function literals, blocks on
// something that limits the rate of goroutine creation: a channel operation, or Wait or
// Acquire of a sync, semaphore or errgroup type.
func (c *checker) throttles(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			// Arguments are evaluated here, the function runs elsewhere.
			for _, a := range n.Call.Args {
				ast.Inspect(a, func(m ast.Node) bool {
					if u, ok := m.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
						found = true
					}
					_, lit := m.(*ast.FuncLit)
					return !lit
				})
			}
			return false
		case *ast.SendStmt:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		case *ast.CallExpr:
			if c.isBlockingSync(n) {
				found = true
			}
		}
		return true
	})
	return found
}

// isBlockingSync reports whether call is Wait or Acquire of a sync, semaphore or
// errgroup type.
func (c *checker) isBlockingSync(call *ast.CallExpr) bool {
	f, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || f.Pkg() == nil || f.Signature().Recv() == nil {
		return false
	}
	switch f.Pkg().Path() {
	case "sync", semaphorePath, errgroupPath:
		return f.Name() == "Wait" || f.Name() == "Acquire"
	}
	return false
}

// limitedInside reports whether the goroutine's body limits concurrency itself: it sends
// on and receives from the same channel (a semaphore), calls semaphore Acquire, or is a
// worker looping over received values.
func (c *checker) limitedInside(body *ast.BlockStmt) bool {
	info := c.pass.TypesInfo
	sends := make(map[types.Object]bool)
	recvs := make(map[types.Object]bool)
	limited := false
	chanObj := func(x ast.Expr) types.Object {
		switch x := ast.Unparen(x).(type) {
		case *ast.Ident:
			return info.Uses[x]
		case *ast.SelectorExpr:
			return info.Uses[x.Sel]
		}
		return nil
	}
	var loops int
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			if o := chanObj(n.Chan); o != nil {
				sends[o] = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				if o := chanObj(n.X); o != nil {
					recvs[o] = true
				}
				if loops > 0 {
					limited = true // a worker receiving in a loop
				}
			}
		case *ast.RangeStmt:
			if _, ok := info.TypeOf(n.X).Underlying().(*types.Chan); ok {
				limited = true // a worker ranging over a channel
			}
			loops++
			ast.Inspect(n.Body, visit)
			loops--
			return false
		case *ast.ForStmt:
			loops++
			ast.Inspect(n.Body, visit)
			loops--
			return false
		case *ast.CallExpr:
			if f, ok := typeutil.Callee(info, n).(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() == semaphorePath && f.Name() == "Acquire" {
				limited = true
			}
		}
		return true
	}
	ast.Inspect(body, visit)
	for o := range sends {
		if recvs[o] {
			return true
		}
	}
	return limited
}

// unlimitedLocalGroup reports whether the errgroup group expression is a local variable of
// the enclosing function with no SetLimit call in that function.
func (c *checker) unlimitedLocalGroup(cur inspector.Cursor, group ast.Expr) bool {
	info := c.pass.TypesInfo
	id, ok := ast.Unparen(group).(*ast.Ident)
	if !ok {
		return false // a field or parameter: its limit may be set elsewhere; not reported
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	root := c.m.Enclosing(cur)
	if root == nil {
		return false
	}
	root = root.Root()
	fn, body := root.Cursor, root.Body
	if body == nil || !(body.Pos() <= v.Pos() && v.Pos() < body.End()) {
		return false // a parameter, or declared outside the function: not local
	}
	for cc := range fn.Preorder((*ast.CallExpr)(nil)) {
		call := cc.Node().(*ast.CallExpr)
		f, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok || f.Name() != "SetLimit" || f.Pkg() == nil || f.Pkg().Path() != errgroupPath {
			continue
		}
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			if x, ok := ast.Unparen(sel.X).(*ast.Ident); ok && info.Uses[x] == v {
				return false // limited
			}
		}
	}
	return true // local and no limit: report
}

// limitedGoroutine reports whether the function a goroutine runs (a literal, or a function
// of this package) limits concurrency itself, or calls, at any depth of its own body, a
// function of this package that does (one level of calls is followed).
func (c *checker) limitedGoroutine(fn ast.Expr) bool {
	var body *ast.BlockStmt
	switch f := ast.Unparen(fn).(type) {
	case *ast.FuncLit:
		body = f.Body
	default:
		if d := c.declOf(fn); d != nil {
			body = d.Body
		}
	}
	if body == nil {
		return false
	}
	if c.limitedInside(body) {
		return true
	}
	limited := false
	ast.Inspect(body, func(n ast.Node) bool {
		if limited {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if d := c.declOf(call.Fun); d != nil && d.Body != nil && c.limitedInside(d.Body) {
				limited = true
			}
		}
		return true
	})
	return limited
}

// declOf returns the declaration, in this package, of the function or method fn denotes.
func (c *checker) declOf(fn ast.Expr) *ast.FuncDecl {
	var id *ast.Ident
	switch f := ast.Unparen(fn).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // generic instantiation
		return c.declOf(f.X)
	case *ast.IndexListExpr:
		return c.declOf(f.X)
	default:
		return nil
	}
	obj, ok := c.pass.TypesInfo.Uses[id].(*types.Func)
	if !ok || obj.Pkg() != c.pass.Pkg {
		return nil
	}
	if d := c.m.Decl(obj); d != nil {
		decl, _ := d.Node.(*ast.FuncDecl)
		return decl
	}
	return nil
}

// callerSupplied reports whether the input is a call of a method of a parameter of an
// exported function: grpc's (*Server).Serve(lis net.Listener) accepts on the caller's
// listener, which the caller limits (netutil.LimitListener) as it chooses.
func (c *checker) callerSupplied(f *model.Func, src ast.Node) bool {
	call, ok := src.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	for g := f; g != nil; g = g.Outer {
		if g.Obj == nil || !g.Obj.Exported() {
			continue
		}
		for p := range g.Sig.Params().Variables() {
			if p == v {
				return true
			}
		}
	}
	return false
}

// limitedListener reports whether the input is a call of a method of a variable or field
// that only ever holds what golang.org/x/net/netutil.LimitListener returns: "a Listener
// that accepts at most n simultaneous connections from the provided Listener", so at most
// n goroutines serve them.
func (c *checker) limitedListener(src ast.Node) bool {
	info := c.pass.TypesInfo
	call, ok := src.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	var obj types.Object
	switch x := ast.Unparen(sel.X).(type) {
	case *ast.Ident:
		obj = info.Uses[x]
	case *ast.SelectorExpr:
		obj = info.Uses[x.Sel]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.Exported() && v.IsField() {
		return false // an exported field may be set anywhere
	}
	values, ok := c.m.ValuesOf(v)
	if !ok || len(values) == 0 {
		return false
	}
	for _, e := range values {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return false
		}
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "golang.org/x/net/netutil" || fn.Name() != "LimitListener" {
			return false
		}
	}
	return true
}

// endsWithIteration reports whether the goroutine, a function literal, starts by waiting
// on a channel that the loop body makes and closes (outside function literals): it ends
// with its iteration, so the loop never runs more than a few at once. That is the
// stopper of a watch loop, which stops each iteration's watcher on exit or when the
// iteration closes its done channel (asim/go-micro v3.7.1 config/default.go and
// api/router/registry/registry.go).
func (c *checker) endsWithIteration(fn ast.Expr, body *ast.BlockStmt) bool {
	lit, ok := ast.Unparen(fn).(*ast.FuncLit)
	if !ok || len(lit.Body.List) == 0 || body == nil {
		return false
	}
	info := c.pass.TypesInfo
	// The channels the body itself closes (not a function literal in it), declared in it.
	cs := c.m.Chans()
	closed := make(map[types.Object]bool)
	for _, op := range cs.Ops {
		if op.Kind != model.Close || op.Func == nil || !within(body, op.Node) || within(body, op.Func.Node) {
			continue
		}
		if v, ok := cs.Object(op.Ch).(*types.Var); ok && within(body, v) {
			closed[v] = true
		}
	}
	if len(closed) == 0 {
		return false
	}
	recvFrom := func(e ast.Expr) bool {
		u, ok := ast.Unparen(e).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			return false
		}
		id, ok := ast.Unparen(u.X).(*ast.Ident)
		return ok && closed[info.Uses[id]]
	}
	switch first := lit.Body.List[0].(type) {
	case *ast.ExprStmt:
		return recvFrom(first.X)
	case *ast.SelectStmt:
		for _, st := range first.Body.List {
			switch comm := st.(*ast.CommClause).Comm.(type) {
			case *ast.ExprStmt:
				if recvFrom(comm.X) {
					return true
				}
			case *ast.AssignStmt:
				if len(comm.Rhs) == 1 && recvFrom(comm.Rhs[0]) {
					return true
				}
			}
		}
	}
	return false
}

// within reports whether the node or object n lies in outer.
func within(outer ast.Node, n interface{ Pos() token.Pos }) bool {
	return outer.Pos() <= n.Pos() && n.Pos() < outer.End()
}
