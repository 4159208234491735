package testfatal

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

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
	Name:     "testfatal",
	Doc:      fixkit.Doc(docGo, "testfatal"),
	URL:      fixkit.URL("testfatal"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// instead are the methods that fail without ending the goroutine, for those that end it.
var instead = map[string]string{"Fatal": "Error", "Fatalf": "Errorf", "FailNow": "Fail"}

// skips end the goroutine too, with no counterpart.
var skips = map[string]bool{"Skip": true, "Skipf": true, "SkipNow": true}

func run(pass *analysis.Pass) (any, error) {
	if !model.Imports(pass.Pkg, "testing") {
		return nil, nil
	}
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	for _, f := range m.Funcs {
		if f.Obj != nil || !started(pass.TypesInfo, f) {
			continue
		}
		checkGoroutine(pass, m, f)
	}
	return nil, nil
}

// started reports whether the literal f runs in a goroutine of its own: a go statement
// starts it, or it is the argument of a model.GoMethod (wg.Go, errgroup's Go).
func started(info *types.Info, f *model.Func) bool {
	if f.IsGoroutine() {
		return true
	}
	if f.Cursor.ParentEdgeKind() != edge.CallExpr_Args {
		return false
	}
	fn, ok := typeutil.Callee(info, f.Cursor.Parent().Node().(*ast.CallExpr)).(*types.Func)
	return ok && model.GoMethod(fn)
}

// checkGoroutine reports the calls that end the goroutine of the started literal f.
func checkGoroutine(pass *analysis.Pass, m *model.Model, f *model.Func) {
	info := pass.TypesInfo
	for cur := range f.Cursor.Preorder((*ast.CallExpr)(nil)) {
		if inNestedGoroutine(info, m, f, cur) {
			continue // that goroutine's own walk reports it
		}
		if inStoredLiteral(m, f, cur) {
			continue // whoever calls the literal may be the test's goroutine
		}
		call := cur.Node().(*ast.CallExpr)
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		if ok && fn.Pkg() != nil && fn.Pkg().Path() == requirePath {
			checkRequire(pass, m, f, cur, fn)
			continue
		}
		if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "testing" || instead[fn.Name()] == "" && !skips[fn.Name()] {
			continue
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			continue
		}
		t := receiverVar(info, sel.X)
		if t == nil || inside(f.Node, t.Pos()) {
			continue // the literal's own T (a subtest's function started by t.Run, say)
		}
		d := analysis.Diagnostic{
			Pos:     call.Pos(),
			End:     call.End(),
			Message: fmt.Sprintf("%s called in a goroutine the test started: it ends only that goroutine, and the test goes on", types.ExprString(call.Fun)),
		}
		if skips[fn.Name()] {
			fixkit.Refuse(pass, d, call.Pos(), fn.Name()+" has no counterpart that does not end the goroutine")
			continue
		}
		stmt, owner, last, why := returnable(m, f, cur)
		if why != "" {
			fixkit.Refuse(pass, d, call.Pos(), why)
			continue
		}
		if !last {
			fixkit.Refuse(pass, d, call.Pos(), "statements follow it in its block: a return would make them unreachable")
			continue
		}
		name := instead[fn.Name()]
		msg := fmt.Sprintf("Call %s.%s and return", types.ExprString(sel.X), name)
		fixkit.Report(pass, d, msg, func(fx *fixkit.Fix) error {
			list := fixkit.StmtList(fx.Dst(owner))
			ds, _, dsel, err := dstCall(fx, stmt)
			if err != nil {
				return err
			}
			dsel.Sel.Name = name
			// A comment that ends the last line of a clause is the clause's: keep it on the
			// call's line, not after the new return.
			switch o := fx.Dst(owner).(type) {
			case *dst.CaseClause:
				moveTrailing(&o.Decs.End, &ds.Decs.End)
			case *dst.CommClause:
				moveTrailing(&o.Decs.End, &ds.Decs.End)
			}
			i := slices.Index(*list, dst.Stmt(ds))
			if i < 0 {
				return fixkit.Refusal("internal error: statement not found")
			}
			ret := &dst.ReturnStmt{}
			ret.Decs.Before = dst.NewLine
			*list = slices.Insert(*list, i+1, dst.Stmt(ret))
			return nil
		})
	}
}

// inNestedGoroutine reports whether cur is in a goroutine started inside f's literal.
func inNestedGoroutine(info *types.Info, m *model.Model, f *model.Func, cur inspector.Cursor) bool {
	for g := m.Enclosing(cur); g != nil && g != f; g = g.Outer {
		if started(info, g) {
			return true
		}
	}
	return false
}

// inStoredLiteral reports whether cur is in a function literal nested in f that is not
// called where it stands nor handed to a call, but stored (assigned, put in a map or a
// struct, sent, returned): the goroutine that runs it is not known
// (handlers["hello"] = func(...) {...}, called later by the test itself).
func inStoredLiteral(m *model.Model, f *model.Func, cur inspector.Cursor) bool {
	for g := m.Enclosing(cur); g != nil && g != f; g = g.Outer {
		if _, ok := g.Node.(*ast.FuncLit); !ok {
			continue
		}
		switch g.Cursor.ParentEdgeKind() {
		case edge.CallExpr_Fun, edge.CallExpr_Args:
		default:
			return true
		}
	}
	return false
}

// returnable returns the statement that the call at cur in the goroutine f is, the block
// or clause that lists it and whether it is the last there, or why a return after it
// would not end the goroutine as the call does.
func returnable(m *model.Model, f *model.Func, cur inspector.Cursor) (stmt ast.Stmt, owner ast.Node, last bool, why string) {
	switch {
	case m.Enclosing(cur) != f:
		return nil, nil, false, "it is in a function literal nested in the goroutine: a return would only leave that literal"
	case f.Sig.Results().Len() > 0:
		return nil, nil, false, "the goroutine's function has results: what it should return is the test's choice"
	}
	stmt, owner, last = lastInList(cur)
	if stmt == nil {
		return nil, nil, false, "the call is not a statement of its own"
	}
	return stmt, owner, last, ""
}

// dstCall returns the dst twins of the expression statement stmt, of its call and of the
// call's selector (t.Fatal, require.NoError).
func dstCall(fx *fixkit.Fix, stmt ast.Stmt) (*dst.ExprStmt, *dst.CallExpr, *dst.SelectorExpr, error) {
	ds := fx.Dst(stmt).(*dst.ExprStmt)
	call, ok := ds.X.(*dst.CallExpr)
	if !ok {
		return nil, nil, nil, fixkit.Refusal("the call is in parentheses")
	}
	sel, ok := call.Fun.(*dst.SelectorExpr)
	if !ok {
		return nil, nil, nil, fixkit.Refusal("the function is in parentheses")
	}
	return ds, call, sel, nil
}

// moveTrailing moves a single line comment from the end decorations from to to, when to
// has none.
func moveTrailing(from, to *dst.Decorations) {
	if len(*from) == 1 && len(*to) == 0 && strings.HasPrefix((*from)[0], "//") {
		*to, *from = *from, nil
	}
}

// receiverVar returns the variable that x, the receiver of a testing method, names.
func receiverVar(info *types.Info, x ast.Expr) *types.Var {
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := info.Uses[id].(*types.Var)
	return v
}

// inside reports whether pos is within n.
func inside(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }

// lastInList returns the statement that the call at cur is (an expression statement), the
// block or clause that lists it, and whether it is the last of that list.
func lastInList(cur inspector.Cursor) (ast.Stmt, ast.Node, bool) {
	if cur.ParentEdgeKind() != edge.ExprStmt_X {
		return nil, nil, false
	}
	sc := cur.Parent()
	stmt := sc.Node().(*ast.ExprStmt)
	owner := sc.Parent().Node()
	list, ok := model.StmtList(owner)
	if !ok {
		return nil, nil, false
	}
	return stmt, owner, len(list) > 0 && list[len(list)-1] == stmt
}
