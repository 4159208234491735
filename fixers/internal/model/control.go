package model

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// An ExitKind says how a call ends the path it is on.
type ExitKind uint8

const (
	Returns     ExitKind = iota // the call may return
	Panic                       // panic, log.Panic*: deferred calls run, and a recover may stop it
	Goexit                      // runtime.Goexit and the testing methods that call it (FailNow, Fatal*, Skip*): deferred calls run
	ExitProcess                 // os.Exit, syscall.Exit, log.Fatal*: nothing else runs
	Never                       // a function of the package that never returns otherwise (it loops forever, or ends in calls of several kinds)
)

func (k ExitKind) String() string {
	return [...]string{"returns", "panic", "goexit", "exit", "never returns"}[k]
}

// Exit returns how the call ends its path: the one no-return policy of every fixer. It
// knows, by type, the builtin panic, os.Exit, syscall.Exit, runtime.Goexit, log's Fatal
// and Panic functions and methods, testing's FailNow, Fatal, Fatalf, Skip, Skipf and
// SkipNow (of *testing.common and testing.TB), and the functions and methods of the
// package whose every path ends in one of these or loops forever. It does not depend on
// facts about other packages, so that every driver (the concfix command, go vet,
// golangci-lint) follows the same paths.
func (m *Model) Exit(call *ast.CallExpr) ExitKind {
	switch obj := typeutil.Callee(m.Info, call).(type) {
	case *types.Builtin:
		if obj.Name() == "panic" {
			return Panic
		}
	case *types.Func:
		if k := stdExit(obj); k != Returns {
			return k
		}
		if k, ok := m.noReturn[obj.Origin()]; ok {
			return k
		}
	}
	return Returns
}

// MayReturn reports whether call may return (Exit is Returns): the predicate of the
// control-flow graphs.
func (m *Model) MayReturn(call *ast.CallExpr) bool { return m.Exit(call) == Returns }

// MayGoexit reports whether call ends its goroutine with runtime.Goexit only when a
// check fails: a package-level function of testify's require (or a function of a
// package vendoring it under that path) given a testing value first, whose failures
// call t.FailNow. Paths go on after such a call; the goroutine may also end there.
func (m *Model) MayGoexit(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(m.Info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil || len(call.Args) == 0 {
		return false
	}
	if p := fn.Pkg().Path(); p != "github.com/stretchr/testify/require" && !strings.HasSuffix(p, "/vendor/github.com/stretchr/testify/require") {
		return false
	}
	t := m.Info.TypeOf(call.Args[0])
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	return IsNamed(t, "testing", "T", "B", "F", "TB")
}

// stdExit classifies the standard library's functions that do not return.
func stdExit(fn *types.Func) ExitKind {
	if fn.Pkg() == nil {
		return Returns
	}
	name := fn.Name()
	switch fn.Pkg().Path() {
	case "os", "syscall":
		if name == "Exit" {
			return ExitProcess
		}
	case "runtime":
		if name == "Goexit" {
			return Goexit
		}
	case "log":
		switch {
		case strings.HasPrefix(name, "Fatal"):
			return ExitProcess
		case strings.HasPrefix(name, "Panic"):
			return Panic
		}
	case "testing":
		switch name {
		case "FailNow", "Fatal", "Fatalf", "Skip", "Skipf", "SkipNow":
			if fn.Signature().Recv() != nil {
				return Goexit
			}
		}
	}
	return Returns
}

// noReturnFuncs finds the functions and methods of the package that never return: every
// path of their body ends in a call that does not return, or loops forever. A function
// whose body defers a call is assumed to return (the deferred call may recover). Calls of
// such functions end paths too, so their callers are checked again, until nothing
// changes.
func (m *Model) noReturnFuncs() map[*types.Func]ExitKind {
	found := make(map[*types.Func]ExitKind)
	foundAt := make(map[*types.Func]int)     // the order in which they were found
	callers := make(map[*types.Func][]*Func) // package functions -> the declared functions that call them
	calls := make(map[*Func][]*types.Func)   // the package functions each declared function calls
	type graph struct {
		g  *cfg.CFG
		at int // len(found) when it was built
	}
	graphs := make(map[*Func]graph)
	var work []*Func
	for _, f := range m.Funcs {
		if f.Obj == nil {
			continue
		}
		direct, callees := m.exits(f.Body)
		if direct {
			work = append(work, f)
		}
		calls[f] = callees
		for _, c := range callees {
			callers[c] = append(callers[c], f)
		}
	}
	// A graph built here is f's graph under the final policy unless a function f calls
	// was found after it was built: keep those, so that Func.CFG does not build them again.
	defer func() {
		for f, gr := range graphs {
			fresh := true
			for _, c := range calls[f] {
				if i, ok := foundAt[c]; ok && i >= gr.at {
					fresh = false
				}
			}
			if fresh {
				f.cfgOnce.Do(func() { f.cfg = gr.g })
			}
		}
	}()
	mayReturn := func(call *ast.CallExpr) bool {
		if fn, ok := typeutil.Callee(m.Info, call).(*types.Func); ok {
			if _, ok := found[fn.Origin()]; ok {
				return false
			}
		}
		return m.MayReturn(call)
	}
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		if _, ok := found[f.Obj]; ok {
			continue
		}
		g := cfg.NewWith(f.Body, mayReturn, m.ConstCond)
		graphs[f] = graph{g, len(found)}
		if !g.NoReturn() {
			continue
		}
		foundAt[f.Obj] = len(found)
		found[f.Obj] = m.terminalKind(g, found)
		work = append(work, callers[f.Obj]...)
	}
	return found
}

