package ctxprop

import (
	"bufio"
	"go/ast"
	"go/build"
	"go/types"
	"go/version"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// stdSince maps a standard library function or method ("net/http.NewRequestWithContext",
// "crypto/tls.(*Conn).HandshakeContext") to the Go version that added it, read from the
// api/go1.*.txt files of GOROOT. It is empty when they cannot be read.
var stdSince = sync.OnceValue(func() map[string]string {
	m := make(map[string]string)
	files, _ := filepath.Glob(filepath.Join(build.Default.GOROOT, "api", "go1*.txt"))
	for _, name := range files {
		v := strings.TrimSuffix(filepath.Base(name), ".txt")
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if key, ok := apiKey(sc.Text()); ok {
				if old, ok := m[key]; !ok || version.Compare(v, old) < 0 {
					m[key] = v
				}
			}
		}
		f.Close()
	}
	return m
})

// apiKey parses a line such as
//
//	pkg net/http, func NewRequestWithContext(context.Context, ...) (*Request, error)
//	pkg crypto/tls, method (*Conn) HandshakeContext(context.Context) error
func apiKey(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "pkg ")
	if !ok {
		return "", false
	}
	i := strings.IndexAny(rest, ", ")
	if i < 0 {
		return "", false
	}
	pkg := rest[:i]
	_, decl, ok := strings.Cut(rest, ", ")
	if !ok {
		return "", false
	}
	if fn, ok := strings.CutPrefix(decl, "func "); ok {
		name, _, ok := strings.Cut(fn, "(")
		return pkg + "." + name, ok
	}
	if m, ok := strings.CutPrefix(decl, "method ("); ok {
		recv, rest, ok := strings.Cut(m, ") ")
		if !ok {
			return "", false
		}
		name, _, ok := strings.Cut(rest, "(")
		return pkg + ".(" + recv + ")." + name, ok
	}
	return "", false
}

// tooNew reports whether fn is a standard library function or method added after the Go
// version of the file that contains n.
func (ck *checker) tooNew(fn *types.Func, n ast.Node) bool {
	if fn.Pkg() == nil || strings.Contains(strings.SplitN(fn.Pkg().Path(), "/", 2)[0], ".") {
		return false // not the standard library
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
			return false
		}
		key = fn.Pkg().Path() + ".(" + star + named.Obj().Name() + ")." + fn.Name()
	}
	since, ok := stdSince()[key]
	if !ok {
		return false
	}
	fileVersion := ck.pass.Pkg.GoVersion()
	for _, f := range ck.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() <= f.FileEnd {
			if v := ck.pass.TypesInfo.FileVersions[f]; v != "" {
				fileVersion = v
			}
		}
	}
	return fileVersion != "" && version.Compare(fileVersion, since) < 0
}
