package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// An AtomicCall is a call of sync/atomic on one value, in either of its two forms: a
// function given the value's address (atomic.AddInt64(&n, -1)) or a method of one of
// the package's types (n.Add(-1) on an atomic.Int64).
type AtomicCall struct {
	Fn     *types.Func
	Op     string     // the operation: Load, Store, Add, Swap, CompareAndSwap, And, Or
	Target ast.Expr   // the value: n in both forms
	Args   []ast.Expr // the other arguments
	Method bool       // the method form
}

// atomicTypes are the suffixes that name the type of a sync/atomic function.
var atomicTypes = []string{"Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Pointer"}

// Atomic returns the sync/atomic call that call is, if it is one on a value it can
// name: in the function form the first argument must be &x.
func Atomic(info *types.Info, call *ast.CallExpr) (AtomicCall, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" {
		return AtomicCall{}, false
	}
	if fn.Signature().Recv() != nil {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return AtomicCall{}, false
		}
		return AtomicCall{Fn: fn, Op: fn.Name(), Target: sel.X, Args: call.Args, Method: true}, true
	}
	if len(call.Args) == 0 {
		return AtomicCall{}, false
	}
	u, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return AtomicCall{}, false
	}
	op := fn.Name()
	for _, t := range atomicTypes {
		if s, ok := strings.CutSuffix(op, t); ok {
			op = s
			break
		}
	}
	return AtomicCall{Fn: fn, Op: op, Target: u.X, Args: call.Args[1:]}, true
}
