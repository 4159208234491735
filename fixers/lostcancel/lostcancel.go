package lostcancel

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var docGo string

// Analyzer is the lostcancel fixer.
var Analyzer = &analysis.Analyzer{
	Name:     "lostcancel",
	Doc:      fixkit.Doc(docGo, "lostcancel"),
	URL:      fixkit.URL("lostcancel"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	if !model.Imports(pass.Pkg, "context") {
		return nil, nil
	}
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	a := &analyzer{
		pass:     pass,
		m:        m,
		reserved: make(map[ast.Node]map[string]bool),
		holds:    make(map[types.Type]bool),
	}
	for _, d := range m.Contexts().Derivations {
		if c := a.candidate(d); c != nil {
			a.check(c, d.Func.CFG())
		}
	}
	a.checkFields()
	return nil, nil
}

type analyzer struct {
	pass *analysis.Pass
	m    *model.Model
	// reserved holds, per outermost function, the names that fixes have introduced,
	// so that two fixes in one declaration do not pick the same fresh name.
	reserved map[ast.Node]map[string]bool
	holds    map[types.Type]bool // memo of mayHoldContext
}

// A candidate is one assignment of a context.With* call's results.
type candidate struct {
	d        *model.Derivation
	fn       ast.Node // *ast.FuncDecl or *ast.FuncLit that contains the assignment
	top      ast.Node // the outermost function that contains fn
	body     *ast.BlockStmt
	sig      *types.Signature
	stmt     ast.Node   // *ast.AssignStmt or *ast.ValueSpec (as it appears in the CFG)
	stack    []ast.Node // the ancestors of stmt from fn down to its parent
	call     *ast.CallExpr
	callee   *types.Func
	ctxExpr  ast.Expr   // the left-hand side receiving the context
	cancelID *ast.Ident // the left-hand side receiving the cancel function
	cancel   *types.Var // nil when discarded
	// closures are the function literals that refer to cancel and are only ever called
	// by the function, through the local variable each is assigned to once
	// (cleanup := func() { cancel(); ... }; ...; cleanup()): a call of the variable is a
	// use of cancel, the literal itself is not.
	closures map[*ast.FuncLit]*types.Var
}

// what names the call, and kind its release function, for messages.
func (c *candidate) what() string { return c.callee.Pkg().Name() + "." + c.callee.Name() }

func (c *candidate) kind() string {
	if c.callee.Pkg().Path() == "os/signal" {
		return "stop"
	}
	return "cancel"
}

// candidate returns the candidate of a derivation of the model, or nil when there is
// nothing to check: the cancel function is stored in a field or an element (somebody
// else's to call), or named in main.main, whose return ends the process (only discarded
// cancel functions are reported there, as go vet does).
func (a *analyzer) candidate(d *model.Derivation) *candidate {
	if d.Func == nil || d.Stmt == nil || d.CancelID == nil {
		return nil
	}
	if d.Callee.Signature().Results().Len() != 2 {
		return nil
	}
	f := d.Func
	if d.CancelID.Name != "_" {
		if f.Obj != nil && f.Sig.Recv() == nil && f.Obj.Name() == "main" && a.pass.Pkg.Name() == "main" {
			return nil
		}
		if d.Cancel == nil {
			return nil
		}
	}
	c := &candidate{
		d: d, fn: f.Node, top: f.Root().Node, body: f.Body, sig: f.Sig, stmt: d.Stmt,
		call: d.Call, callee: d.Callee, ctxExpr: d.Ctx, cancelID: d.CancelID, cancel: d.Cancel,
	}
	if c.sig == nil {
		return nil
	}
	c.closures = a.localClosures(c)
	// The ancestors of the statement, from the function down.
	for p := d.Cursor.Parent().Parent(); p.Valid(); p = p.Parent() {
		c.stack = append(c.stack, p.Node())
		if p.Node() == f.Node {
			break
		}
	}
	slices.Reverse(c.stack)
	return c
}

// check reports c if its cancel function can be lost.
func (a *analyzer) check(c *candidate, g *cfg.CFG) {
	d := analysis.Diagnostic{Pos: c.stmt.Pos(), End: c.stmt.End()}
	if c.cancel == nil {
		if cg := a.m.Intent(c.cancelID.Pos()); cg != nil && explainsDiscard(cg.Text()) {
			// `ctx, _ = context.WithTimeout(...)` under a comment that says why (client-go's
			// tools/cache wait_test: "This leaks a cancel, but is hard to avoid"): deliberate.
			return
		}
		d.Message = fmt.Sprintf("%s function returned by %s is discarded", c.kind(), c.what())
		d.Pos, d.End = c.cancelID.Pos(), c.cancelID.End()
	} else {
		refs := a.classify(c, c.top)
		if !isLocal(c.cancel, c.fn) {
			// Declared by an enclosing function (or the package): report only if it is
			// never used at all there.
			if c.cancel.Parent() == nil || c.cancel.Parent() == a.pass.Pkg.Scope() || refs.anyUse {
				return
			}
			d.Message = fmt.Sprintf("%s function returned by %s is never called", c.kind(), c.what())
			fixkit.Refuse(a.pass, d, c.cancelID.Pos(), "the variable belongs to an enclosing function")
			return
		}
		if a.handedOn(c) {
			return
		}
		cr := a.conditionalRelease(c, refs)
		witness := lostPath(a.pass.TypesInfo, g, c, refs, cr, a.doneAt(c))
		if witness == nil {
			return
		}
		if !refs.anyUseIn(c.fn) {
			d.Message = fmt.Sprintf("%s function returned by %s is never called", c.kind(), c.what())
		} else {
			d.Message = fmt.Sprintf("%s function returned by %s is not called on all paths", c.kind(), c.what())
			pos, end := witness.Pos(), witness.End()
			if a.pass.Fset.File(pos) != a.pass.Fset.File(end) || end < pos {
				end = pos // a synthetic return statement
			}
			msg := fmt.Sprintf("this return statement may be reached without calling %s", c.cancel.Name())
			if _, ok := witness.(*ast.ReturnStmt); !ok {
				msg = fmt.Sprintf("%s may be overwritten here before it is called", c.cancel.Name())
			} else if cr != nil {
				msg = fmt.Sprintf("the deferred function calls %s only when %s != nil; this return may succeed", c.cancel.Name(), cr.err.Name())
			}
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: pos, End: end, Message: msg})
		}
	}
	a.fix(c, d)
}

