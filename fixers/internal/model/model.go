package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Analyzer computes the Model of a package. Fixers require it and read its result:
//
//	m := pass.ResultOf[model.Analyzer].(*model.Model)
var Analyzer = &analysis.Analyzer{
	Name:       "concmodel",
	Doc:        "the shared model of a package's concurrency, for concfix's fixers",
	URL:        "https://pkg.go.dev/github.com/concfix/concfix/fixers/internal/model",
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	Run:        func(pass *analysis.Pass) (any, error) { return New(pass), nil },
	ResultType: reflect.TypeFor[*Model](),
}

// A Model is what a package does concurrently: its functions with their control flow,
// goroutines, channels, locks and contexts. It is computed once per package and is
// read-only after that; its lazily computed parts are safe for concurrent use, as
// drivers may run several fixers on one package at once.
type Model struct {
	Fset      *token.FileSet
	Pkg       *types.Package
	Info      *types.Info
	Files     []*ast.File
	Inspector *inspector.Inspector

	Funcs []*Func // every function with a body, declared or literal, in source order
	Gos   []*Go   // every go statement, in source order
	// Calls are the cursors of every call expression (conversions too), in source order:
	// the fixers and the model's parts that look at calls iterate them instead of
	// walking the package again, each.
	Calls []inspector.Cursor

	byNode   map[ast.Node]*Func    // by *ast.FuncDecl and *ast.FuncLit
	byObj    map[*types.Func]*Func // declared functions and methods (origins)
	files    map[*token.File]*ast.File
	noReturn map[*types.Func]ExitKind // functions of the package that never return

	comments sync.Map // *token.File -> map[int]*ast.CommentGroup, by line

	chans     *Chans
	chansOnce sync.Once
	locks     *Locks
	locksOnce sync.Once
	ctxs      *Contexts
	ctxsOnce  sync.Once

	written     map[*types.Var]bool // package-level variables written after initialization (guarded.go)
	writtenOnce sync.Once

	fits       sync.Map // *Chan -> bool (sends.go)
	awaited    sync.Map // *Chan -> bool (awaited.go)
	runFits    sync.Map // *ChanOp -> bool (perrun.go)
	retained   sync.Map // retainsKey -> bool (retains.go)
	syncParams sync.Map // syncKey -> syncResult (callback.go)
	ctxDone    sync.Map // *Func -> *doneFlow (knowndone.go)
	shared     *Shared
	sharedOnce sync.Once
}

// A Func is a function with a body: a declaration or a literal.
type Func struct {
	Node   ast.Node // *ast.FuncDecl or *ast.FuncLit
	Cursor inspector.Cursor
	Body   *ast.BlockStmt
	Sig    *types.Signature
	Obj    *types.Func // the declared function or method (its origin); nil for a literal
	Outer  *Func       // the function that contains a literal; nil for a declaration
	Test   bool        // declared in a _test.go file

	// Started lists the go statements that start this function: for a literal, the go
	// statement whose call it is; for a declaration, every `go f(...)` or `go x.m(...)`
	// of the package that calls it statically.
	Started []*Go
	// Refs counts the references to a declared function other than its declaration
	// (calls, go statements, values).
	Refs int
	// Called is true for a literal called where it is written: func() { ... }().
	Called bool

	m         *Model
	cfgOnce   sync.Once
	cfg       *cfg.CFG
	commsOnce sync.Once
	comms     map[ast.Node]*ast.CommClause
}

// A Go is a go statement.
type Go struct {
	Stmt   *ast.GoStmt
	Cursor inspector.Cursor
	In     *Func       // the function that runs the go statement
	Callee *types.Func // the function or method started, when static (its origin)
	Runs   *Func       // the started function when its body is in the package: the literal, or the declaration of Callee
	InLoop bool        // the statement is inside a loop of In
}

// New computes the model of the package of pass.
func New(pass *analysis.Pass) *Model {
	m := &Model{
		Fset:      pass.Fset,
		Pkg:       pass.Pkg,
		Info:      pass.TypesInfo,
		Files:     pass.Files,
		Inspector: pass.ResultOf[inspect.Analyzer].(*inspector.Inspector),
		byNode:    make(map[ast.Node]*Func),
		byObj:     make(map[*types.Func]*Func),
		files:     make(map[*token.File]*ast.File),
	}
	for _, f := range m.Files {
		m.files[m.Fset.File(f.FileStart)] = f
	}
	m.collect()
	m.noReturn = m.noReturnFuncs()
	return m
}

// popOutside pops from a stack of enclosing functions those that do not contain n. Files
// may lie in the file set in any order (go/packages parses them in parallel), so a node
// of the next file may come before the top of the stack and still be outside it.
func popOutside(stack []*Func, n ast.Node) []*Func {
	for len(stack) > 0 {
		top := stack[len(stack)-1].Node
		if top.Pos() <= n.Pos() && n.Pos() < top.End() {
			break
		}
		stack = stack[:len(stack)-1]
	}
	return stack
}

