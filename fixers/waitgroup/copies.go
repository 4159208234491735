package waitgroup

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// noCopy are the types that must not be copied once used, as go vet's copylocks knows
// them: sync's and sync/atomic's.
var noCopy = map[string][]string{
	"sync":        {"Mutex", "RWMutex", "WaitGroup", "Once", "Cond", "Map", "Pool"},
	"sync/atomic": {"Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Bool", "Value", "Pointer"},
}

func isNoCopy(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return slices.Contains(noCopy[n.Obj().Pkg().Path()], n.Obj().Name())
}

// holdsLock reports whether a value of t holds a noCopy value: t is one, or a struct or
// array that holds one by value (not through a pointer, map, slice or channel), as
// copylocks' lockPath says.
func holdsLock(t types.Type, seen map[types.Type]bool) bool {
	if isNoCopy(t) {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Array:
		return holdsLock(u.Elem(), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if holdsLock(u.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}

// copyCandidate reports whether a parameter of type t, other than the sync values of
// byValueParams, may hold a lock that a copy makes useless: a struct that holds one, or
// a noCopy type itself.
func copyCandidate(t types.Type) bool {
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		return false
	}
	if isNoCopy(t) {
		return true
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok && holdsLock(t, make(map[types.Type]bool))
}

// lockCall returns the first call in f of a method of a noCopy value held by v itself
// (v, v.mu, v.inner.wg, v.locks[0], an embedded Mutex): the call uses the lock of the
// copy.
func (c *checker) lockCall(f *model.Func, v *types.Var) *ast.CallExpr {
	for cur := range f.Cursor.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			continue
		}
		s, ok := c.info.Selections[sel]
		if !ok || s.Kind() != types.MethodVal || !isNoCopy(recvBase(s.Obj())) || viaPointer(s) {
			continue
		}
		if c.heldBy(sel.X, v) {
			return call
		}
	}
	return nil
}

// recvBase returns the receiver type of method obj, without its pointer.
func recvBase(obj types.Object) types.Type {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Signature().Recv() == nil {
		return nil
	}
	t := fn.Signature().Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// viaPointer reports whether selection s goes through a pointer: its operand, or an
// embedded field on the way.
func viaPointer(s *types.Selection) bool {
	if _, ok := s.Recv().Underlying().(*types.Pointer); ok {
		return true
	}
	path := s.Index()[:len(s.Index())-1]
	fields := model.EmbeddedFields(s.Recv(), path)
	if len(fields) != len(path) {
		return true
	}
	for _, f := range fields {
		if _, ok := f.Type().Underlying().(*types.Pointer); ok {
			return true
		}
	}
	return false
}

// heldBy reports whether e denotes storage inside the variable v: v, or fields and
// array elements of it, through no pointer.
func (c *checker) heldBy(e ast.Expr, v *types.Var) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return c.info.Uses[e] == types.Object(v)
	case *ast.SelectorExpr:
		s, ok := c.info.Selections[e]
		return ok && s.Kind() == types.FieldVal && !viaPointer(s) && c.heldBy(e.X, v)
	case *ast.IndexExpr:
		_, isArray := c.info.TypeOf(e.X).Underlying().(*types.Array)
		return isArray && c.heldBy(e.X, v)
	}
	return false
}

// copiedParams returns the parameters of f, other than the sync values idx, that hold a
// lock the body uses (with the first call that uses it): the lock of a copy guards
// nothing, its counter counts nothing the caller sees.
func (c *checker) copiedParams(f *model.Func, idx []int) map[int]*ast.CallExpr {
	params := f.Sig.Params()
	var out map[int]*ast.CallExpr
	for i := range params.Len() {
		v := params.At(i)
		if slices.Contains(idx, i) || (f.Sig.Variadic() && i == params.Len()-1) || !copyCandidate(v.Type()) {
			continue
		}
		if call := c.lockCall(f, v); call != nil {
			if out == nil {
				out = make(map[int]*ast.CallExpr)
			}
			out[i] = call
		}
	}
	return out
}

