package lostcancel

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/ctrlflow"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var docGo string

// Analyzer is the lostcancel fixer.
var Analyzer = &analysis.Analyzer{
	Name:     "lostcancel",
	Doc:      fixkit.Doc(docGo, "lostcancel"),
	URL:      fixkit.URL("lostcancel"),
	Requires: []*analysis.Analyzer{inspect.Analyzer, ctrlflow.Analyzer},
	Run:      run,
}

// withFuncs are the functions of package context that return a context and its cancel
// function.
var withFuncs = map[string]bool{
	"WithCancel":        true,
	"WithCancelCause":   true,
	"WithTimeout":       true,
	"WithTimeoutCause":  true,
	"WithDeadline":      true,
	"WithDeadlineCause": true,
}

func run(pass *analysis.Pass) (any, error) {
	if !imports(pass.Pkg, "context") {
		return nil, nil
	}
	in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	cfgs := pass.ResultOf[ctrlflow.Analyzer].(*ctrlflow.CFGs)
	a := &analyzer{
		pass:     pass,
		cfgs:     cfgs,
		reserved: make(map[ast.Node]map[string]bool),
		holds:    make(map[types.Type]bool),
	}
	for cur := range in.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		top := cur
		for p := cur.Parent(); p.Valid(); p = p.Parent() {
			if _, ok := p.Node().(*ast.File); ok {
				break
			}
			top = p
		}
		a.runFunc(cur.Node(), top.Node())
	}
	return nil, nil
}

func imports(pkg *types.Package, path string) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == path {
			return true
		}
	}
	return false
}

type analyzer struct {
	pass *analysis.Pass
	cfgs *ctrlflow.CFGs
	// reserved holds, per top-level declaration, the names that fixes have introduced,
	// so that two fixes in one declaration do not pick the same fresh name.
	reserved map[ast.Node]map[string]bool
	holds    map[types.Type]bool // memo of mayHoldContext
}

// A candidate is one assignment of a context.With* call's results.
type candidate struct {
	fn       ast.Node // *ast.FuncDecl or *ast.FuncLit that contains the assignment
	top      ast.Node // the top-level declaration that contains fn
	body     *ast.BlockStmt
	sig      *types.Signature
	stmt     ast.Node // *ast.AssignStmt or *ast.ValueSpec (as it appears in the CFG)
	stack    []ast.Node
	call     *ast.CallExpr
	callee   *types.Func
	ctxExpr  ast.Expr   // the left-hand side receiving the context
	cancelID *ast.Ident // the left-hand side receiving the cancel function
	cancel   *types.Var // nil when discarded
}

func (c *candidate) what() string { return "context." + c.callee.Name() }

func (a *analyzer) runFunc(fn, top ast.Node) {
	info := a.pass.TypesInfo
	var body *ast.BlockStmt
	var sig *types.Signature
	isMain := false
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		body = fn.Body
		if obj, ok := info.Defs[fn.Name].(*types.Func); ok {
			sig = obj.Signature()
			// Returning from main.main ends the process: only discarded cancel
			// functions are reported there, as go vet does.
			isMain = sig.Recv() == nil && fn.Name.Name == "main" && a.pass.Pkg.Name() == "main"
		}
	case *ast.FuncLit:
		body = fn.Body
		sig, _ = info.TypeOf(fn).(*types.Signature)
	}
	if body == nil || sig == nil {
		return
	}

	var cands []*candidate
	ast.PreorderStack(fn, nil, func(n ast.Node, stack []ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok && len(stack) > 0 {
			return false // nested functions are analysed on their own
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok || callee.Pkg() == nil || callee.Pkg().Path() != "context" || !withFuncs[callee.Name()] {
			return true
		}
		if callee.Signature().Results().Len() != 2 {
			return true
		}
		c := &candidate{fn: fn, top: top, body: body, sig: sig, call: call, callee: callee}
		switch p := stack[len(stack)-1].(type) {
		case *ast.AssignStmt:
			if len(p.Lhs) != 2 || len(p.Rhs) != 1 || (p.Tok != token.DEFINE && p.Tok != token.ASSIGN) {
				return true
			}
			c.stmt, c.ctxExpr = p, p.Lhs[0]
			c.cancelID, _ = p.Lhs[1].(*ast.Ident)
		case *ast.ValueSpec:
			if len(p.Names) != 2 || len(p.Values) != 1 {
				return true
			}
			c.stmt, c.ctxExpr, c.cancelID = p, p.Names[0], p.Names[1]
		default:
			return true
		}
		if c.cancelID == nil {
			return true // stored in a field or an element: somebody else's to call
		}
		c.stack = append([]ast.Node(nil), stack[:len(stack)-1]...)
		if c.cancelID.Name != "_" {
			if isMain {
				return true
			}
			v, _ := info.Defs[c.cancelID].(*types.Var)
			if v == nil {
				v, _ = info.Uses[c.cancelID].(*types.Var)
			}
			if v == nil {
				return true
			}
			c.cancel = v
		}
		cands = append(cands, c)
		return true
	})
	if len(cands) == 0 {
		return
	}

	var g *cfg.CFG
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		g = a.cfgs.FuncDecl(fn)
	case *ast.FuncLit:
		g = a.cfgs.FuncLit(fn)
	}
	if g == nil {
		return
	}
	for _, c := range cands {
		a.check(c, g)
	}
}

