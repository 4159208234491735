package tickerstop

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "tickerstop",
	Doc:      fixkit.Doc(docGo, "tickerstop"),
	URL:      fixkit.URL("tickerstop"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// collected is the first Go version whose runtime collects unstopped timers and tickers.
const collected = "go1.23"

func run(pass *analysis.Pass) (any, error) {
	imports := false
	for _, p := range pass.Pkg.Imports() {
		if p.Path() == "time" {
			imports = true
		}
	}
	if !imports {
		return nil, nil
	}
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	checkStoppedRanges(pass, m) // in every Go version: Stop never closes t.C
	checkFields(pass, m)
	for fileCur := range m.Inspector.Root().Preorder((*ast.File)(nil)) {
		file := fileCur.Node().(*ast.File)
		// No version (GOPATH mode, the standard library) means the toolchain's own
		// language version: timers are collected.
		if v := pass.TypesInfo.FileVersions[file]; v == "" || version.Compare(v, collected) >= 0 {
			continue
		}
		for cur := range fileCur.Preorder((*ast.CallExpr)(nil)) {
			call := cur.Node().(*ast.CallExpr)
			fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
			if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "time" || fn.Signature().Recv() != nil {
				continue
			}
			switch fn.Name() {
			case "NewTicker", "NewTimer":
				checkNew(pass, m, cur, fn.Name())
			case "Tick":
				checkTick(pass, m, cur)
			case "After":
				checkAfter(pass, m, cur)
			}
		}
	}
	return nil, nil
}

// enclosing returns the innermost function of the model that contains c, its cursor and
// its body; a zero cursor and nil at package level.
func enclosing(m *model.Model, c inspector.Cursor) (*model.Func, inspector.Cursor, *ast.BlockStmt) {
	if f := m.Enclosing(c); f != nil {
		return f, f.Cursor, f.Body
	}
	return nil, inspector.Cursor{}, nil
}

// inLoop reports whether c is inside the body of a for or range statement of the
// function fn (without crossing a function literal).
func inLoop(c, fn inspector.Cursor) bool {
	for p := c; p != fn && p.Valid(); p = p.Parent() {
		switch p.ParentEdgeKind() {
		case edge.ForStmt_Body, edge.RangeStmt_Body, edge.ForStmt_Cond, edge.ForStmt_Post:
			return true
		}
	}
	return false
}

func checkNew(pass *analysis.Pass, m *model.Model, callCur inspector.Cursor, name string) {
	info := pass.TypesInfo
	call := callCur.Node().(*ast.CallExpr)
	what := "ticker"
	if name == "NewTimer" {
		what = "timer"
	}
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: fmt.Sprintf("%s from time.%s is never stopped: before Go 1.23 it ticks forever", what, name),
	}
	if what == "timer" {
		d.Message = "timer from time.NewTimer is never stopped: before Go 1.23 it lives until it fires"
	}
	refuse := func(why string) {
		if isTestFile(pass, call) {
			return // without a fix, a test's ticker is not worth a report: it lives as long as the test binary
		}
		fixkit.Refuse(pass, d, call.Pos(), why)
	}
	_, fnCur, body := enclosing(m, callCur)

	// Find the variable the result is assigned to.
	var obj *types.Var
	var stmt ast.Stmt
	var stmtCur inspector.Cursor
	parent := callCur.Parent()
	switch p := parent.Node().(type) {
	case *ast.SelectorExpr:
		// time.NewTicker(d).C: nobody can stop it.
		if body == nil || callCur.ParentEdgeKind() != edge.SelectorExpr_X {
			return
		}
		if p.Sel.Name == "C" && !escapesValue(parent) {
			if f := m.Enclosing(callCur); f != nil && !canReturn(info, m, f, call) {
				return // for range time.NewTicker(d).C forever: it lives as long as the function
			}
			refuse("the " + what + " is not kept in a variable")
		}
		return
	case *ast.AssignStmt:
		if len(p.Lhs) != len(p.Rhs) || callCur.ParentEdgeKind() != edge.AssignStmt_Rhs {
			return
		}
		id, ok := p.Lhs[callCur.ParentEdgeIndex()].(*ast.Ident)
		if !ok {
			return // stored in a field or element: someone else's to stop
		}
		if id.Name == "_" {
			refuse("the " + what + " is discarded")
			return
		}
		if p.Tok == token.DEFINE {
			obj, _ = info.Defs[id].(*types.Var)
		}
		if obj == nil {
			obj, _ = info.Uses[id].(*types.Var)
		}
		stmt, stmtCur = p, parent
	case *ast.ValueSpec:
		if len(p.Names) != len(p.Values) || callCur.ParentEdgeKind() != edge.ValueSpec_Values {
			return
		}
		id := p.Names[callCur.ParentEdgeIndex()]
		if id.Name == "_" {
			refuse("the " + what + " is discarded")
			return
		}
		obj, _ = info.Defs[id].(*types.Var)
		// ValueSpec -> GenDecl -> DeclStmt
		if gd := parent.Parent(); gd.Valid() {
			if ds, ok := gd.Parent().Node().(*ast.DeclStmt); ok {
				stmt, stmtCur = ds, gd.Parent()
			}
		}
	default:
		return // returned, passed, stored: someone else's to stop
	}
	if obj == nil || body == nil || obj.Parent() == nil || obj.Parent() == pass.Pkg.Scope() {
		return // package-level variable
	}
	if !(body.Pos() <= obj.Pos() && obj.Pos() < body.End()) && !isParamOf(fnCur, obj) {
		return // a variable of an enclosing function: the ticker outlives this one
	}

	// Every use of the variable in the function.
	assigns := 0
	var problem string
	var stops []ast.Node // the ticker's Stop calls in the function itself (and a timer's receives)
	stopCalls := 0
	for c := range fnCur.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if info.Defs[id] == obj {
			assigns++
			continue
		}
		if info.Uses[id] != obj {
			continue
		}
		if isAssignedTo(c) {
			assigns++
			continue
		}
		switch use(info, c) {
		case useStop:
			if _, owner, _ := enclosing(m, c); owner != fnCur {
				return // stopped by a function literal: when is not this function's to say
			}
			stops = append(stops, c.Node())
			stopCalls++
			continue
		case useEscape:
			return // someone else's to stop
		case useOK:
			if what == "timer" && readsC(c, false) {
				stops = append(stops, c.Node()) // a timer that fired is freed
			}
		}
		if problem == "" {
			if _, owner, _ := enclosing(m, c); owner != fnCur {
				problem = "the " + what + " is used by a function literal"
				if isGoLit(owner, fnCur) {
					problem = "the " + what + " is used by a goroutine"
				}
			}
		}
	}
	if stopCalls == 0 {
		if f := m.Enclosing(callCur); f != nil && !canReturn(info, m, f, call) {
			return // the function never returns once it has made it (main ending in select {}): it lives as long as the program, and a deferred Stop would never run
		}
	}
	if stopCalls > 0 {
		f := m.Enclosing(callCur)
		if f == nil || !canReturn(info, m, f, call, stops...) {
			return // stopped on every way out
		}
		d.Message = fmt.Sprintf("%s from time.%s is not stopped on every return: before Go 1.23 it ticks forever", what, name)
		if what == "timer" {
			d.Message = "timer from time.NewTimer is not stopped on every return: before Go 1.23 it lives until it fires"
		}
	}
	switch {
	case problem != "":
		refuse(problem)
		return
	case stmt == nil || info.Defs[firstName(stmt, obj)] != obj:
		refuse("the variable is declared elsewhere")
		return
	case assigns != 1:
		refuse("the variable is assigned more than once")
		return
	case inLoop(callCur, fnCur):
		refuse("the " + what + " is created in a loop")
		return
	}
	var listOwner ast.Node
	switch stmtCur.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		listOwner = stmtCur.Parent().Node()
	default:
		refuse("the " + what + " is not created by a statement of a block")
		return
	}
	if f := m.Enclosing(callCur); f != nil && !canReturn(info, m, f, callCur.Node()) {
		// The function never returns (a goroutine's for range t.C): the ticker lives as
		// long as it does, and a deferred Stop would never run.
		return
	}
	idx := stmtCur.ParentEdgeIndex()
	fixkit.Report(pass, d, fmt.Sprintf("Add defer %s.Stop()", obj.Name()), func(fx *fixkit.Fix) error {
		deferStmt := &dst.DeferStmt{Call: &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(obj.Name()), Sel: dst.NewIdent("Stop")}}}
		owner := fx.Dst(listOwner)
		list := fixkit.StmtList(owner)
		if list == nil {
			return fmt.Errorf("unexpected statement list owner %T", owner)
		}
		if idx >= len(*list) {
			return fmt.Errorf("statement index out of range")
		}
		prev := (*list)[idx]
		deferStmt.Decs.Before = dst.NewLine
		deferStmt.Decs.After = prev.Decorations().After
		prev.Decorations().After = dst.NewLine
		l := append([]dst.Stmt{}, (*list)[:idx+1]...)
		l = append(l, deferStmt)
		*list = append(l, (*list)[idx+1:]...)
		return nil
	})
}

