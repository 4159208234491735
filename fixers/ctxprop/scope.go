package ctxprop

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

type status int

const (
	none      status = iota // no context in scope, or the code detaches on purpose
	ok                      // exactly one context in scope: env.ctx
	ambiguous               // several contexts in scope
)

// envResult describes the context in scope at a call.
type envResult struct {
	status status
	ctx    *types.Var   // when ok: the context variable, or the *http.Request parameter (req)
	req    bool         // ctx is an *http.Request parameter: the context is ctx.Context()
	cands  []*types.Var // when ambiguous
	levels []level      // enclosing functions, innermost first, up to the owner of ctx
}

func (e envResult) names() string {
	var s []string
	for _, v := range e.cands {
		s = append(s, v.Name())
	}
	return strings.Join(s, ", ")
}

// A level is a function enclosing the call: a declaration, or a function literal.
type level struct {
	fn   ast.Node // *ast.FuncDecl or *ast.FuncLit
	f    *model.Func
	at   ast.Node // the node of this function the call is in: the site, or the call of the inner literal
	body *ast.BlockStmt
}

// env finds the context in scope at cur. Contexts of the enclosing function count, and
// those of functions further out as long as the way out crosses only function literals
// called on the spot or passed to a callee that runs them before it returns (callback).
// A go or defer statement, a literal that may run later, or the clean-up path after
// <-ctx.Done() or ctx.Err() make the call detached: no context.
func (ck *checker) env(cur inspector.Cursor) envResult {
	site := cur.Node()
	var levels []level
	at := site
	detached := false
	var joined ast.Node // a go statement whose goroutine the function waits for
	for p := cur.Parent(); p.Valid(); p = p.Parent() {
		switch n := p.Node().(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			if n != joined {
				detached = true
			}
		case *ast.FuncDecl:
			if n.Body == nil {
				return envResult{}
			}
			levels = append(levels, level{fn: n, f: ck.m.FuncOf(n), at: at, body: n.Body})
			goto done
		case *ast.FuncLit:
			levels = append(levels, level{fn: n, f: ck.m.FuncOf(n), at: at, body: n.Body})
			call, ok := calledOnTheSpot(p)
			if !ok {
				call, ok = ck.callback(p)
			}
			if !ok {
				if gs := ck.joinedGo(p); gs != nil {
					call, ok, joined = gs.Call, true, gs
				}
			}
			if !ok {
				goto done
			}
			at = call
		}
	}
done:
	if detached || len(levels) == 0 {
		return envResult{}
	}
	var outermost ast.Node
	for c := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		outermost = c.Node()
	}
	ck.scanVars(outermost)

	// Candidates visible at the site, owned by one of the levels.
	scope := ck.pass.Pkg.Scope().Innermost(site.Pos())
	if scope == nil {
		return envResult{}
	}
	var cands []*types.Var
	owner := -1
	for i, l := range levels {
		for _, v := range ck.paramsAndLocals(l) {
			if !ck.valid[v] {
				continue
			}
			if _, obj := scope.LookupParent(v.Name(), site.Pos()); obj != v {
				continue
			}
			cands = append(cands, v)
			if owner < 0 {
				owner = i
			}
		}
	}
	req := false
	switch len(cands) {
	case 0:
		// No context variable: the context of an HTTP request the function serves.
		owner = -1
		for i, l := range levels {
			if r := ck.requestParam(l, scope, site.Pos()); r != nil {
				cands, owner, req = []*types.Var{r}, i, true
				break
			}
		}
		if owner < 0 {
			return envResult{}
		}
	}
	levels = levels[:owner+1]
	for _, l := range levels {
		if ck.flow(l.f).after(l.at) {
			return envResult{} // clean-up after a context ended: detached on purpose
		}
	}
	if len(cands) > 1 {
		return envResult{status: ambiguous, cands: cands}
	}
	v := cands[0]
	if ck.maybeNil(cur, v) {
		// In the branch of if ctx == nil: a fresh context is the default for a nil one
		// (go-micro's trace.Start returns ToContext(context.Background(), …) there).
		return envResult{}
	}
	if !req && ck.cancels[v] && ck.resultsMayRetain(levels[owner].fn) {
		// A cancellable context whose values could be returned to the caller after
		// cancel: the function's results would be tied to a dead context.
		return envResult{}
	}
	return envResult{status: ok, ctx: v, req: req, levels: levels}
}

// text is how the context in scope is written: its variable, or r.Context().
func (e envResult) text() string {
	if e.req {
		return e.ctx.Name() + ".Context()"
	}
	return e.ctx.Name()
}

// expr returns a new expression for the context in scope.
func (e envResult) expr() dst.Expr {
	if e.req {
		return &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(e.ctx.Name()), Sel: dst.NewIdent("Context")}}
	}
	return dst.NewIdent(e.ctx.Name())
}

