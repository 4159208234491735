package waitgroup

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
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

// Analyzer reports and fixes misuses of sync.WaitGroup and sync values passed by value.
var Analyzer = &analysis.Analyzer{
	Name:       "waitgroup",
	Doc:        fixkit.Doc(docGo, "waitgroup"),
	URL:        fixkit.URL("waitgroup"),
	Requires:   []*analysis.Analyzer{model.Analyzer},
	ResultType: fixkit.PartsType,
	Run:        run,
}

// modernize enables the wg.Go rewrite (-go).
var modernize bool

func init() {
	Analyzer.Flags.BoolVar(&modernize, "go", false,
		"rewrite wg.Add(1) + go func() { defer wg.Done(); ... }() as wg.Go(func() { ... }) (files at go1.25 or later)")
}

func run(pass *analysis.Pass) (any, error) {
	parts := new(fixkit.Parts)
	if !importsRelevant(pass.Pkg) {
		return parts, nil
	}
	c := newChecker(pass)
	c.addInGoroutine()
	c.addBesideWait()
	c.doneNotDeferred()
	c.deferInLoop()
	c.neverDone()
	c.waitInLoop()
	c.byValue(parts)
	if modernize {
		c.useGo()
	}
	return parts, nil
}

// importsRelevant reports whether pkg imports sync, or a package of its own module tree
// (an internal package may declare a function with a by-value sync parameter that this
// package calls).
func importsRelevant(pkg *types.Package) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == "sync" || isInternal(imp.Path()) {
			return true
		}
	}
	return false
}

// isInternal reports whether path is an internal package, importable only within its tree.
func isInternal(path string) bool {
	return strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") ||
		strings.HasSuffix(path, "/internal") || path == "internal"
}

type checker struct {
	pass *analysis.Pass
	m    *model.Model
	insp *inspector.Inspector
	info *types.Info

	assigned map[types.Object]bool               // variables and fields assigned, or whose address is taken
	uses     map[types.Object][]inspector.Cursor // references to functions of this package (*ast.Ident)
	reported map[token.Pos]bool

	ifaceMethods map[string]bool                    // names of the methods of the package's interface types (on first use)
	doneCallers  map[*model.Func]bool               // functions that may call Done on a WaitGroup (mayDone, on first use)
	impls        map[string][]*model.Func           // the package's methods, by name (implementations, on first use)
	recovering   map[*model.Func]bool               // functions that call recover (on first use)
	blocking     map[*model.Func]bool               // functions that may block (mayBlock, on first use)
	goOf         map[*ast.GoStmt]*model.Go          // the model's go statements
	doneWithAdd  map[*ast.BlockStmt]token.Pos       // goroutines whose Done the fix of their Add (at the position) defers
	callSites    map[*model.Func][]inspector.Cursor // static calls of each function of the package (on first use)
}

func newChecker(pass *analysis.Pass) *checker {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	c := &checker{
		pass:     pass,
		m:        m,
		insp:     m.Inspector,
		info:     pass.TypesInfo,
		assigned: make(map[types.Object]bool),
		uses:     make(map[types.Object][]inspector.Cursor),
		reported: make(map[token.Pos]bool),
		goOf:     make(map[*ast.GoStmt]*model.Go, len(m.Gos)),

		doneWithAdd: make(map[*ast.BlockStmt]token.Pos),
	}
	for _, g := range m.Gos {
		c.goOf[g.Stmt] = g
	}
	for cur := range c.insp.Root().Preorder((*ast.AssignStmt)(nil), (*ast.IncDecStmt)(nil),
		(*ast.RangeStmt)(nil), (*ast.UnaryExpr)(nil), (*ast.Ident)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && n.Tok == token.DEFINE && c.info.Defs[id] != nil {
					continue
				}
				c.markAssigned(l)
			}
		case *ast.IncDecStmt:
			c.markAssigned(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				if n.Key != nil {
					c.markAssigned(n.Key)
				}
				if n.Value != nil {
					c.markAssigned(n.Value)
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				c.markAssigned(n.X)
			}
		case *ast.Ident:
			if fn, ok := c.info.Uses[n].(*types.Func); ok && fn.Pkg() == pass.Pkg {
				c.uses[fn.Origin()] = append(c.uses[fn.Origin()], cur)
			}
		}
	}
	return c
}

