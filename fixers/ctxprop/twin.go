package ctxprop

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

type twinKind int

const (
	renamed     twinKind = iota // F(args) -> FContext(ctx, args)
	beginTx                     // db.Begin() -> db.BeginTx(ctx, nil)
	dialer                      // net.Dial(n, a) -> (&net.Dialer{}).DialContext(ctx, n, a)
	dialTimeout                 // net.DialTimeout(n, a, d) -> (&net.Dialer{Timeout: d}).DialContext(ctx, n, a)
	resolver                    // net.LookupX(args) -> net.DefaultResolver.LookupX(ctx, args)
)

type twin struct {
	kind twinKind
	fn   *types.Func // the context-aware function or method
	name string      // how the diagnostic names it
}

// checkTwin handles a call of a function or method that has a context-aware twin.
func (ck *checker) checkTwin(cur inspector.Cursor, call *ast.CallExpr, sig *types.Signature) {
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Origin() != fn || fn.Signature().TypeParams().Len() > 0 || fn.Pkg() == nil {
		return
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if ck.isCtx(sig.Params().At(i).Type()) {
			return
		}
	}
	tw := ck.findTwin(call, fn)
	if tw == nil || ck.tooNew(tw.fn, call) {
		return
	}
	// A twin by naming convention only: a WaitContext may return early where Wait
	// blocks, with other results, and its contract cannot be read here. The package's
	// own twins are not reported at all: their author wrote both and chose (go-redis
	// calls AutoFuture.Wait and then recycles the batch, which WaitContext's early return
	// would break); nor are the standard library's pairs outside the allowlist, whose
	// context ends no blocking work (slog). Another library's are reported without a
	// fix, for the maintainer to read its docs.
	doc := documented(fn, tw)
	if _, std := stdSince(tw.fn); !doc && (std || tw.fn.Pkg() == ck.pass.Pkg) {
		return
	}
	env := ck.env(cur)
	if env.status == none || ck.resultEscapes(cur, env) || ck.recursive(cur, fn, tw.fn) {
		return
	}
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.Fun.End(),
		Message: fmt.Sprintf("%s called while a context is in scope; %s takes it", ck.funcName(fn), tw.name),
	}
	if env.status == ambiguous {
		fixkit.Refuse(ck.pass, d, d.Pos, "several contexts in scope: "+env.names())
		return
	}
	ctxName := env.text()
	d.Message = fmt.Sprintf("%s called while %s is in scope; %s takes it", ck.funcName(fn), ctxName, tw.name)
	if !doc {
		fixkit.Refuse(ck.pass, d, d.Pos, "not a documented standard library twin: its contract may differ")
		return
	}
	if tw.kind == dialTimeout {
		if why := ck.dialTimeoutRefusal(call); why != "" {
			fixkit.Refuse(ck.pass, d, d.Pos, why)
			return
		}
	}
	fixkit.Report(ck.pass, d, fmt.Sprintf("Call %s with %s", tw.name, ctxName), func(fx *fixkit.Fix) error {
		dcall := fx.Dst(call).(*dst.CallExpr)
		args := []dst.Expr{env.expr()}
		if tw.kind == beginTx {
			args = append(args, dst.NewIdent("nil"))
		}
		if len(dcall.Args) > 0 && dcall.Args[0].Decorations().Before != dst.None {
			args[0].Decorations().Before = dcall.Args[0].Decorations().Before
		}
		dcall.Args = append(args, dcall.Args...)
		var timeout []dst.Expr // the dialer's fields
		if tw.kind == dialTimeout {
			timeout = []dst.Expr{&dst.KeyValueExpr{Key: dst.NewIdent("Timeout"), Value: popLast(dcall)}}
		}
		switch fun := dcall.Fun.(type) {
		case *dst.Ident:
			fun.Name = tw.fn.Name()
		case *dst.SelectorExpr:
			switch tw.kind {
			case renamed, beginTx:
				fun.Sel.Name = tw.fn.Name()
			case dialer, dialTimeout:
				// (&net.Dialer{}).DialContext, (&net.Dialer{Timeout: d}).DialContext
				dcall.Fun = &dst.SelectorExpr{
					X: &dst.ParenExpr{X: &dst.UnaryExpr{Op: token.AND, X: &dst.CompositeLit{
						Type: &dst.SelectorExpr{X: dst.Clone(fun.X).(dst.Expr), Sel: dst.NewIdent("Dialer")},
						Elts: timeout,
					}}},
					Sel: dst.NewIdent(tw.fn.Name()),
				}
			case resolver:
				dcall.Fun = &dst.SelectorExpr{
					X:   &dst.SelectorExpr{X: dst.Clone(fun.X).(dst.Expr), Sel: dst.NewIdent("DefaultResolver")},
					Sel: dst.NewIdent(tw.fn.Name()),
				}
			}
		default:
			return fmt.Errorf("unexpected callee expression %T", fun)
		}
		return nil
	})
}