func firstName(stmt ast.Stmt, obj *types.Var) *ast.Ident {
	var found *ast.Ident
	ast.Inspect(stmt, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && found == nil && id.Pos() == obj.Pos() {
			found = id
		}
		return found == nil
	})
	return found
}

func isParamOf(fn inspector.Cursor, v *types.Var) bool {
	return fn.Node().Pos() <= v.Pos() && v.Pos() < fn.Node().End()
}

func isGoLit(lit, fn inspector.Cursor) bool {
	for c := lit; c.Valid() && c != fn; c = c.Parent() {
		if c.ParentEdgeKind() == edge.CallExpr_Fun && c.Parent().ParentEdgeKind() == edge.GoStmt_Call {
			return true
		}
	}
	return false
}

// isAssignedTo reports whether the identifier at c is assigned (x = ..., x, y = ...).
func isAssignedTo(c inspector.Cursor) bool {
	return c.ParentEdgeKind() == edge.AssignStmt_Lhs
}

type useKind int

const (
	useOK useKind = iota
	useStop
	useEscape
)

// use classifies a use of the ticker variable: t.Stop(), t.Reset(d), a receive from t.C
// (also ranged over), or anything else (an escape).
func use(info *types.Info, c inspector.Cursor) useKind {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.SelectorExpr_X {
		return useEscape
	}
	selCur := c.Parent()
	sel := selCur.Node().(*ast.SelectorExpr)
	s := info.Selections[sel]
	if s == nil {
		return useEscape
	}
	switch s.Kind() {
	case types.MethodVal:
		if selCur.ParentEdgeKind() != edge.CallExpr_Fun {
			return useEscape // a method value
		}
		switch sel.Sel.Name {
		case "Stop":
			return useStop
		case "Reset":
			return useOK
		}
		return useEscape
	case types.FieldVal:
		if sel.Sel.Name != "C" || escapesValue(selCur) {
			return useEscape
		}
		return useOK
	}
	return useEscape
}