// markAssigned records the variable or field that e denotes as assigned.
func (c *checker) markAssigned(e ast.Expr) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := c.info.Uses[e].(*types.Var); ok {
			c.assigned[v] = true
		}
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok && sel.Kind() == types.FieldVal {
			c.assigned[sel.Obj()] = true
		} else if v, ok := c.info.Uses[e.Sel].(*types.Var); ok { // pkg.V
			c.assigned[v] = true
		}
	}
}

// reportFix reports d with the fix that build makes, unless why is non-empty, in which
// case d is reported without a fix and why is given as the reason.
func (c *checker) reportFix(d analysis.Diagnostic, why, message string, build func(fx *fixkit.Fix) error) {
	if c.reported[d.Pos] {
		return
	}
	c.reported[d.Pos] = true
	if why != "" {
		fixkit.Refuse(c.pass, d, d.Pos, why)
		return
	}
	fixkit.Report(c.pass, d, message, build)
}

// isMain reports whether the package cannot be imported (a command, or an external test).
func (c *checker) isMain() bool {
	return c.pass.Pkg.Name() == "main" || strings.HasSuffix(c.pass.Pkg.Path(), "_test")
}

// fileVersion returns the Go version of the file that contains pos.
func (c *checker) fileVersion(pos token.Pos) string {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			if v := c.info.FileVersions[f]; v != "" {
				return v
			}
		}
	}
	return c.pass.Pkg.GoVersion()
}

// atLeast reports whether the file containing pos is at Go version v or later. An unknown
// version counts as recent (the module's default).
func (c *checker) atLeast(pos token.Pos, v string) bool {
	fv := c.fileVersion(pos)
	return fv == "" || version.Compare(fv, v) >= 0
}

// ---- sync.WaitGroup method calls ----

// isSyncType reports whether t is sync.<name> (not a pointer).
func isSyncType(t types.Type, names ...string) bool { return model.IsSyncType(t, names...) }

func isWG(t types.Type) bool { return isSyncType(t, "WaitGroup") }

// isWGish reports whether t is sync.WaitGroup or *sync.WaitGroup.
func isWGish(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	return isWG(t)
}

// wgCall describes a call of a sync.WaitGroup method.
type wgCall struct {
	call   *ast.CallExpr
	method string // Add, Done, Wait, Go
	recv   ast.Expr
	key    ref // the WaitGroup; key.ok() is false when it is not a simple variable path
}

// wgMethod returns the description of call if it calls a method of sync.WaitGroup.
// The callee is identified by its type, never by name.
func (c *checker) wgMethod(call *ast.CallExpr) (wgCall, bool) {
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return wgCall{}, false
	}
	recv := fn.Signature().Recv()
	if recv == nil || !isWGish(recv.Type()) {
		return wgCall{}, false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return wgCall{}, false // method expression (*sync.WaitGroup).Add(&wg, 1)
	}
	s, ok := c.info.Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return wgCall{}, false
	}
	k := c.refOf(sel.X)
	if k.ok() && len(s.Index()) > 1 { // promoted through embedded fields
		k = k.through(s.Recv(), s.Index()[:len(s.Index())-1])
	}
	return wgCall{call: call, method: fn.Name(), recv: sel.X, key: k}, true
}

// wgStmt returns the WaitGroup call of an expression statement.
func (c *checker) wgStmt(s ast.Stmt) (wgCall, bool) {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return wgCall{}, false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok {
		return wgCall{}, false
	}
	return c.wgMethod(call)
}

// ---- references to a WaitGroup: a variable and a path of fields ----

// A ref names the storage an expression denotes: a variable followed by fields. Pointer
// indirections along the way are implicit (p.f and (*p).f are the same ref).
type ref struct {
	base   *types.Var
	fields []*types.Var
}

func (r ref) ok() bool { return r.base != nil }

func (r ref) equal(o ref) bool {
	if r.base != o.base || len(r.fields) != len(o.fields) {
		return false
	}
	for i := range r.fields {
		if r.fields[i] != o.fields[i] {
			return false
		}
	}
	return true
}

// through extends r by the embedded fields at index path from type t.
func (r ref) through(t types.Type, path []int) ref {
	out := ref{base: r.base, fields: append([]*types.Var(nil), r.fields...)}
	for _, i := range path {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return ref{}
		}
		f := st.Field(i)
		out.fields = append(out.fields, f)
		t = f.Type()
	}
	return out
}