// collect finds the functions, the go statements and the references to functions.
func (m *Model) collect() {
	var stack []*Func
	for cur := range m.Inspector.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.GoStmt)(nil), (*ast.CallExpr)(nil)) {
		n := cur.Node()
		if _, ok := n.(*ast.CallExpr); ok {
			m.Calls = append(m.Calls, cur)
			continue
		}
		stack = popOutside(stack, n)
		var outer *Func
		if len(stack) > 0 {
			outer = stack[len(stack)-1]
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body == nil {
				continue
			}
			f := &Func{Node: n, Cursor: cur, Body: n.Body, m: m}
			if obj, ok := m.Info.Defs[n.Name].(*types.Func); ok {
				f.Obj = obj.Origin()
				f.Sig = obj.Signature()
				m.byObj[f.Obj] = f
			}
			m.addFunc(f)
			stack = append(stack, f)
		case *ast.FuncLit:
			f := &Func{Node: n, Cursor: cur, Body: n.Body, Outer: outer, m: m}
			f.Sig, _ = m.Info.TypeOf(n).(*types.Signature)
			f.Called = cur.ParentEdgeKind() == edge.CallExpr_Fun && !isGoOrDeferCall(cur.Parent())
			m.addFunc(f)
			stack = append(stack, f)
		case *ast.GoStmt:
			g := &Go{Stmt: n, Cursor: cur, In: outer, InLoop: InLoop(cur)}
			if _, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); !ok {
				if fn, ok := typeutil.Callee(m.Info, n.Call).(*types.Func); ok {
					g.Callee = fn.Origin()
				}
			}
			m.Gos = append(m.Gos, g)
		}
	}
	// Link go statements to the functions they start, and count references.
	for _, g := range m.Gos {
		if lit, ok := ast.Unparen(g.Stmt.Call.Fun).(*ast.FuncLit); ok {
			g.Runs = m.byNode[lit]
		} else if g.Callee != nil {
			g.Runs = m.byObj[g.Callee]
		}
		if g.Runs != nil {
			g.Runs.Started = append(g.Runs.Started, g)
		}
	}
	for _, obj := range m.Info.Uses {
		if fn, ok := obj.(*types.Func); ok {
			if f := m.byObj[fn.Origin()]; f != nil {
				f.Refs++
			}
		}
	}
}

func (m *Model) addFunc(f *Func) {
	f.Test = strings.HasSuffix(m.Fset.File(f.Node.Pos()).Name(), "_test.go")
	m.Funcs = append(m.Funcs, f)
	m.byNode[f.Node] = f
}

// FuncOf returns the function of a *ast.FuncDecl or *ast.FuncLit node, or nil.
func (m *Model) FuncOf(n ast.Node) *Func { return m.byNode[n] }

// Decl returns the function that declares fn in the package, or nil.
func (m *Model) Decl(fn *types.Func) *Func {
	if fn == nil {
		return nil
	}
	return m.byObj[fn.Origin()]
}

// Enclosing returns the innermost function that contains c (c itself, when it is a
// function), or nil at package level.
func (m *Model) Enclosing(c inspector.Cursor) *Func {
	for f := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if fn := m.byNode[f.Node()]; fn != nil {
			return fn
		}
	}
	return nil
}

// File returns the file that contains pos, or nil.
func (m *Model) File(pos token.Pos) *ast.File {
	return m.files[m.Fset.File(pos)]
}

// IsGoroutine reports whether f is started by a go statement.
func (f *Func) IsGoroutine() bool { return len(f.Started) > 0 }

// OnlyStartedByGo reports whether every reference to the declared function f is a go
// statement that starts it, and no other package can refer to it (it is unexported and
// not a method): its results are always discarded.
func (f *Func) OnlyStartedByGo() bool {
	if f.Obj == nil || f.Obj.Exported() || f.Sig.Recv() != nil {
		return false
	}
	n := 0
	for _, g := range f.Started {
		if calleeIdent(g.Stmt.Call.Fun) != nil {
			n++
		}
	}
	return n > 0 && n == f.Refs
}

// Root returns the outermost function that contains f: its declaration, or the literal at
// package level that contains it.
func (f *Func) Root() *Func {
	for f.Outer != nil {
		f = f.Outer
	}
	return f
}

// Encloses reports whether the node at c is in f's body, outside nested function
// literals.
func (f *Func) Encloses(c inspector.Cursor) bool { return f.m.Enclosing(c) == f && c.Node() != f.Node }

// calleeIdent returns the identifier naming the function of a call (f, x.f, f[T]).
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