// exits reports whether body has, outside function literals, a call of the standard
// library that does not return, a loop without condition or an empty select; and which
// functions of the package it calls.
func (m *Model) exits(body *ast.BlockStmt) (direct bool, callees []*types.Func) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt:
			direct = direct || n.Cond == nil
		case *ast.SelectStmt:
			direct = direct || len(n.Body.List) == 0
		case *ast.CallExpr:
			switch obj := typeutil.Callee(m.Info, n).(type) {
			case *types.Builtin:
				direct = direct || obj.Name() == "panic"
			case *types.Func:
				if stdExit(obj) != Returns {
					direct = true
				} else if obj.Pkg() == m.Pkg {
					callees = append(callees, obj.Origin())
				}
			}
		}
		return true
	})
	return direct, callees
}

// terminalKind returns the kind of exit of a function that never returns: the kind of
// the calls that end its paths when they are all of one kind, else Never.
func (m *Model) terminalKind(g *cfg.CFG, found map[*types.Func]ExitKind) ExitKind {
	kind := Returns
	for _, b := range g.Blocks {
		if !b.Live || len(b.Succs) > 0 || len(b.Nodes) == 0 {
			continue
		}
		es, ok := b.Nodes[len(b.Nodes)-1].(*ast.ExprStmt)
		if !ok {
			return Never
		}
		call, ok := ast.Unparen(es.X).(*ast.CallExpr)
		if !ok {
			return Never
		}
		k := m.Exit(call)
		if fn, ok := typeutil.Callee(m.Info, call).(*types.Func); ok {
			if fk, ok := found[fn.Origin()]; ok {
				k = fk
			}
		}
		switch {
		case k == Returns:
			return Never // a block after a select with no case ready, say
		case kind == Returns:
			kind = k
		case kind != k:
			return Never
		}
	}
	if kind == Returns {
		return Never // loops forever
	}
	return kind
}

// ConstCond returns the value of a boolean condition when it is a constant: the branch it
// does not take is dead code (if debug { ... } with a constant false debug).
func (m *Model) ConstCond(e ast.Expr) (value, ok bool) {
	tv, found := m.Info.Types[e]
	if !found || tv.Value == nil || tv.Value.Kind() != constant.Bool {
		return false, false
	}
	return constant.BoolVal(tv.Value), true
}

// Comms returns the communications of the select cases of f's body (outside nested
// function literals), with their clauses. The control-flow graph evaluates every one in
// the block before the select, so such a node there runs whichever case is chosen; the
// communication happens on entry to its own clause's block (KindSelectCaseBody, whose
// Stmt is the clause).
func (f *Func) Comms() map[ast.Node]*ast.CommClause {
	f.commsOnce.Do(func() {
		f.comms = make(map[ast.Node]*ast.CommClause)
		ast.Inspect(f.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CommClause:
				if n.Comm != nil {
					f.comms[n.Comm] = n
				}
			}
			return true
		})
	})
	return f.comms
}

// CFG returns the control-flow graph of f's body, built with the model's no-return
// policy (Exit) and with constant conditions as dead branches. Break, continue, goto
// and fallthrough statements are nodes of the blocks they leave (see package cfg).
func (f *Func) CFG() *cfg.CFG {
	f.cfgOnce.Do(func() { f.cfg = cfg.NewWith(f.Body, f.m.MayReturn, f.m.ConstCond) })
	return f.cfg
}