// refOf returns the ref of e: x, p, *p, &x, x.f, p.f.g, pkg.V, with parentheses.
func (c *checker) refOf(e ast.Expr) ref {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := c.info.Uses[e].(*types.Var); ok && !v.IsField() {
			return ref{base: v}
		}
		if v, ok := c.info.Defs[e].(*types.Var); ok && !v.IsField() {
			return ref{base: v}
		}
	case *ast.StarExpr:
		return c.refOf(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return c.refOf(e.X)
		}
	case *ast.SelectorExpr:
		if s, ok := c.info.Selections[e]; ok {
			if s.Kind() != types.FieldVal {
				return ref{}
			}
			r := c.refOf(e.X)
			if !r.ok() {
				return ref{}
			}
			return r.through(s.Recv(), s.Index())
		}
		if v, ok := c.info.Uses[e.Sel].(*types.Var); ok && !v.IsField() { // pkg.V
			return ref{base: v}
		}
	}
	return ref{}
}

// stable reports whether r denotes the same storage whenever it is evaluated in its
// function: every pointer it goes through is a variable or field that is never assigned
// after its declaration (nor has its address taken), in code this package can see.
func (c *checker) stable(r ref) bool {
	if !r.ok() {
		return false
	}
	check := func(v *types.Var, t types.Type) bool {
		if _, ptr := t.Underlying().(*types.Pointer); !ptr {
			return true // storage inline: its address does not change
		}
		if c.assigned[v] {
			return false
		}
		if v.Pkg() != c.pass.Pkg {
			return false
		}
		// A package-level variable or a field that other packages can assign.
		if (v.IsField() || v.Parent() == v.Pkg().Scope()) && v.Exported() && !c.isMain() {
			return false
		}
		return true
	}
	if !check(r.base, r.base.Type()) {
		return false
	}
	for _, f := range r.fields {
		// A pointer field is an indirection, the last one (*sync.WaitGroup) included.
		if !check(f, f.Type()) {
			return false
		}
	}
	return true
}

// resolvesAt reports whether every identifier in e (other than field and method names)
// denotes the same object at pos as where it is.
func (c *checker) resolvesAt(e ast.Node, pos token.Pos) bool {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, isID := m.(*ast.Ident); isID && !c.identResolves(scope, id, pos) {
					ok = false
				}
				return ok
			})
			return false
		case *ast.Ident:
			if !c.identResolves(scope, n, pos) {
				ok = false
			}
		case *ast.FuncLit, *ast.CompositeLit:
			ok = false // not needed by callers; keep the check simple
		}
		return ok
	})
	return ok
}

func (c *checker) identResolves(scope *types.Scope, id *ast.Ident, pos token.Pos) bool {
	obj := c.info.Uses[id]
	if obj == nil {
		return false
	}
	_, got := scope.LookupParent(id.Name, pos)
	return got == obj
}

// ---- goroutines ----

// goroutine is the function a go statement starts.
type goroutine struct {
	stmt *ast.GoStmt
	g    *model.Go
	f    *model.Func   // the function started: the literal, or the declaration
	lit  *ast.FuncLit  // go func() {...}()
	decl *ast.FuncDecl // go f(...) of a function of this package
	fn   *types.Func   // with decl
	body *ast.BlockStmt
}

// goroutineOf returns the goroutine of a go statement of the model whose function's
// body is in the package.
func (c *checker) goroutineOf(g *model.Go) (goroutine, bool) {
	if g.Runs == nil {
		return goroutine{}, false
	}
	gr := goroutine{stmt: g.Stmt, g: g, f: g.Runs, body: g.Runs.Body}
	switch n := g.Runs.Node.(type) {
	case *ast.FuncLit:
		gr.lit = n
	case *ast.FuncDecl:
		gr.decl, gr.fn = n, g.Runs.Obj
	}
	return gr, true
}

// funcType returns the signature syntax of the goroutine's function.
func (g goroutine) funcType() *ast.FuncType {
	if g.lit != nil {
		return g.lit.Type
	}
	return g.decl.Type
}

// body returns the declaration of the package's function fn, or nil.
func (c *checker) declOf(fn *types.Func) *model.Func {
	if fn == nil {
		return nil
	}
	if f := c.m.Decl(fn); f != nil {
		if _, ok := f.Node.(*ast.FuncDecl); ok {
			return f
		}
	}
	return nil
}

