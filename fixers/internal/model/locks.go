package model

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"sync"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Locks are the lock operations of a package: the calls of the Lock, Unlock, RLock,
// RUnlock, TryLock and TryRLock methods of sync.Mutex, sync.RWMutex and sync.Locker, and
// what each function of the package does with each mutex, directly or through the
// package's functions it calls.
type Locks struct {
	m    *Model
	Ops  []*LockOp // in source order
	opAt map[ast.Node]*LockOp

	byFunc map[*Func][]*LockOp
	calls  map[*Func][]staticCall // static calls of the package's functions, outside nested literals

	goOnce sync.Once
	goCall map[*ast.CallExpr]bool // the calls of go statements (calls.go)

	callersOnce sync.Once
	callers     map[*Func][]*Func // the callers of each function (calls.go)
}

type staticCall struct {
	node     *ast.CallExpr
	callee   *Func
	deferred bool // the call of a defer statement
}

// A LockMethod is a method of a mutex.
type LockMethod uint8

const (
	Lock LockMethod = iota
	Unlock
	RLock
	RUnlock
	TryLock
	TryRLock
	RLocker // the method value that hands the read side on
)

var lockMethods = map[string]LockMethod{"Lock": Lock, "Unlock": Unlock, "RLock": RLock, "RUnlock": RUnlock,
	"TryLock": TryLock, "TryRLock": TryRLock, "RLocker": RLocker}

// Acquires reports whether the method takes the mutex (Lock, RLock).
func (k LockMethod) Acquires() bool { return k == Lock || k == RLock }

// Releases reports whether the method releases it (Unlock, RUnlock).
func (k LockMethod) Releases() bool { return k == Unlock || k == RUnlock }

// Read reports whether the method is of the read side.
func (k LockMethod) Read() bool { return k == RLock || k == RUnlock || k == TryRLock }

// A LockOp is a call of a mutex method.
type LockOp struct {
	Call      *ast.CallExpr
	Sel       *ast.SelectorExpr // Call.Fun, unparenthesised
	Cursor    inspector.Cursor  // of Call
	Method    LockMethod
	Selection *types.Selection // the method's selection
	Stmt      ast.Stmt         // the *ast.ExprStmt or *ast.DeferStmt of which the call is the whole; nil otherwise
	Deferred  bool
	Func      *Func // the innermost function that contains it

	// The mutex, when it is a path from a variable through field selections (s.mu, or s
	// for a mutex embedded in *s): Key identifies the path within the package, Base is
	// the variable it starts from, Class the last field of the path (or the variable when
	// it is a package-level variable), which is the same for s.mu and t.mu of one type.
	Key   string
	Base  *types.Var
	Class types.Object
}

// Locks returns the package's lock operations.
func (m *Model) Locks() *Locks {
	m.locksOnce.Do(func() { m.locks = newLocks(m) })
	return m.locks
}

// Op returns the lock operation whose call, or whose statement (the *ast.ExprStmt or
// *ast.DeferStmt), is n, or nil.
func (l *Locks) Op(n ast.Node) *LockOp { return l.opAt[n] }

// Of returns the lock operations whose innermost function is f.
func (l *Locks) Of(f *Func) []*LockOp { return l.byFunc[f] }

func newLocks(m *Model) *Locks {
	l := &Locks{m: m, opAt: make(map[ast.Node]*LockOp), byFunc: make(map[*Func][]*LockOp), calls: make(map[*Func][]staticCall)}
	uses := false
	for _, s := range m.Info.Selections {
		if s.Obj().Pkg() != nil && s.Obj().Pkg().Path() == "sync" {
			uses = true
			break
		}
	}
	for _, cur := range m.Calls {
		call := cur.Node().(*ast.CallExpr)
		if fn := typeutil.StaticCallee(m.Info, call); fn != nil {
			if callee := m.Decl(fn); callee != nil {
				if f := m.Enclosing(cur); f != nil {
					l.calls[f] = append(l.calls[f], staticCall{call, callee, cur.ParentEdgeKind() == edge.DeferStmt_Call})
				}
			}
		}
		if !uses {
			continue
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			continue
		}
		s := m.Info.Selections[sel]
		meth, ok := MutexMethod(s)
		if !ok || s.Kind() != types.MethodVal {
			continue
		}
		op := &LockOp{Call: call, Sel: sel, Cursor: cur, Method: meth, Selection: s, Func: m.Enclosing(cur)}
		switch p := cur.Parent().Node().(type) {
		case *ast.ExprStmt:
			op.Stmt = p
		case *ast.DeferStmt:
			if cur.ParentEdgeKind() == edge.DeferStmt_Call {
				op.Stmt, op.Deferred = p, true
			}
		}
		if base, fields, ok := m.MutexPath(sel.X); ok {
			fields = append(fields, EmbeddedFields(s.Recv(), s.Index()[:len(s.Index())-1])...)
			op.Base = base
			op.Key = PathKey(base, fields)
			if len(fields) > 0 {
				op.Class = fields[len(fields)-1]
			} else if base.Parent() != nil && base.Parent() == base.Pkg().Scope() {
				op.Class = base
			}
		}
		l.Ops = append(l.Ops, op)
		l.opAt[call] = op
		if op.Stmt != nil {
			l.opAt[op.Stmt] = op
		}
		l.byFunc[op.Func] = append(l.byFunc[op.Func], op)
	}
	return l
}