// refs classifies the references to one cancel variable.
type refs struct {
	uses      map[*ast.Ident]bool // references that count as uses
	kills     map[*ast.Ident]bool // left-hand sides of assignments to the variable
	silencers []*ast.AssignStmt   // `_ = cancel` statements
	anyUse    bool
	decl      *types.Var // a local variable declared apart from the assignment: its declaration kills it too
}

// killed reports whether id assigns or declares the variable.
func (r *refs) killed(info *types.Info, id *ast.Ident) bool {
	return r.kills[id] || r.decl != nil && info.Defs[id] == r.decl
}

func (r *refs) anyUseIn(n ast.Node) bool {
	for id := range r.uses {
		if n.Pos() <= id.Pos() && id.End() <= n.End() {
			return true
		}
	}
	return false
}

// classify sorts the references to c's cancel variable in the model (Derivation.Uses)
// that lie in root: uses, assignments (kills) and `_ = v`. The declaration of a local
// variable (by := or var) is a kill too. References in nested function literals count
// as uses, whatever they are, except `_ = v`.
func (a *analyzer) classify(c *candidate, root ast.Node) *refs {
	v := c.cancel
	r := &refs{uses: make(map[*ast.Ident]bool), kills: make(map[*ast.Ident]bool)}
	in := func(n ast.Node) bool { return root.Pos() <= n.Pos() && n.End() <= root.End() }
	for _, u := range c.d.Uses {
		if !in(u.Ident) {
			continue
		}
		switch u.Kind {
		case model.CancelSilenced:
			r.silencers = append(r.silencers, u.Cursor.Parent().Node().(*ast.AssignStmt))
		case model.CancelAssigned:
			r.kills[u.Ident] = true
		default:
			r.uses[u.Ident] = true
			r.anyUse = true
		}
	}
	if body := c.body; body.Pos() <= v.Pos() && v.Pos() < body.End() && root.Pos() <= v.Pos() && v.Pos() < root.End() {
		// Declared in the function's body (by := or var): the model lists uses only.
		if c.cancelID.Pos() == v.Pos() {
			r.kills[c.cancelID] = true
		} else {
			r.decl = v
		}
	}
	return r
}