// onlyStartedByGo reports whether every reference to fn in this package is the callee of
// a go statement, n of them, and no other package or excluded file may refer to it.
func (c *checker) onlyStartedByGo(fn *types.Func) (n int, ok bool) {
	if !c.local(fn) {
		return 0, false
	}
	for _, cur := range c.uses[fn] {
		// id, [SelectorExpr (x.m)], [IndexExpr (f[T])], CallExpr, GoStmt
		p := cur
		if p.ParentEdgeKind() == edge.SelectorExpr_Sel {
			p = p.Parent()
		}
		if k := p.ParentEdgeKind(); k == edge.IndexExpr_X || k == edge.IndexListExpr_X {
			p = p.Parent()
		}
		if p.ParentEdgeKind() != edge.CallExpr_Fun || p.Parent().ParentEdgeKind() != edge.GoStmt_Call {
			return 0, false
		}
		n++
	}
	return n, true
}

// local reports whether every reference to fn is in this package (as loaded), so that it
// can be changed together with its callers: an unexported function or method (of a
// package or a command), or any function of a command or external test package; a
// method that no interface of the package could require; not named in a file excluded by
// build constraints.
func (c *checker) local(fn *types.Func) bool {
	if fn.Pkg() != c.pass.Pkg {
		return false
	}
	if fn.Exported() && !c.isMain() {
		return false
	}
	if fn.Exported() && c.declaredInTestFile(fn) && !strings.HasSuffix(c.pass.Pkg.Path(), "_test") {
		return false
	}
	if fn.Signature().Recv() != nil && (fn.Exported() || c.interfaceHasMethod(fn.Name())) {
		return false
	}
	return !c.namedInIgnoredFile(fn.Name())
}

func (c *checker) declaredInTestFile(obj types.Object) bool {
	return strings.HasSuffix(c.pass.Fset.Position(obj.Pos()).Filename, "_test.go")
}

// interfaceHasMethod reports whether an interface type of this package has a method name.
// The names are gathered once, from the types of the package's expressions and the types
// it declares.
func (c *checker) interfaceHasMethod(name string) bool {
	if c.ifaceMethods == nil {
		c.ifaceMethods = make(map[string]bool)
		seen := make(map[*types.Interface]bool)
		add := func(t types.Type) {
			it, ok := t.Underlying().(*types.Interface)
			if !ok || seen[it] {
				return
			}
			seen[it] = true
			for i := 0; i < it.NumMethods(); i++ {
				c.ifaceMethods[it.Method(i).Name()] = true
			}
		}
		for _, tv := range c.info.Types {
			add(tv.Type)
		}
		for _, obj := range c.info.Defs {
			if tn, ok := obj.(*types.TypeName); ok {
				add(tn.Type())
			}
		}
	}
	return c.ifaceMethods[name]
}

// namedInIgnoredFile reports whether a Go file of the package that the build excluded
// (another GOOS, a build tag) mentions name: it may call the function.
func (c *checker) namedInIgnoredFile(name string) bool {
	for _, f := range c.pass.IgnoredFiles {
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		b, err := c.pass.ReadFile(f)
		if err != nil || containsWord(string(b), name) {
			return true
		}
	}
	return false
}

func containsWord(s, w string) bool {
	for i := strings.Index(s, w); i >= 0; {
		end := i + len(w)
		before := i == 0 || !isIdentByte(s[i-1])
		after := end == len(s) || !isIdentByte(s[end])
		if before && after {
			return true
		}
		j := strings.Index(s[i+1:], w)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func isIdentByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b >= 0x80
}

func contains(outer, inner ast.Node) bool {
	return outer.Pos() <= inner.Pos() && inner.End() <= outer.End()
}

// ---- control flow ----

// exitKind is how a call ends its path, as the model's no-return policy says (model.Exit).
type exitKind int

const (
	noExit      exitKind = iota
	exitPanic            // panic: unwinds, runs deferred calls; fatal unless recovered
	exitGoexit           // runtime.Goexit and the testing methods that call it
	exitProcess          // os.Exit, log.Fatal: deferred calls do not run
	exitNever            // a function of the package that never returns (it loops forever, say)
)

func (c *checker) exitOf(call *ast.CallExpr) exitKind {
	switch c.m.Exit(call) {
	case model.Panic:
		return exitPanic
	case model.Goexit:
		return exitGoexit
	case model.ExitProcess:
		return exitProcess
	case model.Never:
		return exitNever
	}
	return noExit
}

// inspectBody visits the nodes of body, not descending into function literals unless
// lits is true.
func inspectBody(body ast.Node, lits bool, f func(ast.Node) bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok && !lits && n != body {
			return false
		}
		return f(n)
	})
}