// MutexMethod classifies a selection of a method of sync.Mutex, sync.RWMutex or
// sync.Locker (promoted through embedding too).
func MutexMethod(s *types.Selection) (LockMethod, bool) {
	if s == nil || (s.Kind() != types.MethodVal && s.Kind() != types.MethodExpr) {
		return 0, false
	}
	fn, _ := s.Obj().(*types.Func)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return 0, false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return 0, false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, _ := t.(*types.Named)
	if named == nil {
		return 0, false
	}
	switch named.Obj().Name() {
	case "Mutex", "RWMutex", "Locker":
	default:
		return 0, false
	}
	k, ok := lockMethods[fn.Name()]
	return k, ok
}

// MutexPath returns the variable and field path that expression e denotes: a variable
// followed by field selections, through parentheses, pointer indirections and &.
func (m *Model) MutexPath(e ast.Expr) (*types.Var, []*types.Var, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return m.MutexPath(e.X)
	case *ast.StarExpr:
		return m.MutexPath(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return m.MutexPath(e.X)
		}
	case *ast.Ident:
		if v, ok := m.Info.Uses[e].(*types.Var); ok && !v.IsField() {
			return v.Origin(), nil, true
		}
	case *ast.SelectorExpr:
		if s, ok := m.Info.Selections[e]; ok {
			if s.Kind() != types.FieldVal {
				return nil, nil, false
			}
			base, fields, ok := m.MutexPath(e.X)
			if !ok {
				return nil, nil, false
			}
			return base, append(fields, EmbeddedFields(s.Recv(), s.Index())...), true
		}
		if v, ok := m.Info.Uses[e.Sel].(*types.Var); ok && !v.IsField() { // pkg.Var
			return v.Origin(), nil, true
		}
	}
	return nil, nil, false
}

// EmbeddedFields returns the fields that the index path selects, starting at type t.
func EmbeddedFields(t types.Type, index []int) []*types.Var {
	var fields []*types.Var
	for _, i := range index {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return nil
		}
		f := st.Field(i)
		fields = append(fields, f.Origin())
		t = f.Type()
	}
	return fields
}

// PathKey identifies a mutex path within the package.
func PathKey(base *types.Var, fields []*types.Var) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%p", base)
	for _, f := range fields {
		fmt.Fprintf(&b, ".%p", f)
	}
	return b.String()
}

// Calls returns the functions of the package that f calls statically (calls in its
// nested function literals belong to the literals).
func (l *Locks) Calls(f *Func) []*Func {
	var out []*Func
	for _, c := range l.calls[f] {
		out = append(out, c.callee)
	}
	return out
}

// A Chain is a path of calls inside the package, from a function to an operation: the
// functions called, in order, and the operation that ends it.
type Chain struct {
	Funcs []*Func
	Op    *LockOp
}

// String formats the chain as the fixers name it: "Get → refresh → c.mu.Lock".
func (c Chain) String() string {
	var parts []string
	for _, f := range c.Funcs {
		parts = append(parts, f.Name())
	}
	parts = append(parts, types.ExprString(c.Op.Sel))
	return strings.Join(parts, " → ")
}

// Reaches returns a chain of calls from f (f included, its nested literals excluded) to
// a lock operation of the class that match reports, or false. Calls are followed through
// the package's functions, depth first, each function once.
func (l *Locks) Reaches(f *Func, match func(*LockOp) bool) (Chain, bool) {
	seen := make(map[*Func]bool)
	var walk func(f *Func, path []*Func) (Chain, bool)
	walk = func(f *Func, path []*Func) (Chain, bool) {
		if seen[f] {
			return Chain{}, false
		}
		seen[f] = true
		path = append(path, f)
		for _, op := range l.byFunc[f] {
			if match(op) {
				return Chain{Funcs: path, Op: op}, true
			}
		}
		for _, c := range l.calls[f] {
			if ch, ok := walk(c.callee, path); ok {
				return ch, true
			}
		}
		return Chain{}, false
	}
	return walk(f, nil)
}

// Name is a function's name for messages: F, T.M, or func literal at line N.
func (f *Func) Name() string {
	if f.Obj == nil {
		return fmt.Sprintf("func literal at line %d", f.m.Fset.Position(f.Node.Pos()).Line)
	}
	if recv := f.Obj.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return n.Obj().Name() + "." + f.Obj.Name()
		}
	}
	return f.Obj.Name()
}