// isBlankAssign reports whether as is `_ = x` for an identifier x.
func isBlankAssign(as *ast.AssignStmt) bool {
	if as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return false
	}
	l, ok := as.Lhs[0].(*ast.Ident)
	if !ok || l.Name != "_" {
		return false
	}
	_, ok = as.Rhs[0].(*ast.Ident)
	return ok
}

// isLocal reports whether v is a variable declared in fn (a parameter, result or local),
// including in its nested function literals.
func isLocal(v *types.Var, fn ast.Node) bool {
	return !v.IsField() && fn.Pos() <= v.Pos() && v.Pos() < fn.End()
}

// lostPath finds a path through g from c's assignment on which its cancel variable is not
// used before a return statement, or before it is assigned again. It returns the return
// statement (possibly synthetic) or the assignment, or nil when every path uses it.
//
// A conditional release (cr, if not nil) is not a use where it is deferred; a return
// that it releases, one that fails, ends the path as a use does.
func lostPath(info *types.Info, g *cfg.CFG, c *candidate, r *refs, cr *condRelease, done func(*cfg.Block, ast.Node) bool) ast.Node {
	v := c.cancel
	isResult := false
	for res := range c.sig.Results().Variables() {
		if res == v {
			isResult = true
		}
	}
	// scan classifies one CFG node: 1 uses v, -1 kills v, 0 neither.
	scan := func(n ast.Node) int {
		used, killed := false, false
		if cr != nil && n == cr.stmt {
			return 0
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				if _, ok := c.closures[n]; ok {
					return false // used where it is called
				}
				// Any reference in a nested function counts as a use.
				ast.Inspect(n.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && (r.uses[id] || r.killed(info, id)) {
						used = true
					}
					return !used
				})
				return false
			case *ast.Ident:
				if r.uses[n] || c.calls(info, n) {
					used = true
				} else if r.killed(info, n) {
					killed = true
				}
			case *ast.ReturnStmt:
				if n.Results == nil && isResult {
					used = true // a naked return returns the named result
				}
			}
			return !used
		})
		if used {
			return 1
		}
		if killed {
			return -1
		}
		return 0
	}
	// walk scans nodes in order; it returns (witness, true) when the path ends there.
	walk := func(b *cfg.Block, nodes []ast.Node) (ast.Node, bool) {
		if done(b, nil) {
			return nil, true
		}
		for _, n := range nodes {
			if done(b, n) {
				return nil, true // the context is done: it released what it held
			}
			switch scan(n) {
			case 1:
				return nil, true
			case -1:
				return n, true
			}
		}
		if ret := b.Return(); ret != nil {
			if cr != nil {
				cur, _ := c.d.Func.Cursor.FindNode(ret)
				if !cr.mayReturnNil(info, ret, cur) {
					return nil, true
				}
			}
			return ret, true
		}
		return nil, false
	}

	var defblock *cfg.Block
	var rest []ast.Node
outer:
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if n == c.stmt {
				defblock, rest = b, b.Nodes[i+1:]
				break outer
			}
		}
	}
	if defblock == nil {
		return nil // unreachable code
	}
	if w, done := walk(defblock, rest); done {
		return w
	}
	// The search also carries whether the context's deadline is still known (dl): while
	// it is, a branch taken only when the context has no deadline is not followed.
	dl := newDeadline(info, c)
	known := func(alive bool, nodes []ast.Node) bool {
		return alive && !slices.ContainsFunc(nodes, dl.kills)
	}
	succs := func(b *cfg.Block, alive bool) []*cfg.Block {
		if alive {
			if k := dl.infeasible(b); k >= 0 {
				return b.Succs[1-k : 2-k]
			}
		}
		return b.Succs
	}
	type visit struct {
		b     *cfg.Block
		alive bool
	}
	seen := make(map[visit]bool)
	var search func(blocks []*cfg.Block, alive bool) ast.Node
	search = func(blocks []*cfg.Block, alive bool) ast.Node {
		for _, b := range blocks {
			if seen[visit{b, alive}] {
				continue
			}
			seen[visit{b, alive}] = true
			if w, done := walk(b, b.Nodes); done {
				if w != nil {
					return w
				}
				continue
			}
			after := known(alive, b.Nodes)
			if w := search(succs(b, after), after); w != nil {
				return w
			}
		}
		return nil
	}
	alive := known(dl != nil, rest)
	return search(succs(defblock, alive), alive)
}