// findTwin returns the context-aware twin of fn as called by call, or nil.
func (ck *checker) findTwin(call *ast.CallExpr, fn *types.Func) *twin {
	info := ck.pass.TypesInfo
	sig := fn.Signature()
	qual := func(name string) string { return name }
	var qualifier string // the package qualifier of call.Fun, if any
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if info.Uses[fun] != fn {
			return nil
		}
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok {
			if _, ok := info.Uses[id].(*types.PkgName); ok {
				qualifier = id.Name
				qual = func(name string) string { return qualifier + "." + name }
			}
		}
		if qualifier == "" {
			if s, ok := info.Selections[fun]; !ok || s.Kind() != types.MethodVal {
				return nil
			}
		}
	default:
		return nil
	}

	if sig.Recv() == nil {
		pkg := fn.Pkg()
		// Special twins of the net package, whose context-aware forms live on
		// Dialer and Resolver values.
		if pkg.Path() == "net" && qualifier != "" {
			switch m := dialContext(pkg); {
			case fn.Name() == "Dial":
				if m != nil && ck.matches(sig, m.Signature()) {
					return &twin{kind: dialer, fn: m, name: "(&" + qualifier + ".Dialer{}).DialContext"}
				}
				return nil
			case fn.Name() == "DialTimeout":
				if m != nil && ck.matchesTimeout(sig, m.Signature()) {
					return &twin{kind: dialTimeout, fn: m, name: "(&" + qualifier + ".Dialer{Timeout: timeout}).DialContext"}
				}
				return nil
			}
			if v, ok := pkg.Scope().Lookup("DefaultResolver").(*types.Var); ok && len(fn.Name()) > len("Lookup") && fn.Name()[:len("Lookup")] == "Lookup" {
				m, _, _ := types.LookupFieldOrMethod(v.Type(), false, pkg, fn.Name())
				if m, ok := m.(*types.Func); ok && ck.matches(sig, m.Signature()) {
					return &twin{kind: resolver, fn: m, name: qual("DefaultResolver." + m.Name())}
				}
				return nil
			}
		}
		for _, suffix := range []string{"Context", "WithContext"} {
			t, ok := pkg.Scope().Lookup(fn.Name() + suffix).(*types.Func)
			if !ok || !(t.Exported() || pkg == ck.pass.Pkg) || !ck.matches(sig, t.Signature()) {
				continue
			}
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				// Unqualified: the twin's name must mean the twin at the call.
				scope := ck.pass.Pkg.Scope().Innermost(id.Pos())
				if scope == nil {
					return nil
				}
				if _, obj := scope.LookupParent(t.Name(), id.Pos()); obj != t {
					return nil
				}
			}
			return &twin{kind: renamed, fn: t, name: qual(t.Name())}
		}
		return nil
	}

	sel := info.Selections[ast.Unparen(call.Fun).(*ast.SelectorExpr)]
	recv := sel.Recv()
	_, recvPtr := recv.Underlying().(*types.Pointer)
	_, origPtr := sig.Recv().Type().Underlying().(*types.Pointer)
	_, isIface := recv.Underlying().(*types.Interface)
	addressable := origPtr && !recvPtr && !isIface // the call already takes the operand's address
	lookup := func(name string) *types.Func {
		m, _, _ := types.LookupFieldOrMethod(recv, addressable, ck.pass.Pkg, name)
		f, _ := m.(*types.Func)
		return f
	}
	if fn.FullName() == "(*database/sql.DB).Begin" {
		if m := lookup("BeginTx"); m != nil && m.Signature().Params().Len() == 2 &&
			ck.isCtx(m.Signature().Params().At(0).Type()) &&
			types.Identical(m.Signature().Results(), sig.Results()) {
			return &twin{kind: beginTx, fn: m, name: ck.funcName(m)}
		}
		return nil
	}
	for _, suffix := range []string{"Context", "WithContext"} {
		if m := lookup(fn.Name() + suffix); m != nil && ck.matches(sig, m.Signature()) {
			return &twin{kind: renamed, fn: m, name: ck.funcName(m)}
		}
	}
	return nil
}

// matches reports whether twin's parameters are a context.Context followed by f's
// parameters, with identical results and variadicity.
func (ck *checker) matches(f, twin *types.Signature) bool {
	if twin.TypeParams().Len() > 0 || twin.Params().Len() != f.Params().Len()+1 || twin.Variadic() != f.Variadic() {
		return false
	}
	if !ck.isCtx(twin.Params().At(0).Type()) {
		return false
	}
	for i := 0; i < f.Params().Len(); i++ {
		if !types.Identical(f.Params().At(i).Type(), twin.Params().At(i+1).Type()) {
			return false
		}
	}
	return types.Identical(f.Results(), twin.Results())
}

// recursive reports whether replacing fn by tw at cur could make a function call
// itself: the call is inside tw, or tw (declared in this package) calls fn.
func (ck *checker) recursive(cur inspector.Cursor, fn, tw *types.Func) bool {
	for c := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		if ck.pass.TypesInfo.Defs[c.Node().(*ast.FuncDecl).Name] == tw {
			return true
		}
	}
	if tw.Pkg() != ck.pass.Pkg {
		return false
	}
	decl := ck.m.Decl(tw)
	if decl == nil {
		return true // a method of an interface, or not found: cannot tell
	}
	calls := false
	ast.Inspect(decl.Node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if f, ok := ck.pass.TypesInfo.Uses[id].(*types.Func); ok && f.Origin() == fn.Origin() {
				calls = true
			}
		}
		return !calls
	})
	return calls
}

// funcName names fn for a diagnostic: pkg.F or (T).M, qualified by package name.
func (ck *checker) funcName(fn *types.Func) string {
	qual := func(p *types.Package) string {
		if p == ck.pass.Pkg {
			return ""
		}
		return p.Name()
	}
	if recv := fn.Signature().Recv(); recv != nil {
		return "(" + types.TypeString(recv.Type(), qual) + ")." + fn.Name()
	}
	if fn.Pkg() == ck.pass.Pkg {
		return fn.Name()
	}
	return fn.Pkg().Name() + "." + fn.Name()
}
