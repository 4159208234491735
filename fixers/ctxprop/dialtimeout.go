package ctxprop

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"
)

// dialContext returns the DialContext method of *net.Dialer in package net, or nil.
func dialContext(pkg *types.Package) *types.Func {
	tn, ok := pkg.Scope().Lookup("Dialer").(*types.TypeName)
	if !ok {
		return nil
	}
	m, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), false, pkg, "DialContext")
	f, _ := m.(*types.Func)
	return f
}

// matchesTimeout reports whether twin's parameters are a context.Context followed by
// f's but its last, a time.Duration (net.DialTimeout's timeout, which goes to the
// Dialer's Timeout), with identical results.
func (ck *checker) matchesTimeout(f, twin *types.Signature) bool {
	n := f.Params().Len()
	if n != 3 || f.Variadic() || twin.Variadic() || twin.Params().Len() != n ||
		!isTimeType(f.Params().At(n-1).Type(), "Duration") || !ck.isCtx(twin.Params().At(0).Type()) {
		return false
	}
	for i := 0; i < n-1; i++ {
		if !types.Identical(f.Params().At(i).Type(), twin.Params().At(i+1).Type()) {
			return false
		}
	}
	return types.Identical(f.Results(), twin.Results())
}

// dialTimeoutRefusal returns why net.DialTimeout(network, address, d) cannot become
// (&net.Dialer{Timeout: d}).DialContext(ctx, network, address), or "". The timeout moves
// before the other arguments: when it and one of them are computed by calls, the calls
// would run in another order.
func (ck *checker) dialTimeoutRefusal(call *ast.CallExpr) string {
	if ck.commentsBetween(call.Args[1].End(), call.End()) {
		return "comments around the timeout"
	}
	if ck.hasCall(call.Args[2]) && (ck.hasCall(call.Args[0]) || ck.hasCall(call.Args[1])) {
		return "the timeout and the address are computed by calls, which the rewrite would reorder"
	}
	return ""
}

// popLast removes the last argument of call and returns it, without its line breaks;
// the argument before it takes its trailing line break.
func popLast(call *dst.CallExpr) dst.Expr {
	n := len(call.Args)
	last := call.Args[n-1]
	call.Args = call.Args[:n-1]
	call.Args[n-2].Decorations().After = last.Decorations().After
	last.Decorations().Before, last.Decorations().After = dst.None, dst.None
	return last
}

// hasCall reports whether evaluating e may call a function or receive from a channel
// (conversions do neither); function literals are not looked into.
func (ck *checker) hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if tv, ok := ck.pass.TypesInfo.Types[n.Fun]; !ok || !tv.IsType() {
				found = true
			}
		case *ast.UnaryExpr:
			found = found || n.Op == token.ARROW
		}
		return !found
	})
	return found
}

// isTimeType reports whether t is the named type name of package time.
func isTimeType(t types.Type, name string) bool { return isNamed(t, "time", name) }