// explainsDiscard reports whether a comment speaks of the discarded release function:
// of a leak, of the cancel, or silences vet's check (//nolint:govet, lostcancel).
func explainsDiscard(text string) bool {
	text = strings.ToLower(text)
	for _, w := range []string{"leak", "cancel", "nolint", "govet", "lostcancel", "on purpose", "intentional", "deliberate"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// doneAt returns whether c's context is known to be done at a node of its function's
// graph (n nil: at the start of block b): after <-ctx.Done(), in case <-ctx.Done():, or
// where the model knows it done (ctx.Err() != nil). A done context, cancelled or timed
// out, has already released its timer and left its parent: a path that goes on from there
// without cancel loses nothing (grpc's rls test helpers wait for the attempt's context to
// expire, then derive the next one).
func (a *analyzer) doneAt(c *candidate) func(*cfg.Block, ast.Node) bool {
	var v *types.Var
	// signal.NotifyContext's context is done when a signal comes, but the notification
	// stays registered until stop is called.
	if id, ok := ast.Unparen(c.ctxExpr).(*ast.Ident); ok && c.callee.Pkg().Path() == "context" {
		v, _ = a.pass.TypesInfo.ObjectOf(id).(*types.Var)
	}
	isDone := func(e ast.Expr) bool {
		u, ok := ast.Unparen(e).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			return false
		}
		call, ok := ast.Unparen(u.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		fn, isFn := typeutil.Callee(a.pass.TypesInfo, call).(*types.Func)
		return ok && isFn && a.pass.TypesInfo.Uses[id] == v && model.IsContextMethod(fn, "Done")
	}
	// The comm statements of selects are nodes of the block before the select (the cfg
	// evaluates them all there); a Done case makes only its own body done.
	comms := c.d.Func.Comms()
	return func(b *cfg.Block, n ast.Node) bool {
		if v == nil {
			return false
		}
		if n == nil {
			cc, ok := b.Stmt.(*ast.CommClause)
			if !ok || b.Kind != cfg.KindSelectCaseBody {
				return false
			}
			es, ok := cc.Comm.(*ast.ExprStmt)
			return ok && isDone(es.X)
		}
		if es, ok := n.(*ast.ExprStmt); ok && comms[n] == nil && isDone(es.X) {
			return true
		}
		return a.m.KnownDone(c.d.Func, v, n)
	}
}

// count returns how many statements assign or declare the variable.
func (r *refs) count() int {
	n := len(r.kills)
	if r.decl != nil {
		n++
	}
	return n
}

// handedOn reports whether a function literal that calls c's cancel function is handed
// on as a value (passed to a call, stored, returned): whoever gets it may call cancel at
// any time, as go vet counts it (client-go's reflector tests give NewReflector ListWatch
// callbacks that cancel the context they run under). Literals called on the spot, by go
// or defer statements, and local closures that only c's function calls, are followed by
// the path search instead.
func (a *analyzer) handedOn(c *candidate) bool {
	for _, u := range c.d.Uses {
		if u.Kind != model.CancelCalled && u.Kind != model.CancelDeferred {
			continue
		}
		for f := u.In; f != nil && f.Node != c.fn && f.Obj == nil; f = f.Outer {
			lit := f.Node.(*ast.FuncLit)
			if f.Cursor.ParentEdgeKind() == edge.CallExpr_Fun || c.closures[lit] != nil {
				continue
			}
			return true
		}
	}
	return false
}