// check reports c if its cancel function can be lost.
func (a *analyzer) check(c *candidate, g *cfg.CFG) {
	d := analysis.Diagnostic{Pos: c.stmt.Pos(), End: c.stmt.End()}
	if c.cancel == nil {
		d.Message = fmt.Sprintf("cancel function returned by %s is discarded", c.what())
		d.Pos, d.End = c.cancelID.Pos(), c.cancelID.End()
	} else {
		refs := a.classify(c.cancel, c.top)
		if !isLocal(c.cancel, c.fn) {
			// Declared by an enclosing function (or the package): report only if it is
			// never used at all there.
			if c.cancel.Parent() == nil || c.cancel.Parent() == a.pass.Pkg.Scope() || refs.anyUse {
				return
			}
			d.Message = fmt.Sprintf("cancel function returned by %s is never called", c.what())
			fixkit.Refuse(a.pass, d, c.cancelID.Pos(), "the variable belongs to an enclosing function")
			return
		}
		witness := lostPath(a.pass.TypesInfo, g, c, refs)
		if witness == nil {
			return
		}
		if !refs.anyUseIn(c.fn) {
			d.Message = fmt.Sprintf("cancel function returned by %s is never called", c.what())
		} else {
			d.Message = fmt.Sprintf("cancel function returned by %s is not called on all paths", c.what())
			pos, end := witness.Pos(), witness.End()
			if a.pass.Fset.File(pos) != a.pass.Fset.File(end) || end < pos {
				end = pos // a synthetic return statement
			}
			msg := fmt.Sprintf("this return statement may be reached without calling %s", c.cancel.Name())
			if _, ok := witness.(*ast.ReturnStmt); !ok {
				msg = fmt.Sprintf("%s may be overwritten here before it is called", c.cancel.Name())
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
}

func (r *refs) anyUseIn(n ast.Node) bool {
	for id := range r.uses {
		if n.Pos() <= id.Pos() && id.End() <= n.End() {
			return true
		}
	}
	return false
}

// classify finds the references to v in root: uses, assignments (kills) and `_ = v`.
// References in nested function literals count as uses, whatever they are, except
// `_ = v`.
func (a *analyzer) classify(v *types.Var, root ast.Node) *refs {
	info := a.pass.TypesInfo
	r := &refs{uses: make(map[*ast.Ident]bool), kills: make(map[*ast.Ident]bool)}
	ast.PreorderStack(root, nil, func(n ast.Node, stack []ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		if info.Uses[id] != v && info.Defs[id] != v {
			return true
		}
		parent := stack[len(stack)-1]
		if as, ok := parent.(*ast.AssignStmt); ok {
			if isBlankAssign(as) && as.Rhs[0] == id {
				r.silencers = append(r.silencers, as)
				return true
			}
			for _, l := range as.Lhs {
				if l == id {
					r.kills[id] = true
					return true
				}
			}
		}
		if rs, ok := parent.(*ast.RangeStmt); ok && (rs.Key == id || rs.Value == id) {
			r.kills[id] = true
			return true
		}
		if vs, ok := parent.(*ast.ValueSpec); ok {
			for _, name := range vs.Names {
				if name == id {
					r.kills[id] = true
					return true
				}
			}
		}
		if info.Uses[id] == v {
			r.uses[id] = true
			r.anyUse = true
		}
		return true
	})
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
func lostPath(info *types.Info, g *cfg.CFG, c *candidate, r *refs) ast.Node {
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
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				// Any reference in a nested function counts as a use.
				ast.Inspect(n.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && (r.uses[id] || r.kills[id]) {
						used = true
					}
					return !used
				})
				return false
			case *ast.Ident:
				if r.uses[n] {
					used = true
				} else if r.kills[n] {
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
		for _, n := range nodes {
			switch scan(n) {
			case 1:
				return nil, true
			case -1:
				return n, true
			}
		}
		if ret := b.Return(); ret != nil {
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
	seen := make(map[*cfg.Block]bool)
	var search func(blocks []*cfg.Block) ast.Node
	search = func(blocks []*cfg.Block) ast.Node {
		for _, b := range blocks {
			if seen[b] {
				continue
			}
			seen[b] = true
			if w, done := walk(b, b.Nodes); done {
				if w != nil {
					return w
				}
				continue
			}
			if w := search(b.Succs); w != nil {
				return w
			}
		}
		return nil
	}
	return search(defblock.Succs)
}
