package ctxprop

import (
	"go/ast"
	"go/types"
	"go/version"
	"strings"

	"github.com/concfix/concfix/fixers/ctxprop/internal/stdapi"
)

// tooNew reports whether fn is a standard library function or method added after the Go
// version of the file that contains n (the table of package stdapi, generated from
// GOROOT/api).
func (ck *checker) tooNew(fn *types.Func, n ast.Node) bool {
	since, ok := stdSince(fn)
	if !ok {
		return false
	}
	fileVersion := ck.pass.Pkg.GoVersion()
	if f := ck.m.File(n.Pos()); f != nil {
		if v := ck.pass.TypesInfo.FileVersions[f]; v != "" {
			fileVersion = v
		}
	}
	return fileVersion != "" && version.Compare(fileVersion, since) < 0
}

// stdSince returns the Go version that added fn, a function or method of the standard
// library that takes a context.Context (the table of package stdapi), or false.
func stdSince(fn *types.Func) (string, bool) {
	if fn.Pkg() == nil || strings.Contains(strings.SplitN(fn.Pkg().Path(), "/", 2)[0], ".") {
		return "", false // not the standard library
	}
	key := fn.Pkg().Path() + "." + fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		star := ""
		if p, ok := t.(*types.Pointer); ok {
			t, star = p.Elem(), "*"
		}
		named, ok := types.Unalias(t).(*types.Named)
		if !ok {
			return "", false
		}
		key = fn.Pkg().Path() + ".(" + star + named.Obj().Name() + ")." + fn.Name()
	}
	return stdapi.Since(key)
}