// Comment returns the comment on the line of pos, or on its own line(s) directly above
// it, or nil: a comment there states an intent (a context detached on purpose). A
// trailing comment of the line above belongs to that line.
func (m *Model) Comment(pos token.Pos) *ast.CommentGroup {
	tf := m.Fset.File(pos)
	if tf == nil {
		return nil
	}
	v, ok := m.comments.Load(tf)
	if !ok {
		v, _ = m.comments.LoadOrStore(tf, m.indexComments(tf))
	}
	idx := v.(*commentIndex)
	line := tf.Line(pos)
	if cg := idx.byLine[line]; cg != nil {
		return cg
	}
	if cg := idx.byLine[line-1]; cg != nil && tf.Line(cg.End()) == line-1 && !idx.trailing[cg] {
		return cg
	}
	return nil
}

// Intent returns Comment(pos) unless it only holds analysistest expectations (// want
// "..."), which say what a test of concfix expects, not what the code means.
func (m *Model) Intent(pos token.Pos) *ast.CommentGroup {
	cg := m.Comment(pos)
	if cg == nil {
		return nil
	}
	for _, c := range cg.List {
		text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
		if rest, ok := strings.CutPrefix(text, "want "); !ok || !(strings.HasPrefix(rest, "`") || strings.HasPrefix(rest, `"`)) {
			return cg
		}
	}
	return nil
}

type commentIndex struct {
	byLine   map[int]*ast.CommentGroup
	trailing map[*ast.CommentGroup]bool // after code on its first line
}

func (m *Model) indexComments(tf *token.File) *commentIndex {
	idx := &commentIndex{byLine: make(map[int]*ast.CommentGroup), trailing: make(map[*ast.CommentGroup]bool)}
	f := m.files[tf]
	if f == nil {
		return idx
	}
	code := make(map[int]token.Pos)  // line -> the end of the last statement or declaration ending on it
	start := make(map[int]token.Pos) // line -> the first position of code on it
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case nil, *ast.CommentGroup, *ast.Comment:
			return n != nil
		case ast.Stmt, ast.Spec, ast.Decl, *ast.Field:
			if end := n.End(); end > code[tf.Line(end)] {
				code[tf.Line(end)] = end
			}
		}
		if p, ok := start[tf.Line(n.Pos())]; !ok || n.Pos() < p {
			start[tf.Line(n.Pos())] = n.Pos()
		}
		return true
	})
	for _, cg := range f.Comments {
		first := tf.Line(cg.Pos())
		if end, ok := code[first]; ok && end <= cg.Pos() {
			idx.trailing[cg] = true
		}
		if p, ok := start[first]; ok && p < cg.Pos() {
			idx.trailing[cg] = true // after code that goes on: if cond { // note
		}
		for l := first; l <= tf.Line(cg.End()); l++ {
			idx.byLine[l] = cg
		}
	}
	return idx
}

// ReachesAfter reports whether a path of f's graph leads from the node that contains
// from (a statement or expression of f; for the communication of a select case, the
// case's body) to a node of the graph that contains one of targets. The nodes of function
// literals in f are not f's graph.
func (f *Func) ReachesAfter(from ast.Node, targets map[ast.Node]bool) bool {
	g := f.CFG()
	holds := func(n ast.Node) bool {
		hit := false
		ast.Inspect(n, func(x ast.Node) bool {
			if _, ok := x.(*ast.FuncLit); ok || hit {
				return false
			}
			hit = targets[x]
			return !hit
		})
		return hit
	}
	var start *cfg.Block
	at := -1 // the node of start that contains from; -1 for a case body: all of it
	for _, b := range g.Blocks {
		if cc, ok := b.Stmt.(*ast.CommClause); ok && b.Live && b.Kind == cfg.KindSelectCaseBody && cc.Comm != nil &&
			cc.Comm.Pos() <= from.Pos() && from.End() <= cc.Comm.End() {
			start = b
			break
		}
	}
	for _, b := range g.Blocks {
		if start != nil {
			break
		}
		for i, n := range b.Nodes {
			if b.Live && n.Pos() <= from.Pos() && from.End() <= n.End() {
				start, at = b, i
				break
			}
		}
	}
	if start == nil {
		return true // not found: assume it may
	}
	reached, _ := walk(cfgPos{start, at}, func(b *cfg.Block, i int) step {
		if holds(b.Nodes[i]) {
			return found
		}
		return goOn
	})
	return reached
}
