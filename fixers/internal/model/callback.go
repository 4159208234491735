package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// syncDepth bounds the chain of the package's functions through which a function
// parameter may be passed on (f to g to h): deeper chains are not followed.
const syncDepth = 4

// stdRunsBeforeReturn lists the standard library functions whose documentation says they
// call a function argument while they run, and that keep no reference to it, by the full
// name of the function (types.Func.FullName) and the index of that parameter (go doc,
// Go 1.26):
//
//   - sort.Search "calls f(i) only for i in the range [0, n)"; sort.Slice and
//     SliceStable sort "using the provided less function", slices.SortFunc and
//     SortStableFunc "as determined by the cmp function": the slice is sorted when they
//     return;
//   - slices.IndexFunc "returns the first index i satisfying f(s[i])", ContainsFunc
//     "reports whether at least one element e of s satisfies f(e)", strings.Map "returns
//     a copy of the string s with all its characters modified according to the mapping
//     function", strings.FieldsFunc "splits the string s at each run of Unicode code
//     points c satisfying f(c)": their results are computed from f's;
//   - (*sync.Map).Range "calls f sequentially for each key and value present in the
//     map";
//   - path/filepath.Walk and WalkDir, io/fs.WalkDir "walk the file tree rooted at root,
//     calling fn for each file or directory in the tree".
//
// Left out on purpose: (*sync.Once).Do, which runs f for the first caller only, for the
// initialisation of a value that every later caller shares (what f does outlives the
// caller that happens to run it), and (*testing.T).Run, which "blocks until f returns
// or calls t.Parallel": a parallel subtest runs after Run has returned.
var stdRunsBeforeReturn = map[string]int{
	"sort.Search":           1,
	"sort.Slice":            1,
	"sort.SliceStable":      1,
	"slices.SortFunc":       1,
	"slices.SortStableFunc": 1,
	"slices.IndexFunc":      1,
	"slices.ContainsFunc":   1,
	"strings.Map":           0,
	"strings.FieldsFunc":    1,
	"(*sync.Map).Range":     0,
	"path/filepath.Walk":    1,
	"path/filepath.WalkDir": 1,
	"io/fs.WalkDir":         2,
}

// A Via is a function of the package that runs a function argument of a call, or passes
// it on: Uses are the identifiers of its body (its literals included) that refer to the
// parameter holding it.
type Via struct {
	Func *Func
	Uses []inspector.Cursor
}

// A syncResult is what RunsBeforeReturn knows of one parameter of a function.
type syncResult struct {
	via []Via
	ok  bool
}

type syncKey struct {
	f *Func
	i int
}

// RunsBeforeReturn reports whether the call runs the function passed as its argument i,
// if it runs it at all, only before it returns, and keeps no reference to it: the
// callee is static (a function, or a method called on a value, not through an
// interface or a function value), and it is one of the standard library functions of
// stdRunsBeforeReturn with i its function parameter, or a function of the package whose
// every use of that parameter (nested function literals included) is
//
//   - a call of it, deferred or not;
//   - an argument of a call of a function that qualifies in the same way for that
//     parameter (through at most syncDepth functions of the package; a chain that comes
//     back to a parameter already being looked at qualifies, as nothing else escapes);
//   - a comparison with nil, or the left side of an assignment;
//
// outside go statements, and inside function literals only when these are called where
// they are written (deferred or not) or are themselves such an argument. A variadic
// parameter, a call with ..., and method expressions (T.M(x, f)) do not qualify.
//
// via lists the functions and methods of the package whose bodies (their literals
// included) call the function or pass it on, with those uses, each after the functions
// it passes it on to: a fixer may need to know what they do before they call it (wait
// for a context to end, say). Facts of other packages are not used, so the
// concfix command and go vet agree.
func (m *Model) RunsBeforeReturn(call *ast.CallExpr, i int) (via []Via, ok bool) {
	fn, idx := m.callbackParam(call, i)
	if fn == nil {
		return nil, false
	}
	if p, ok := stdRunsBeforeReturn[fn.FullName()]; ok {
		return nil, p == idx
	}
	f := m.Decl(fn)
	if f == nil || f.Sig == nil {
		return nil, false
	}
	key := syncKey{f, idx}
	if r, ok := m.syncParams.Load(key); ok {
		r := r.(syncResult)
		return r.via, r.ok
	}
	s := &syncSearch{m: m, visiting: make(map[syncKey]bool), seen: make(map[syncKey]bool)}
	r := syncResult{ok: s.param(f, idx, syncDepth)}
	if r.ok {
		r.via = s.via
	}
	m.syncParams.Store(key, r)
	return r.via, r.ok
}