// readsC reports whether the ticker expression at c is read from as c.C: received from
// (<-t.C), or also ranged over when ranges is set.
func readsC(c inspector.Cursor, ranges bool) bool {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.SelectorExpr_X || c.Parent().Node().(*ast.SelectorExpr).Sel.Name != "C" {
		return false
	}
	c = c.Parent()
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	switch c.ParentEdgeKind() {
	case edge.UnaryExpr_X:
		return c.Parent().Node().(*ast.UnaryExpr).Op == token.ARROW
	case edge.RangeStmt_X:
		return ranges
	}
	return false
}

// escapesValue reports whether the channel expression at c is used other than by a
// receive or a range.
func escapesValue(c inspector.Cursor) bool {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	switch c.ParentEdgeKind() {
	case edge.UnaryExpr_X:
		return c.Parent().Node().(*ast.UnaryExpr).Op != token.ARROW
	case edge.RangeStmt_X:
		return false
	}
	return true
}

// checkTick reports time.Tick in a function that can return.
func checkTick(pass *analysis.Pass, m *model.Model, cur inspector.Cursor) {
	f, fnCur, body := enclosing(m, cur)
	if body == nil {
		return // package level: lives as long as the program
	}
	if fd, ok := fnCur.Node().(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" && pass.Pkg.Name() == "main" {
		return
	}
	if !canReturn(pass.TypesInfo, m, f, cur.Node()) {
		return
	}
	call := cur.Node().(*ast.CallExpr)
	if isTestFile(pass, call) {
		return // a test's ticker lives as long as the test binary: not worth a change
	}
	pass.Report(analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: "time.Tick in a function that returns leaks its ticker before Go 1.23: use time.NewTicker and Stop it",
	})
}

