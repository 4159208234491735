// Package noreturn knows, by type, the calls that end a control-flow path.
package noreturn

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// MayReturn returns a go/cfg mayReturn predicate that knows, by type, the calls that end
// a path: panic, os.Exit, runtime.Goexit, log's Fatal and Panic functions and methods,
// and testing's FailNow, Fatal and Skip families (a failing or skipped test has no
// further obligations). Every other call may return.
func MayReturn(info *types.Info) func(*ast.CallExpr) bool {
	return func(call *ast.CallExpr) bool {
		switch obj := typeutil.Callee(info, call).(type) {
		case *types.Builtin:
			return obj.Name() != "panic"
		case *types.Func:
			if obj.Pkg() == nil {
				return true
			}
			name := obj.Name()
			switch obj.Pkg().Path() {
			case "os":
				return name != "Exit"
			case "runtime":
				return name != "Goexit"
			case "log":
				return !strings.HasPrefix(name, "Fatal") && !strings.HasPrefix(name, "Panic")
			case "testing":
				switch name {
				case "FailNow", "Fatal", "Fatalf", "Skip", "Skipf", "SkipNow":
					return false
				}
			}
		}
		return true
	}
}
