package ctxprop

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

// Analyzer reports and fixes calls that drop the context in scope.
var Analyzer = &analysis.Analyzer{
	Name:     "ctxprop",
	Doc:      fixkit.Doc(docGo, "ctxprop"),
	URL:      fixkit.URL("ctxprop"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

type checker struct {
	pass    *analysis.Pass
	m       *model.Model
	insp    *inspector.Inspector
	ctxPkg  *types.Package
	ctxType types.Type // context.Context

	valid   map[*types.Var]bool       // context variables whose every value derives from a context in scope
	cancels map[*types.Var]bool       // valid variables that hold a cancellable derived context
	funcs   map[*model.Func]*flowInfo // per function: Done/Err markers over its CFG
	// strictFuncs are the same with every Err test a marker of all that follows.
	strictFuncs map[*model.Func]*flowInfo
	done        map[*types.Var]bool // variables assigned ctx.Done()
	// cancelVars are the variables holding the cancel functions of derived contexts.
	cancelVars map[*types.Var]bool
	scanned    map[ast.Node]bool // outermost functions whose variables were analysed

	reqNames map[*ast.AssignStmt]string // request variables of the rewrites of http.Get & co.
}

func run(pass *analysis.Pass) (any, error) {
	ctxPkg := findPackage(pass.Pkg, "context")
	if ctxPkg == nil {
		return nil, nil // fast exit: nothing here can hold a context.Context
	}
	tn, _ := ctxPkg.Scope().Lookup("Context").(*types.TypeName)
	if tn == nil {
		return nil, nil
	}
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	ck := &checker{
		pass:    pass,
		m:       m,
		insp:    m.Inspector,
		ctxPkg:  ctxPkg,
		ctxType: tn.Type(),
		valid:   make(map[*types.Var]bool),
		cancels: make(map[*types.Var]bool),
		funcs:   make(map[*model.Func]*flowInfo),

		strictFuncs: make(map[*model.Func]*flowInfo),
		done:        make(map[*types.Var]bool),
		scanned:     make(map[ast.Node]bool),

		reqNames: make(map[*ast.AssignStmt]string),
	}
	for _, cur := range ck.m.Calls {
		ck.checkCall(cur)
	}
	return nil, nil
}

// findPackage returns the package with the given path among pkg and its transitive imports.
func findPackage(pkg *types.Package, path string) *types.Package {
	seen := make(map[*types.Package]bool)
	var find func(p *types.Package) *types.Package
	find = func(p *types.Package) *types.Package {
		if seen[p] {
			return nil
		}
		seen[p] = true
		if p.Path() == path {
			return p
		}
		for _, q := range p.Imports() {
			if r := find(q); r != nil {
				return r
			}
		}
		return nil
	}
	return find(pkg)
}

func (ck *checker) isCtx(t types.Type) bool { return t != nil && types.Identical(t, ck.ctxType) }

// ctxFunc returns the name of the context package function that call calls, or "".
func (ck *checker) ctxFunc(call *ast.CallExpr) string {
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() != ck.ctxPkg || fn.Signature().Recv() != nil {
		return ""
	}
	return fn.Name()
}

// signature returns the signature of the function call calls, or nil for conversions
// and builtins.
func (ck *checker) signature(call *ast.CallExpr) *types.Signature {
	tv, ok := ck.pass.TypesInfo.Types[call.Fun]
	if !ok || tv.IsType() || tv.IsBuiltin() {
		return nil
	}
	sig, _ := tv.Type.Underlying().(*types.Signature)
	return sig
}

// paramType returns the type of the parameter that argument i of a call to sig binds.
func paramType(sig *types.Signature, i int, hasEllipsis bool) types.Type {
	n := sig.Params().Len()
	if sig.Variadic() && i >= n-1 {
		if hasEllipsis {
			return nil
		}
		return sig.Params().At(n - 1).Type().(*types.Slice).Elem()
	}
	if i >= n {
		return nil
	}
	return sig.Params().At(i).Type()
}

func (ck *checker) isTestFile(pos token.Pos) bool {
	return strings.HasSuffix(ck.pass.Fset.File(pos).Name(), "_test.go")
}

// checkCall looks at one call: its context arguments and its callee.
func (ck *checker) checkCall(cur inspector.Cursor) {
	call := cur.Node().(*ast.CallExpr)
	sig := ck.signature(call)
	if sig == nil {
		return
	}
	if ck.ctxFunc(call) != "" {
		// Arguments of the context package's own functions (WithoutCancel,
		// WithTimeout(context.Background(), ...)) make new contexts, often on purpose:
		// only a parent of a context the function derives for its own work is checked.
		ck.checkParent(cur, call)
		return
	}
	for i, arg := range call.Args {
		if !ck.isCtx(paramType(sig, i, call.Ellipsis.IsValid())) {
			continue
		}
		argCur := cur.ChildAt(edge.CallExpr_Args, i)
		switch a := ast.Unparen(arg).(type) {
		case *ast.CallExpr:
			// Tests build scenarios on purpose (hooks that ignore a context about to be
			// cancelled): only context.TODO(), which says no decision was made, counts there.
			if name := ck.ctxFunc(a); name == "TODO" || name == "Background" && !ck.isTestFile(a.Pos()) {
				ck.checkFresh(argCur, cur, a, name)
			}
		case *ast.Ident:
			if ck.pass.TypesInfo.Uses[a] == types.Universe.Lookup("nil") && !ck.isTestFile(a.Pos()) && (ck.foreignAPI(call) || ck.nilIsDefault(call, i)) {
				ck.checkNil(argCur, cur, a)
			}
		}
	}
	if !ck.isTestFile(call.Pos()) {
		ck.checkTwin(cur, call, sig)
		ck.checkHTTP(cur, call)
	}
}

// checkFresh handles context.TODO() or context.Background() passed to the call at callCur.
func (ck *checker) checkFresh(argCur, callCur inspector.Cursor, fresh *ast.CallExpr, name string) {
	if ck.detached(fresh, callCur.Node().(*ast.CallExpr)) {
		return
	}
	env := ck.env(argCur)
	if env.status == none {
		return
	}
	if ck.resultEscapes(callCur, env) {
		return
	}
	if name == "Background" && ck.takesTimeBound(callCur.Node().(*ast.CallExpr)) {
		// A fresh context next to an explicit timeout or deadline: the caller chose
		// the time bound of the call instead of its context's.
		return
	}
	d := analysis.Diagnostic{Pos: fresh.Pos(), End: fresh.End()}
	if env.status == ambiguous {
		d.Message = fmt.Sprintf("context.%s() passed while a context is in scope", name)
		fixkit.Refuse(ck.pass, d, d.Pos, "several contexts in scope: "+env.names())
		return
	}
	d.Message = fmt.Sprintf("context.%s() passed while %s is in scope", name, env.text())
	if ck.hasComments(fresh) {
		fixkit.Refuse(ck.pass, d, d.Pos, "comments inside the call")
		return
	}
	parent := callCur.Node().(*ast.CallExpr)
	idx := argCur.ParentEdgeIndex()
	fixkit.Report(ck.pass, d, "Pass "+env.text(), func(fx *fixkit.Fix) error {
		dcall := fx.Dst(parent).(*dst.CallExpr)
		old := dcall.Args[idx]
		e := env.expr()
		*e.Decorations() = *old.Decorations()
		dcall.Args[idx] = e
		return nil
	})
}

// foreignAPI reports whether call calls an exported function or method of another
// package. Such APIs follow the context package's rule that a context is never nil;
// functions of the package itself, and function values, may use a nil context as a
// sentinel ("no transaction context"), which a non-nil context would change.
func (ck *checker) foreignAPI(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg() != ck.pass.Pkg && fn.Exported()
}

// takesTimeBound reports whether call passes a time.Duration or a time.Time.
func (ck *checker) takesTimeBound(call *ast.CallExpr) bool {
	for _, a := range call.Args {
		if t := ck.pass.TypesInfo.TypeOf(a); isTimeType(t, "Duration") || isTimeType(t, "Time") {
			return true
		}
	}
	return false
}

// checkNil handles nil passed as a context.Context.
func (ck *checker) checkNil(argCur, callCur inspector.Cursor, id *ast.Ident) {
	env := ck.env(argCur)
	if env.status == ok && ck.resultEscapes(callCur, env) {
		env = envResult{status: none}
	}
	d := analysis.Diagnostic{Pos: id.Pos(), End: id.End(), Message: "nil passed as a context.Context"}
	switch env.status {
	case ambiguous:
		fixkit.Refuse(ck.pass, d, d.Pos, "several contexts in scope: "+env.names())
	case ok:
		fixkit.Report(ck.pass, d, "Pass "+env.text(), func(fx *fixkit.Fix) error {
			e := env.expr()
			*e.Decorations() = fx.Dst(id).(*dst.Ident).Decs.NodeDecs
			replaceArg(fx, callCur.Node().(*ast.CallExpr), argCur.ParentEdgeIndex(), e)
			return nil
		})
	case none:
		fixkit.Report(ck.pass, d, "Pass context.TODO()", func(fx *fixkit.Fix) error {
			pkg, err := fx.AddImport(id, "context", "context")
			if err != nil {
				return err
			}
			if !ck.refersToPackage(id.Pos(), pkg, ck.ctxPkg) {
				return fmt.Errorf("%s does not refer to package context here", pkg)
			}
			did := fx.Dst(id).(*dst.Ident)
			call := &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(pkg), Sel: dst.NewIdent("TODO")}}
			call.Decs.NodeDecs = did.Decs.NodeDecs
			replaceArg(fx, callCur.Node().(*ast.CallExpr), argCur.ParentEdgeIndex(), call)
			return nil
		})
	}
}

// replaceArg replaces argument i of call with e in the fix.
func replaceArg(fx *fixkit.Fix, call *ast.CallExpr, i int, e dst.Expr) {
	fx.Dst(call).(*dst.CallExpr).Args[i] = e
}

// refersToPackage reports whether name, used at pos, refers to pkg: an import of it or,
// when the file does not import it yet, nothing at all.
func (ck *checker) refersToPackage(pos token.Pos, name string, pkg *types.Package) bool {
	scope := ck.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	_, obj := scope.LookupParent(name, pos)
	switch obj := obj.(type) {
	case nil:
		return true
	case *types.PkgName:
		return obj.Imported() == pkg
	}
	return false
}

// hasComments reports whether a comment lies inside n.
func (ck *checker) hasComments(n ast.Node) bool { return ck.commentsBetween(n.Pos(), n.End()) }

// commentsBetween reports whether a comment lies between from and to.
func (ck *checker) commentsBetween(from, to token.Pos) bool {
	if f := ck.m.File(from); f != nil {
		for _, cg := range f.Comments {
			if cg.Pos() < to && cg.End() > from {
				return true
			}
		}
	}
	return false
}