// canReturn reports whether the function can return once it has evaluated the node at
// (rather than loop forever or end in a call that does not return, by the model's
// no-return policy): a return before the ticker is made does not leak it (nsq's to_nsq
// returns when throttling is off, then ranges over time.Tick forever).
//
// With stops, only the paths that reach none of them count: whether the function can
// return without passing a Stop of the ticker (or its deferred Stop) once it has made it.
func canReturn(info *types.Info, m *model.Model, f *model.Func, at ast.Node, stops ...ast.Node) bool {
	mayReturn := m.MayReturn
	g := f.CFG()
	hasResults := f.Sig.Results().Len() > 0
	emptySelect := false
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectStmt); ok && len(s.Body.List) == 0 {
			emptySelect = true
		}
		_, lit := n.(*ast.FuncLit)
		return !lit
	})
	// Reachability from the block that evaluates at, where a range over time.Tick(d)
	// never ends.
	start := g.Blocks[0]
	for _, b := range g.Blocks {
		if b.Live && slices.ContainsFunc(b.Nodes, func(n ast.Node) bool { return n.Pos() <= at.Pos() && at.End() <= n.End() }) {
			start = b
			break
		}
	}
	// stopped reports whether block b passes a Stop: after at, in the start block.
	stopped := func(b *cfg.Block) bool {
		return slices.ContainsFunc(b.Nodes, func(n ast.Node) bool {
			return slices.ContainsFunc(stops, func(s ast.Node) bool {
				return n.Pos() <= s.Pos() && s.End() <= n.End() && (b != start || s.Pos() > at.End())
			})
		})
	}
	seen := make(map[*cfg.Block]bool)
	work := []*cfg.Block{start}
	seen[start] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if len(stops) > 0 && stopped(b) {
			continue
		}
		for _, s := range b.Succs {
			if !seen[s] && !endlessRangeDone(info, s) {
				seen[s] = true
				work = append(work, s)
			}
		}
		if len(b.Succs) > 0 {
			continue
		}
		if b.Return() != nil {
			return true
		}
		if b.Kind == cfg.KindSelectAfterCase {
			continue // no case of a select without default is ready: cannot happen
		}
		if len(b.Nodes) > 0 {
			if es, ok := b.Nodes[len(b.Nodes)-1].(*ast.ExprStmt); ok {
				if call, ok := es.X.(*ast.CallExpr); ok && !mayReturn(call) {
					continue
				}
			}
		}
		if !hasResults && !emptySelect {
			return true // falls off the end
		}
	}
	return false
}

// endlessRangeDone reports whether b is the exit block of a range over a ticker's or a
// timer's channel, which is never closed: made by time.Tick, or the C of a time.Ticker or
// time.Timer.
func endlessRangeDone(info *types.Info, b *cfg.Block) bool {
	rs, ok := b.Stmt.(*ast.RangeStmt)
	if !ok || b.Kind != cfg.KindRangeDone {
		return false
	}
	switch x := ast.Unparen(rs.X).(type) {
	case *ast.CallExpr:
		fn, ok := typeutil.Callee(info, x).(*types.Func)
		return ok && fn.Pkg() != nil && fn.Pkg().Path() == "time" && fn.Name() == "Tick"
	case *ast.SelectorExpr:
		sel := info.Selections[x]
		if sel == nil || sel.Kind() != types.FieldVal || sel.Obj().Name() != "C" {
			return false
		}
		f := sel.Obj().(*types.Var)
		return f.Pkg() != nil && f.Pkg().Path() == "time"
	}
	return false
}

// isTestFile reports whether n is in a _test.go file.
func isTestFile(pass *analysis.Pass, n ast.Node) bool {
	return strings.HasSuffix(pass.Fset.File(n.Pos()).Name(), "_test.go")
}