// requestParam returns the named *net/http.Request parameter of function l that is
// visible at pos, or nil: its Context() is the context of the request being served
// (cancelled when the client goes away or the handler returns).
func (ck *checker) requestParam(l level, scope *types.Scope, pos token.Pos) *types.Var {
	if l.f == nil || l.f.Sig == nil {
		return nil
	}
	for v := range l.f.Sig.Params().Variables() {
		if v.Name() == "" || v.Name() == "_" || !isRequest(v.Type()) {
			continue
		}
		if _, obj := scope.LookupParent(v.Name(), pos); obj == v {
			return v
		}
	}
	return nil
}

// isRequest reports whether t is *net/http.Request.
func isRequest(t types.Type) bool { return isPtrTo(t, "net/http", "Request") }

// isPtrTo reports whether t is a pointer to the named type name of package path.
func isPtrTo(t types.Type, path, name string) bool {
	p, ok := t.(*types.Pointer)
	return ok && isNamed(p.Elem(), path, name)
}

// isNamed reports whether t is the named type name of package path.
func isNamed(t types.Type, path, name string) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Name() == name && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == path
}

// calledOnTheSpot reports whether the function literal at lit is called where it
// stands (func(){...}()), outside go and defer statements, and returns that call.
func calledOnTheSpot(lit inspector.Cursor) (*ast.CallExpr, bool) {
	p := lit.Parent()
	for {
		if _, ok := p.Node().(*ast.ParenExpr); !ok {
			break
		}
		p = p.Parent()
	}
	call, ok := p.Node().(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) != lit.Node() {
		return nil, false
	}
	switch p.Parent().Node().(type) {
	case *ast.GoStmt, *ast.DeferStmt:
		return nil, false
	}
	return call, true
}

// joinedGo returns the go statement that starts lit, a function literal, when the
// function starting it cannot return while the goroutine runs (model.Spawn's
// MayReturnBefore: it waits for it on every path, with a WaitGroup, a channel): the
// goroutine's calls run inside the function's life, under its context
// (pganalyze/collector#565's fan-out of requests it waits for).
func (ck *checker) joinedGo(lit inspector.Cursor) *ast.GoStmt {
	call, ok := lit.Parent().Node().(*ast.CallExpr)
	if !ok || call.Fun != lit.Node() {
		return nil
	}
	gs, ok := lit.Parent().Parent().Node().(*ast.GoStmt)
	if !ok {
		return nil
	}
	f := ck.m.FuncOf(lit.Node())
	if f == nil {
		return nil
	}
	s := ck.m.Shared().SpawnOf(f)
	if s == nil || s.MayReturnBefore() {
		return nil
	}
	return gs
}

// paramsAndLocals returns the context variables declared by function l itself: its
// parameters and the variables of its body outside nested literals.
func (ck *checker) paramsAndLocals(l level) []*types.Var {
	var vars []*types.Var
	var ft *ast.FuncType
	switch fn := l.fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	info := ck.pass.TypesInfo
	for _, f := range ft.Params.List {
		for _, name := range f.Names {
			if v, ok := info.Defs[name].(*types.Var); ok && name.Name != "_" && ck.isCtx(v.Type()) {
				vars = append(vars, v)
			}
		}
	}
	ast.Inspect(l.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.Ident:
			if v, ok := info.Defs[n].(*types.Var); ok && n.Name != "_" && ck.isCtx(v.Type()) {
				vars = append(vars, v)
			}
		}
		return true
	})
	return vars
}

// deriving lists the context functions whose result derives from their first argument.
var deriving = map[string]bool{
	"WithCancel": true, "WithCancelCause": true,
	"WithTimeout": true, "WithTimeoutCause": true,
	"WithDeadline": true, "WithDeadlineCause": true,
	"WithValue": true,
}