// lockCallString shows a call of a lock's method: s.mu.Lock(), c.n.Add(...).
func (c *checker) lockCallString(call *ast.CallExpr) string {
	args := "()"
	if len(call.Args) > 0 {
		args = "(...)"
	}
	return types.ExprString(call.Fun) + args
}

// lockVerb says what a call of a lock's method does to the copy.
func lockVerb(info *types.Info, call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(info, call).(*types.Func); ok && strings.Contains(fn.Name(), "Lock") {
		return "locks a copy"
	}
	return "works on a copy"
}

// typeString writes t qualified by package names, relative to this package.
func (c *checker) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == c.pass.Pkg {
			return ""
		}
		return p.Name()
	})
}

// ---- parameters of function literals ----

// literalParams reports the sync values, and the values whose lock the body uses, that
// are parameters of function literals. A literal called where it is written (plain, go,
// defer) is fixed with its call: the parameter becomes a pointer, the argument a
// becomes &a (*p becomes p), &p in the body becomes p.
func (c *checker) literalParams() {
	for _, f := range c.m.Funcs {
		lit, ok := f.Node.(*ast.FuncLit)
		if !ok || f.Sig == nil {
			continue
		}
		idx := byValueParams(f.Sig)
		copied := c.copiedParams(f, idx)
		if len(idx)+len(copied) == 0 {
			continue
		}
		params := f.Sig.Params()
		all := append(slices.Collect(maps.Keys(copied)), idx...)
		slices.Sort(all)
		var call *ast.CallExpr
		if f.Cursor.ParentEdgeKind() == edge.CallExpr_Fun {
			call = f.Cursor.Parent().Node().(*ast.CallExpr)
		}
		copy := "the literal works on a copy"
		if call != nil && goOrDeferCall(f.Cursor, call) && f.IsGoroutine() {
			copy = "the goroutine works on a copy"
		}
		first := params.At(all[0])
		d := diagnostic(paramIdent(lit.Type.Params, c.info, first), c.paramMessage(first, "func literal", copied[all[0]], copy))
		why := c.fieldsAllIn(lit.Type.Params, params, all)
		if why == "" {
			why = c.bodyUses(f, varsAt(params, all), nil, "the literal")
		}
		switch {
		case why != "":
		case call == nil:
			why = "the literal is used as a value"
		case call.Ellipsis.IsValid():
			why = "unexpected call"
		default:
			why = c.pointerCall(f.Cursor, call, params, all, copied)
			if why == "" {
				why = c.copiedArg(f, call, all)
			}
		}
		c.reportFix(d, why, c.pointerMessage(params, all), func(fx *fixkit.Fix) error {
			c.paramEdits(fx, f, lit.Type.Params, varsAt(params, all), all)
			return c.pointerArgs(fx, call, params, all)
		})
	}
}