// callbackParam returns the static callee of call (its origin) and the index of the
// parameter that argument i binds, or nil when the call does not qualify.
func (m *Model) callbackParam(call *ast.CallExpr, i int) (*types.Func, int) {
	if call.Ellipsis.IsValid() {
		return nil, 0
	}
	if tv, ok := m.Info.Types[call.Fun]; !ok || tv.IsType() || tv.IsBuiltin() {
		return nil, 0
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := m.Info.Selections[sel]; ok && s.Kind() != types.MethodVal {
			return nil, 0 // a method expression: the receiver is argument 0
		}
	}
	fn := typeutil.StaticCallee(m.Info, call)
	if fn == nil {
		return nil, 0
	}
	sig := fn.Signature()
	n := sig.Params().Len()
	if i < 0 || i >= n || sig.Variadic() && i == n-1 {
		return nil, 0
	}
	return fn.Origin(), i
}

// A syncSearch is one query of RunsBeforeReturn: the parameters being looked at, and the
// functions found to call or pass on the function.
type syncSearch struct {
	m        *Model
	visiting map[syncKey]bool
	seen     map[syncKey]bool // the parameters of via
	via      []Via
}

// param reports whether function f of the package only calls, compares or passes on to
// such a function its parameter i.
func (s *syncSearch) param(f *Func, i, depth int) bool {
	key := syncKey{f, i}
	if s.visiting[key] {
		return true // a cycle: decided by the other uses
	}
	if depth == 0 || i >= f.Sig.Params().Len() {
		return false
	}
	p := f.Sig.Params().At(i)
	if _, ok := p.Type().Underlying().(*types.Signature); !ok {
		return false
	}
	s.visiting[key] = true
	defer delete(s.visiting, key)
	var uses []inspector.Cursor
	for c := range f.Cursor.Preorder((*ast.Ident)(nil)) {
		if s.m.Info.Uses[c.Node().(*ast.Ident)] != p {
			continue
		}
		if !s.use(f, c, depth) {
			return false
		}
		uses = append(uses, c)
	}
	if len(uses) > 0 && !s.seen[key] {
		s.seen[key] = true
		s.via = append(s.via, Via{Func: f, Uses: uses})
	}
	return true
}

// use reports whether the use c of a function parameter of f runs it before f returns
// and keeps no reference to it.
func (s *syncSearch) use(f *Func, c inspector.Cursor, depth int) bool {
	// The way out to f: no go statement, and literals that run where they are.
	for p := c.Parent(); p.Valid() && p.Node() != f.Node; p = p.Parent() {
		switch n := p.Node().(type) {
		case *ast.GoStmt:
			return false
		case *ast.FuncLit:
			lit := s.m.FuncOf(n)
			if lit == nil {
				return false
			}
			if lit.Called || deferredLit(p) {
				continue
			}
			if p.ParentEdgeKind() != edge.CallExpr_Args {
				return false
			}
			if !s.arg(p.Parent().Node().(*ast.CallExpr), p.ParentEdgeIndex(), depth) {
				return false
			}
		}
	}
	child, parent := c, c.Parent()
	for {
		if _, ok := parent.Node().(*ast.ParenExpr); !ok {
			break
		}
		child, parent = parent, parent.Parent()
	}
	switch n := parent.Node().(type) {
	case *ast.CallExpr:
		if child.ParentEdgeKind() == edge.CallExpr_Fun {
			return true
		}
		return s.arg(n, child.ParentEdgeIndex(), depth)
	case *ast.BinaryExpr:
		if n.Op != token.EQL && n.Op != token.NEQ {
			return false
		}
		other := n.X
		if child.ParentEdgeKind() == edge.BinaryExpr_X {
			other = n.Y
		}
		return s.m.Info.Types[other].IsNil()
	case *ast.AssignStmt:
		return child.ParentEdgeKind() == edge.AssignStmt_Lhs
	}
	return false
}

// arg reports whether call, a call in a function of the package, runs its argument i
// before it returns and keeps no reference to it.
func (s *syncSearch) arg(call *ast.CallExpr, i, depth int) bool {
	fn, idx := s.m.callbackParam(call, i)
	if fn == nil {
		return false
	}
	if p, ok := stdRunsBeforeReturn[fn.FullName()]; ok {
		return p == idx
	}
	g := s.m.Decl(fn)
	return g != nil && g.Sig != nil && s.param(g, idx, depth-1)
}

// deferredLit reports whether the function literal at lit is called by a defer statement
// where it is written: defer func() { ... }().
func deferredLit(lit inspector.Cursor) bool {
	return lit.ParentEdgeKind() == edge.CallExpr_Fun && lit.Parent().ParentEdgeKind() == edge.DeferStmt_Call
}
