package testfatal

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
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
		inner := m.Enclosing(cur)
		d := analysis.Diagnostic{
			Pos:     call.Pos(),
			End:     call.End(),
			Message: fmt.Sprintf("%s called in a goroutine the test started: it ends only that goroutine, and the test goes on", types.ExprString(call.Fun)),
		}
		switch {
		case skips[fn.Name()]:
			fixkit.Refuse(pass, d, call.Pos(), fn.Name()+" has no counterpart that does not end the goroutine")
			continue
		case inner != f:
			fixkit.Refuse(pass, d, call.Pos(), "it is in a function literal nested in the goroutine: a return would only leave that literal")
			continue
		case f.Sig.Results().Len() > 0:
			fixkit.Refuse(pass, d, call.Pos(), "the goroutine's function has results: what it should return is the test's choice")
			continue
		}
		stmt, owner, last := lastInList(cur)
		if stmt == nil {
			fixkit.Refuse(pass, d, call.Pos(), "the call is not a statement of its own")
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
			ds := fx.Dst(stmt).(*dst.ExprStmt)
			dcall, ok := ds.X.(*dst.CallExpr)
			if !ok {
				return fixkit.Refusal("the call is in parentheses")
			}
			dsel, ok := dcall.Fun.(*dst.SelectorExpr)
			if !ok {
				return fixkit.Refusal("the method is in parentheses")
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
			for i, s := range *list {
				if s == ds {
					ret := &dst.ReturnStmt{}
					ret.Decs.Before = dst.NewLine
					*list = append((*list)[:i+1], append([]dst.Stmt{ret}, (*list)[i+1:]...)...)
					return nil
				}
			}
			return fixkit.Refusal("internal error: statement not found")
		})
	}
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
	var list []ast.Stmt
	owner := sc.Parent().Node()
	switch o := owner.(type) {
	case *ast.BlockStmt:
		list = o.List
	case *ast.CaseClause:
		list = o.Body
	case *ast.CommClause:
		list = o.Body
	default:
		return nil, nil, false
	}
	return stmt, owner, len(list) > 0 && list[len(list)-1] == stmt
}