// scanVars decides, for every context variable declared in the outermost function fn
// (nested literals included), whether each of its values derives from a context in
// scope: a parameter, or a variable assigned only copies of such contexts and results of
// context.With* applied to them. Variables whose address is taken, that are assigned
// anything else, or that are declared without a value are not followed.
func (ck *checker) scanVars(fn ast.Node) {
	if ck.scanned[fn] {
		return
	}
	ck.scanned[fn] = true
	info := ck.pass.TypesInfo

	type value struct {
		e   ast.Expr // nil: not a derivation
		idx int      // result index of a multi-value call
	}
	params := make(map[*types.Var]bool)
	assigns := make(map[*types.Var][]value)
	vars := make(map[*types.Var]bool)
	ctxVar := func(id ast.Expr) *types.Var {
		ident, ok := ast.Unparen(id).(*ast.Ident)
		if !ok || ident.Name == "_" {
			return nil
		}
		obj := info.Defs[ident]
		if obj == nil {
			obj = info.Uses[ident]
		}
		v, ok := obj.(*types.Var)
		if !ok || !ck.isCtx(v.Type()) || v.IsField() || v.Parent() == ck.pass.Pkg.Scope() {
			return nil
		}
		return v
	}
	record := func(lhs []ast.Expr, rhs []ast.Expr) {
		for i, l := range lhs {
			v := ctxVar(l)
			if v == nil {
				continue
			}
			vars[v] = true
			switch {
			case len(lhs) == len(rhs):
				assigns[v] = append(assigns[v], value{e: rhs[i]})
			case len(rhs) == 1:
				assigns[v] = append(assigns[v], value{e: rhs[0], idx: i})
			default:
				assigns[v] = append(assigns[v], value{})
			}
		}
	}
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncType:
			if n.Params != nil {
				for _, f := range n.Params.List {
					for _, name := range f.Names {
						if v := ctxVar(name); v != nil {
							vars[v], params[v] = true, true
						}
					}
				}
			}
			if n.Results != nil {
				for _, f := range n.Results.List {
					for _, name := range f.Names {
						if v := ctxVar(name); v != nil {
							vars[v] = true // named result: assigned by returns; not followed
							assigns[v] = append(assigns[v], value{})
						}
					}
				}
			}
			return false
		case *ast.AssignStmt:
			record(n.Lhs, n.Rhs)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, name := range n.Names {
				lhs[i] = name
			}
			if len(n.Values) == 0 {
				for _, l := range lhs {
					if v := ctxVar(l); v != nil {
						vars[v] = true
						assigns[v] = append(assigns[v], value{})
					}
				}
			}
			record(lhs, n.Values)
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if v := ctxVar(e); v != nil {
					vars[v] = true
					assigns[v] = append(assigns[v], value{})
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if v := ctxVar(n.X); v != nil {
					vars[v] = true
					assigns[v] = append(assigns[v], value{})
				}
			}
		}
		return true
	})

	valid := make(map[*types.Var]bool)
	for v := range vars {
		if params[v] || len(assigns[v]) > 0 {
			valid[v] = true
		}
	}
	var derived func(e ast.Expr, idx int) (bool, bool)
	derived = func(e ast.Expr, idx int) (ok, cancel bool) {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			v := ctxVar(e)
			return idx == 0 && v != nil && valid[v], false
		case *ast.CallExpr:
			name := ck.ctxFunc(e)
			if !deriving[name] || idx != 0 || len(e.Args) == 0 {
				return false, false
			}
			ok, _ := derived(e.Args[0], 0)
			return ok, name != "WithValue"
		}
		return false, false
	}
	for changed := true; changed; {
		changed = false
		for v := range valid {
			for _, a := range assigns[v] {
				if a.e == nil {
					delete(valid, v)
					changed = true
					break
				}
				if ok, _ := derived(a.e, a.idx); !ok {
					delete(valid, v)
					changed = true
					break
				}
			}
		}
	}
	for v := range valid {
		ck.valid[v] = true
		for _, a := range assigns[v] {
			if _, c := derived(a.e, a.idx); c {
				ck.cancels[v] = true
			}
		}
	}
}

// resultsMayRetain reports whether function fn returns a value that may hold a context.
func (ck *checker) resultsMayRetain(fn ast.Node) bool {
	var sig *types.Signature
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		if obj, ok := ck.pass.TypesInfo.Defs[fn.Name].(*types.Func); ok {
			sig = obj.Signature()
		}
	case *ast.FuncLit:
		sig, _ = ck.pass.TypesInfo.TypeOf(fn).(*types.Signature)
	}
	if sig == nil {
		return true
	}
	for i := 0; i < sig.Results().Len(); i++ {
		if mayRetain(sig.Results().At(i).Type()) {
			return true
		}
	}
	return false
}

// mayRetain reports whether a value of type t may hold a context: anything but basic
// values (and error, which by convention does not).
func mayRetain(t types.Type) bool {
	if types.Identical(t, types.Universe.Lookup("error").Type()) {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return false
	case *types.Slice:
		return mayRetain(u.Elem())
	case *types.Array:
		return mayRetain(u.Elem())
	}
	return true
}

// maybeNil reports whether v may be nil at cur: cur is in the body of an if statement
// (or a case of a switch without a tag) whose condition compares v == nil, or in the else
// of one that compares v != nil, anywhere in the condition (ctx == nil || ctx.Err() != nil).
func (ck *checker) maybeNil(cur inspector.Cursor, v *types.Var) bool {
	tests := func(cond ast.Expr, op token.Token) bool {
		found := false
		ast.Inspect(cond, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok && model.NilTested(ck.pass.TypesInfo, e, op) == v {
				found = true
			}
			return !found
		})
		return found
	}
	for p := cur; p.Valid(); p = p.Parent() {
		if _, ok := p.Node().(*ast.File); ok {
			break
		}
		switch p.ParentEdgeKind() {
		case edge.IfStmt_Body:
			if tests(p.Parent().Node().(*ast.IfStmt).Cond, token.EQL) {
				return true
			}
		case edge.IfStmt_Else:
			if tests(p.Parent().Node().(*ast.IfStmt).Cond, token.NEQ) {
				return true
			}
		case edge.CaseClause_Body:
			for _, e := range p.Parent().Node().(*ast.CaseClause).List {
				if tests(e, token.EQL) {
					return true
				}
			}
		}
	}
	return false
}