// copiedArg returns why the arguments idx of the call of a literal should stay: one is a
// parameter of the enclosing function that is passed by value itself. That function is
// reported; once it takes a pointer, the literal's fix passes the pointer on, where &p
// now would have to become p again.
func (c *checker) copiedArg(f *model.Func, call *ast.CallExpr, idx []int) string {
	for _, i := range idx {
		id, ok := ast.Unparen(call.Args[i]).(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || !isSyncType(v.Type(), syncValueTypes...) && !copyCandidate(v.Type()) {
			continue
		}
		for o := f.Outer; o != nil; o = o.Outer {
			if o.Sig != nil && slices.Contains(slices.Collect(o.Sig.Params().Variables()), v) {
				return "the argument " + v.Name() + " is a parameter passed by value itself"
			}
		}
	}
	return ""
}

// ---- value receivers of types that hold a lock ----

// reflective are the methods that code calls on values it receives as interfaces,
// through reflection or type assertions: fmt's, encoding's, database/sql's, errors'.
var reflective = []string{"String", "Error", "Format", "GoString", "Value", "Scan", "Unwrap", "Is", "As"}

func isReflective(name string) bool {
	return slices.Contains(reflective, name) || strings.HasPrefix(name, "Marshal") ||
		strings.HasPrefix(name, "Unmarshal") || strings.HasPrefix(name, "Append")
}

// valueReceiver reports a method with a value receiver whose type holds a lock that the
// method uses through the receiver: it locks (counts, waits on) a copy. The fix makes
// the receiver a pointer, when nothing can tell the method sets apart.
func (c *checker) valueReceiver(f *model.Func, fd *ast.FuncDecl, fn *types.Func) {
	recv := fn.Signature().Recv()
	if recv == nil || fd.Recv == nil || len(fd.Recv.List) != 1 || recv.Name() == "" || recv.Name() == "_" {
		return
	}
	if _, ok := recv.Type().(*types.Pointer); ok {
		return
	}
	named, ok := types.Unalias(recv.Type()).(*types.Named)
	if !ok || !holdsLock(recv.Type(), make(map[types.Type]bool)) {
		return
	}
	call := c.lockCall(f, recv)
	if call == nil {
		return
	}
	tname := named.Obj().Name()
	d := diagnostic(fd.Recv.List[0].Type.Pos(), fmt.Sprintf("%s.%s has a value receiver: %s %s of the %s",
		tname, fn.Name(), c.lockCallString(call), lockVerb(c.info, call), tname))
	why := c.receiverWhy(f, fn, named)
	c.reportFix(d, why, "Use a pointer receiver", func(fx *fixkit.Fix) error {
		c.paramEdits(fx, f, fd.Recv, []*types.Var{recv}, []int{0})
		return nil
	})
}

// receiverWhy returns why the receiver of method fn (of type named, with body f) cannot
// become a pointer.
func (c *checker) receiverWhy(f *model.Func, fn *types.Func, named *types.Named) string {
	tname := named.Obj().Name()
	switch {
	case named.Obj().Exported() && !c.isMain():
		return "exported API: the method set of " + tname + " would change"
	case isReflective(fn.Name()):
		return fn.Name() + " may be called through reflection on " + tname + " values"
	case c.namedInIgnoredFile(fn.Name()):
		return "a file excluded by the build may call " + fn.Name()
	}
	if why := c.bodyUses(f, []*types.Var{fn.Signature().Recv()}, fn, fn.Name()); why != "" {
		return why
	}
	for _, cur := range c.uses[fn.Origin()] {
		if why := c.receiverCall(cur, fn); why != "" {
			return why
		}
	}
	if why := c.valueMethodSetUsed(fn); why != "" {
		return why
	}
	return ""
}

// receiverCall returns why the reference to method fn at cur would not work the same
// with a pointer receiver: it must be the callee of a call, not in a go or defer
// statement, on a pointer or an addressable value.
func (c *checker) receiverCall(cur inspector.Cursor, fn *types.Func) string {
	sel, ok := cur.Parent().Node().(*ast.SelectorExpr)
	if !ok || sel.Sel != cur.Node() {
		return fn.Name() + " is used as a value"
	}
	if s, ok := c.info.Selections[sel]; !ok || s.Kind() != types.MethodVal {
		return "the method expression " + types.ExprString(sel) + " is used"
	}
	call, ok := c.callOf(cur)
	if !ok {
		return "the method value " + types.ExprString(sel) + " is used"
	}
	if goOrDeferCall(cur, call) {
		return "the go or defer statement copies " + types.ExprString(sel.X) + " when it runs: with a pointer it would see later changes"
	}
	if _, ptr := c.info.TypeOf(sel.X).Underlying().(*types.Pointer); !ptr && !c.addressable(sel.X) {
		return "the receiver " + types.ExprString(sel.X) + " is not addressable"
	}
	return c.callerLocks(cur, sel.X, "the method")
}

// callerLocks returns why the value x, at cur, should not be shared with the function
// called there (what): the caller locks a mutex of the same variable and may hold it
// during the call, where the function, which locked a copy, would lock it again.
func (c *checker) callerLocks(cur inspector.Cursor, x ast.Expr, what string) string {
	base, _, ok := c.m.MutexPath(x)
	if !ok {
		return ""
	}
	if f := c.m.Enclosing(cur); f != nil {
		for _, op := range c.m.Locks().Of(f) {
			if op.Base == base && op.Method.Acquires() {
				return "the caller locks " + types.ExprString(op.Sel.X) + " too: with a pointer " + what + " could lock it again"
			}
		}
	}
	return ""
}

// valueMethodSetUsed returns why the method set of a value that has fn (without a
// pointer) may matter: such a value is converted to an interface (or to anything this
// check does not follow), is a type argument, or may leave the package.
func (c *checker) valueMethodSetUsed(fn *types.Func) string {
	var msets typeutil.MethodSetCache
	has := func(t types.Type) bool {
		if t == nil || types.IsInterface(t) {
			return false
		}
		if _, ok := t.Underlying().(*types.Pointer); ok {
			return false
		}
		s := msets.MethodSet(t).Lookup(fn.Pkg(), fn.Name())
		if s == nil || s.Obj().(*types.Func).Origin() != fn.Origin() {
			return false
		}
		return !viaPointer(s)
	}
	for _, inst := range c.info.Instances {
		for t := range inst.TypeArgs.Types() {
			if has(t) {
				return c.typeString(t) + " is a type argument"
			}
		}
	}
	for cur := range c.insp.Root().Preorder() {
		e, ok := cur.Node().(ast.Expr)
		if !ok {
			continue
		}
		tv, ok := c.info.Types[e]
		if !ok || tv.IsType() || !has(tv.Type) {
			continue
		}
		if dest, ok := c.destType(cur); !ok {
			return "a value of type " + c.typeString(tv.Type) + " is used where this check cannot follow it: " + types.ExprString(e)
		} else if dest != nil && (types.IsInterface(dest) || isTypeParam(dest)) {
			return "a value of type " + c.typeString(tv.Type) + " is converted to an interface: " + types.ExprString(e)
		}
	}
	if !c.isMain() {
		scope := c.pass.Pkg.Scope()
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if obj.Exported() && mentions(obj.Type(), has, make(map[types.Type]bool)) {
				return "a value of type " + c.typeString(fn.Signature().Recv().Type()) + " may leave the package through " + name
			}
		}
	}
	return ""
}

