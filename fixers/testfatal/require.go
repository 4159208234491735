package testfatal

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

const (
	requirePath = "github.com/stretchr/testify/require"
	assertPath  = "github.com/stretchr/testify/assert"
)

// checkRequire reports a call of one of testify's require functions, which call
// t.FailNow when the assertion fails, in the goroutine f the test started (testifylint's
// go-require; prometheus's netconnlimit test). The fix is the same assertion from assert,
// which only marks the test failed and says whether it held: if !assert.X(t, ...) {
// return }, or assert.X(t, ...) alone as the goroutine's last statement.
func checkRequire(pass *analysis.Pass, m *model.Model, f *model.Func, cur inspector.Cursor, fn *types.Func) {
	call := cur.Node().(*ast.CallExpr)
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || fn.Signature().Recv() != nil || len(call.Args) == 0 {
		return // require.New(t)'s Assertions are not followed
	}
	if _, ok := ast.Unparen(sel.X).(*ast.Ident); !ok {
		return
	}
	t := receiverVar(pass.TypesInfo, call.Args[0])
	if t == nil || inside(f.Node, t.Pos()) || !isTestingT(t.Type()) {
		return
	}
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: fmt.Sprintf("%s called in a goroutine the test started: it calls %s.FailNow, which ends only that goroutine, and the test goes on", types.ExprString(call.Fun), t.Name()),
	}
	stmt, owner, last, why := returnable(m, f, cur)
	if why != "" {
		fixkit.Refuse(pass, d, call.Pos(), why)
		return
	}
	if !model.Imports(pass.Pkg, assertPath) {
		// A new import is a dependency that the build has not prepared for the package:
		// the fix could not be checked.
		fixkit.Refuse(pass, d, call.Pos(), "the package does not import "+assertPath+" (use assert."+fn.Name()+" and return when it fails)")
		return
	}
	end := last && owner == ast.Node(f.Body) // the goroutine ends after it anyway
	msg := "Use assert." + fn.Name() + " and return when it fails"
	if end {
		msg = "Use assert." + fn.Name()
	}
	fixkit.Report(pass, d, msg, func(fx *fixkit.Fix) error {
		name, err := fx.AddImport(call, assertPath, "assert")
		if err != nil {
			return err
		}
		list := fixkit.StmtList(fx.Dst(owner))
		ds, dcall, dsel, err := dstCall(fx, stmt)
		if err != nil {
			return err
		}
		pkg, ok := dsel.X.(*dst.Ident)
		if !ok {
			return fixkit.Refusal("the package is not named by an identifier")
		}
		pkg.Name = name
		if end {
			return nil
		}
		ifs := &dst.IfStmt{
			Cond: &dst.UnaryExpr{Op: token.NOT, X: dcall},
			Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ReturnStmt{}}},
		}
		// A comment that ended the call's line now ends the if's first line.
		ifs.Decs.Before, ifs.Decs.Start, ifs.Decs.After = ds.Decs.Before, ds.Decs.Start, ds.Decs.After
		ifs.Body.Decs.Lbrace = ds.Decs.End
		i := slices.Index(*list, dst.Stmt(ds))
		if i < 0 {
			return fixkit.Refusal("internal error: statement not found")
		}
		(*list)[i] = ifs
		return nil
	})
}

// isTestingT reports whether t is *testing.T, *testing.B, *testing.F or testing.TB.
func isTestingT(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return model.IsNamed(t, "testing", "T", "B", "F", "TB")
}