func isTypeParam(t types.Type) bool {
	_, ok := types.Unalias(t).(*types.TypeParam)
	return ok
}

// mentions reports whether a value of a type that has passes can be reached from type t
// in another package: t, its elements, the exported fields of its structs and the
// signatures of its functions and exported methods.
func mentions(t types.Type, has func(types.Type) bool, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	if has(t) {
		return true
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		for m := range n.Methods() {
			if m.Exported() && mentions(m.Type(), has, seen) {
				return true
			}
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		return mentions(u.Elem(), has, seen)
	case *types.Slice:
		return mentions(u.Elem(), has, seen)
	case *types.Array:
		return mentions(u.Elem(), has, seen)
	case *types.Chan:
		return mentions(u.Elem(), has, seen)
	case *types.Map:
		return mentions(u.Key(), has, seen) || mentions(u.Elem(), has, seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if u.Field(i).Exported() && mentions(u.Field(i).Type(), has, seen) {
				return true
			}
		}
	case *types.Signature:
		for _, tup := range []*types.Tuple{u.Params(), u.Results()} {
			for v := range tup.Variables() {
				if mentions(v.Type(), has, seen) {
					return true
				}
			}
		}
	}
	return false
}

// destType returns the type that the value of the expression at cur is converted to by
// its context: nil when it is not assigned or passed anywhere (x.f, &x, x[i], a
// statement); ok is false for a context this check does not follow.
func (c *checker) destType(cur inspector.Cursor) (dest types.Type, ok bool) {
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	kind, i := cur.ParentEdge()
	parent := cur.Parent().Node()
	typeOf := func(e ast.Expr) (types.Type, bool) {
		if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
			return nil, true
		}
		t := c.info.TypeOf(e)
		return t, t != nil
	}
	switch kind {
	case edge.SelectorExpr_X, edge.UnaryExpr_X, edge.IndexExpr_X, edge.IndexListExpr_X, edge.SliceExpr_X,
		edge.RangeStmt_X, edge.ExprStmt_X, edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key,
		edge.RangeStmt_Value, edge.StarExpr_X, edge.CallExpr_Fun, edge.TypeAssertExpr_X:
		return nil, true
	case edge.AssignStmt_Rhs:
		a := parent.(*ast.AssignStmt)
		if len(a.Lhs) != len(a.Rhs) {
			return nil, false
		}
		return typeOf(a.Lhs[i])
	case edge.ValueSpec_Values:
		vs := parent.(*ast.ValueSpec)
		if len(vs.Names) != len(vs.Values) {
			return nil, false
		}
		return typeOf(vs.Names[i])
	case edge.CallExpr_Args:
		call := parent.(*ast.CallExpr)
		tv := c.info.Types[call.Fun]
		if tv.IsType() {
			return tv.Type, true
		}
		sig, ok := tv.Type.Underlying().(*types.Signature)
		if !ok || sig.Params().Len() == 0 {
			return nil, false
		}
		if sig.Variadic() && i >= sig.Params().Len()-1 {
			last := sig.Params().At(sig.Params().Len() - 1).Type()
			if call.Ellipsis.IsValid() {
				return last, true
			}
			if s, ok := last.Underlying().(*types.Slice); ok {
				return s.Elem(), true
			}
			return nil, false // append([]byte, string...)
		}
		if i >= sig.Params().Len() {
			return nil, false
		}
		return sig.Params().At(i).Type(), true
	case edge.ReturnStmt_Results:
		fn := c.m.Enclosing(cur)
		ret := parent.(*ast.ReturnStmt)
		if fn == nil || fn.Sig == nil || fn.Sig.Results().Len() != len(ret.Results) {
			return nil, false
		}
		return fn.Sig.Results().At(i).Type(), true
	case edge.SendStmt_Value:
		if ch, ok := c.info.TypeOf(parent.(*ast.SendStmt).Chan).Underlying().(*types.Chan); ok {
			return ch.Elem(), true
		}
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		b := parent.(*ast.BinaryExpr)
		other := b.Y
		if kind == edge.BinaryExpr_Y {
			other = b.X
		}
		return typeOf(other)
	case edge.IndexExpr_Index:
		if m, ok := c.info.TypeOf(parent.(*ast.IndexExpr).X).Underlying().(*types.Map); ok {
			return m.Key(), true
		}
	case edge.CompositeLit_Elts:
		return elemType(c.info.TypeOf(parent.(*ast.CompositeLit)), i, nil)
	case edge.KeyValueExpr_Value, edge.KeyValueExpr_Key:
		kv := parent.(*ast.KeyValueExpr)
		lit, ok := cur.Parent().Parent().Node().(*ast.CompositeLit)
		if !ok {
			return nil, false
		}
		t := c.info.TypeOf(lit)
		if kind == edge.KeyValueExpr_Key {
			if m, ok := t.Underlying().(*types.Map); ok {
				return m.Key(), true
			}
			return nil, false
		}
		return elemType(t, -1, kv.Key)
	}
	return nil, false
}

// elemType returns the type of the element i (or with the field name key) of a
// composite literal of type t.
func elemType(t types.Type, i int, key ast.Expr) (types.Type, bool) {
	if t == nil {
		return nil, false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok { // &T{...} elided in []*T{{...}}
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		if id, ok := key.(*ast.Ident); ok {
			for f := range u.Fields() {
				if f.Name() == id.Name {
					return f.Type(), true
				}
			}
			return nil, false
		}
		if key == nil && i >= 0 && i < u.NumFields() {
			return u.Field(i).Type(), true
		}
	case *types.Slice:
		return u.Elem(), true
	case *types.Array:
		return u.Elem(), true
	case *types.Map:
		return u.Elem(), true
	}
	return nil, false
}

func diagnostic(pos token.Pos, msg string) analysis.Diagnostic {
	return analysis.Diagnostic{Pos: pos, Message: msg}
}
