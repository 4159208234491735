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
	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// syncValueTypes are the sync types that must not be copied once used.
var syncValueTypes = []string{"WaitGroup", "Mutex", "RWMutex", "Once", "Cond"}

// byValueParams returns the indices (in the flattened parameter list) of the parameters
// of sig whose type is one of syncValueTypes.
func byValueParams(sig *types.Signature) []int {
	var idx []int
	for i := 0; i < sig.Params().Len(); i++ {
		if sig.Variadic() && i == sig.Params().Len()-1 {
			continue
		}
		if isSyncType(sig.Params().At(i).Type(), syncValueTypes...) {
			idx = append(idx, i)
		}
	}
	return idx
}

func funcKey(fn *types.Func) string {
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return fn.Pkg().Path() + "." + n.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

// byValue reports sync values passed by value, and makes the parameters pointers: by a
// fix of its own when every reference is in this package, or by Parts for the driver
// when an exported function of an internal package may be called from other packages of
// the module.
func (c *checker) byValue(parts *fixkit.Parts) {
	for _, f := range c.pass.Files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			f := c.m.FuncOf(fd)
			if f == nil {
				continue
			}
			idx := byValueParams(fn.Signature())
			copied := c.copiedParams(f, idx)
			if len(idx)+len(copied) > 0 {
				c.checkByValue(f, fd, fn, idx, copied, parts)
			}
			c.valueReceiver(f, fd, fn)
		}
	}
	c.literalParams()
	c.importedByValueCalls(parts)
}

// checkByValue reports the parameters idx (sync values) and copied (values that hold a
// lock the body uses) of fd, and makes them pointers.
func (c *checker) checkByValue(f *model.Func, fd *ast.FuncDecl, fn *types.Func, idx []int, copied map[int]*ast.CallExpr, parts *fixkit.Parts) {
	params := fn.Signature().Params()
	all := append(slices.Collect(maps.Keys(copied)), idx...)
	slices.Sort(all)
	first := params.At(all[0])
	d := analysis.Diagnostic{
		Pos:     paramIdent(fd.Type.Params, c.info, first),
		Message: c.paramMessage(first, fn.Name(), copied[all[0]], fn.Name()+" works on a copy"),
	}
	if !d.Pos.IsValid() {
		d.Pos = fd.Type.Params.Pos()
	}
	msg := c.pointerMessage(params, all)

	why := c.fieldsAllIn(fd.Type.Params, params, all)
	if why == "" {
		why = c.bodyUses(f, varsAt(params, all), fn, fn.Name())
	}
	internalAPI := fn.Exported() && !c.isMain() && isInternal(c.pass.Pkg.Path()) && fn.Signature().Recv() == nil &&
		!c.namedInIgnoredFile(fn.Name())
	switch {
	case why != "":
	case c.local(fn):
		why = c.refsAreCalls(fn, all, copied)
	case internalAPI && len(copied) > 0:
		// The importers' share (importedByValueCalls) knows only the sync parameters.
		why = "exported: other packages of the module may call " + fn.Name()
	case internalAPI:
		why = c.refsAreCalls(fn, idx, nil)
		if why != "" {
			break
		}
		// Whole-program: the driver assembles this with the call sites of other packages.
		sf, err := fixkit.Build(c.pass, msg, func(fx *fixkit.Fix) error {
			return c.byValueEdits(fx, f, fd.Type.Params, fn, idx)
		})
		if err != nil {
			why = firstLine(err.Error())
			break
		}
		c.reportFix(d, "exported: other packages of the module may call "+fn.Name(), msg, nil)
		parts.List = append(parts.List, fixkit.Part{
			Key: funcKey(fn), Decl: true, Pos: d.Pos, Exported: true, Message: msg, Edits: sf.TextEdits,
		})
		return
	default:
		why = "exported API: callers outside this package would break"
	}
	c.reportFix(d, why, msg, func(fx *fixkit.Fix) error {
		return c.byValueEdits(fx, f, fd.Type.Params, fn, all)
	})
}

// paramMessage is the finding for parameter v of fname passed by value: a sync value
// (lock is nil; copy says what works on the copy), or a value whose lock the call lock
// uses.
func (c *checker) paramMessage(v *types.Var, fname string, lock *ast.CallExpr, copy string) string {
	if lock != nil {
		copy = c.lockCallString(lock) + " " + lockVerb(c.info, lock)
	}
	return fmt.Sprintf("%s parameter %s of %s is passed by value: %s", c.typeString(v.Type()), v.Name(), fname, copy)
}

// pointerMessage is the fix's message for the parameters idx.
func (c *checker) pointerMessage(params *types.Tuple, idx []int) string {
	var names []string
	for _, i := range idx {
		names = append(names, params.At(i).Name())
	}
	if names[0] == "" || names[0] == "_" {
		return "Pass the " + strings.TrimPrefix(c.typeString(params.At(idx[0]).Type()), "sync.") + " by pointer"
	}
	return "Pass " + strings.Join(names, ", ") + " by pointer"
}

func varsAt(params *types.Tuple, idx []int) []*types.Var {
	var vs []*types.Var
	for _, i := range idx {
		vs = append(vs, params.At(i))
	}
	return vs
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func paramIdent(list *ast.FieldList, info *types.Info, v *types.Var) token.Pos {
	for _, f := range list.List {
		for _, n := range f.Names {
			if info.Defs[n] == types.Object(v) {
				return n.Pos()
			}
		}
		if len(f.Names) == 0 && info.TypeOf(f.Type) == v.Type() {
			return f.Type.Pos()
		}
	}
	return token.NoPos
}

// paramFields returns the fields of a parameter list that declare the parameters idx.
func paramFields(list *ast.FieldList, idx []int) []*ast.Field {
	var out []*ast.Field
	i := 0
	for _, f := range list.List {
		n := max(len(f.Names), 1)
		for _, j := range idx {
			if i <= j && j < i+n {
				out = append(out, f)
				break
			}
		}
		i += n
	}
	return out
}

// fieldsAllIn returns why the fields of list that declare the parameters idx cannot
// change their type: each must declare only parameters of idx.
func (c *checker) fieldsAllIn(list *ast.FieldList, params *types.Tuple, idx []int) string {
	for _, f := range paramFields(list, idx) {
		for _, n := range f.Names {
			v, _ := c.info.Defs[n].(*types.Var)
			if v == nil || !slices.Contains(varsAt(params, idx), v) {
				return "a parameter of the same field is not passed by pointer"
			}
		}
	}
	return ""
}

// bodyUses returns why the body of f could not work with pointers instead of the values
// vars (parameters or the receiver of self, named name): each may only be the receiver of
// a method call or method value, the operand of a field selection or of &, or the same
// argument of a recursive call.
func (c *checker) bodyUses(f *model.Func, vars []*types.Var, self *types.Func, name string) string {
	for id := range f.Cursor.Preorder((*ast.Ident)(nil)) {
		n := id.Node().(*ast.Ident)
		v, _ := c.info.Uses[n].(*types.Var)
		if v == nil || !slices.Contains(vars, v) {
			continue
		}
		if c.assigned[v] && !c.onlyAddressTaken(f.Body, v) {
			return v.Name() + " is assigned"
		}
		switch p := id.Parent().Node().(type) {
		case *ast.SelectorExpr:
			if s, ok := c.info.Selections[p]; ok && (s.Kind() == types.MethodVal || s.Kind() == types.FieldVal) && p.X == n {
				continue
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				continue
			}
		case *ast.CallExpr:
			if callee, ok := c.calleeOf(p); ok && self != nil && callee == self {
				if i := argIndex(p, n); i >= 0 && i < self.Signature().Params().Len() && self.Signature().Params().At(i) == v {
					continue
				}
			}
		}
		return v.Name() + " is used as a value in " + name
	}
	return ""
}

// onlyAddressTaken reports whether every assignment-like use of v in body is &v.
func (c *checker) onlyAddressTaken(body *ast.BlockStmt, v *types.Var) bool {
	ok := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, isID := ast.Unparen(l).(*ast.Ident); isID && c.info.Uses[id] == types.Object(v) {
					ok = false
				}
			}
		case *ast.RangeStmt, *ast.IncDecStmt:
			if c.assignedIn(n, v) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func argIndex(call *ast.CallExpr, e ast.Expr) int {
	for i, a := range call.Args {
		if ast.Unparen(a) == e {
			return i
		}
	}
	return -1
}

// calleeOf returns the function a call statically calls.
func (c *checker) calleeOf(call *ast.CallExpr) (*types.Func, bool) {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	var id *ast.Ident
	switch f := fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		if s, ok := c.info.Selections[f]; ok && s.Kind() != types.MethodVal {
			return nil, false // method expression T.m
		}
		id = f.Sel
	default:
		return nil, false
	}
	fn, ok := c.info.Uses[id].(*types.Func)
	if !ok {
		return nil, false
	}
	return fn.Origin(), true
}

// refsAreCalls returns why a reference to fn in this package could not be updated: it
// must be the callee of a call whose arguments for idx can be made pointers.
func (c *checker) refsAreCalls(fn *types.Func, idx []int, copied map[int]*ast.CallExpr) string {
	for _, id := range c.uses[fn] {
		call, ok := c.callOf(id)
		if !ok {
			return fn.Name() + " is used as a value"
		}
		if why := c.pointerCall(id, call, fn.Signature().Params(), idx, copied); why != "" {
			return why
		}
	}
	return ""
}

// pointerCall returns why the arguments idx of call (at cur) could not be made pointers.
// A value that holds data besides its lock (copied) is shared by the pointer: a go or
// defer statement that copied it when it ran would see later changes.
func (c *checker) pointerCall(cur inspector.Cursor, call *ast.CallExpr, params *types.Tuple, idx []int, copied map[int]*ast.CallExpr) string {
	for _, i := range idx {
		if i >= len(call.Args) {
			return "unexpected call"
		}
		if why := c.pointerArg(call.Args[i], params.At(i)); why != "" {
			return why
		}
		if _, ok := copied[i]; !ok {
			continue
		}
		if goOrDeferCall(cur, call) {
			return "the go or defer statement copies " + types.ExprString(call.Args[i]) + " when it runs: with a pointer it would see later changes"
		}
		if why := c.callerLocks(cur, call.Args[i], "the function"); why != "" {
			return why
		}
	}
	return ""
}

// goOrDeferCall reports whether call, an ancestor of cur, is the call of a go or defer
// statement.
func goOrDeferCall(cur inspector.Cursor, call *ast.CallExpr) bool {
	for p := range cur.Enclosing() {
		if p.Node() == call {
			switch s := p.Parent().Node().(type) {
			case *ast.GoStmt:
				return s.Call == call
			case *ast.DeferStmt:
				return s.Call == call
			}
			return false
		}
	}
	return false
}

// callOf returns the call whose callee is the reference (an *ast.Ident) at cur.
func (c *checker) callOf(cur inspector.Cursor) (*ast.CallExpr, bool) {
	id := cur.Node().(*ast.Ident)
	p := cur.Parent()
	if sel, ok := p.Node().(*ast.SelectorExpr); ok && sel.Sel == id {
		if s, ok := c.info.Selections[sel]; ok && s.Kind() != types.MethodVal {
			return nil, false
		}
		p = p.Parent()
	}
	switch p.Node().(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		p = p.Parent()
	}
	for {
		if _, ok := p.Node().(*ast.ParenExpr); !ok {
			break
		}
		p = p.Parent()
	}
	call, ok := p.Node().(*ast.CallExpr)
	if !ok || !contains(call.Fun, id) || call.Ellipsis.IsValid() {
		return nil, false
	}
	return call, true
}

// pointerArg returns why argument a (for parameter param) cannot be passed by pointer.
func (c *checker) pointerArg(a ast.Expr, param *types.Var) string {
	a = ast.Unparen(a)
	if id, ok := a.(*ast.Ident); ok {
		if v, ok := c.info.Uses[id].(*types.Var); ok && v == param {
			return "" // recursive call passing the parameter on
		}
	}
	if _, ok := a.(*ast.StarExpr); ok {
		return ""
	}
	if c.addressable(a) {
		return ""
	}
	return "the argument " + types.ExprString(a) + " is not addressable"
}

// addressable reports whether &e is legal: a variable, a field of an addressable value or
// of a pointer, a slice element, an element of an addressable array, a composite literal.
func (c *checker) addressable(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, ok := c.info.Uses[e].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		s, ok := c.info.Selections[e]
		if !ok {
			_, ok := c.info.Uses[e.Sel].(*types.Var)
			return ok
		}
		if s.Kind() != types.FieldVal {
			return false
		}
		return s.Indirect() || c.addressable(e.X)
	case *ast.IndexExpr:
		switch t := c.info.TypeOf(e.X).Underlying().(type) {
		case *types.Slice:
			return true
		case *types.Array:
			return c.addressable(e.X)
		case *types.Pointer:
			_, isArray := t.Elem().Underlying().(*types.Array)
			return isArray
		}
	case *ast.StarExpr:
		return true
	case *ast.CompositeLit:
		return true
	}
	return false
}

// byValueEdits makes the parameters idx of f (declaring fn, with the parameter list
// list) pointers, updates its body, and updates every call of fn in this package.
func (c *checker) byValueEdits(fx *fixkit.Fix, f *model.Func, list *ast.FieldList, fn *types.Func, idx []int) error {
	c.paramEdits(fx, f, list, varsAt(fn.Signature().Params(), idx), idx)
	for _, id := range c.uses[fn] {
		call, ok := c.callOf(id)
		if !ok {
			return fmt.Errorf("%s is used as a value", fn.Name())
		}
		if err := c.pointerArgs(fx, call, fn.Signature().Params(), idx); err != nil {
			return err
		}
	}
	return nil
}

// paramEdits makes the parameters (or the receiver) idx of list pointers, and &v in the
// body of f, for each of vars, v.
func (c *checker) paramEdits(fx *fixkit.Fix, f *model.Func, list *ast.FieldList, vars []*types.Var, idx []int) {
	for _, field := range paramFields(list, idx) {
		df := fx.Dst(field).(*dst.Field)
		df.Type = &dst.StarExpr{X: df.Type}
	}
	// &p becomes p.
	twins := make(map[dst.Node]bool)
	for cur := range f.Cursor.Preorder((*ast.UnaryExpr)(nil)) {
		u := cur.Node().(*ast.UnaryExpr)
		if id, ok := ast.Unparen(u.X).(*ast.Ident); ok && u.Op == token.AND {
			if v, ok := c.info.Uses[id].(*types.Var); ok && slices.Contains(vars, v) {
				twins[fx.Dst(u)] = true
			}
		}
	}
	if len(twins) == 0 {
		return
	}
	dstutil.Apply(fx.Dst(f.Body), func(cur *dstutil.Cursor) bool {
		if u, ok := cur.Node().(*dst.UnaryExpr); ok && twins[u] {
			x := u.X
			for {
				p, ok := x.(*dst.ParenExpr)
				if !ok {
					break
				}
				x = p.X
			}
			cur.Replace(x)
		}
		return true
	}, nil)
}

// pointerArgs rewrites the arguments idx of call: a becomes &a, *p becomes p.
func (c *checker) pointerArgs(fx *fixkit.Fix, call *ast.CallExpr, params *types.Tuple, idx []int) error {
	dcall := fx.Dst(call).(*dst.CallExpr)
	for _, i := range idx {
		a := ast.Unparen(call.Args[i])
		if why := c.pointerArg(a, params.At(i)); why != "" {
			return fmt.Errorf("%s", why)
		}
		if id, ok := a.(*ast.Ident); ok {
			if v, ok := c.info.Uses[id].(*types.Var); ok && v == params.At(i) {
				continue
			}
		}
		da := dcall.Args[i]
		for {
			p, ok := da.(*dst.ParenExpr)
			if !ok {
				break
			}
			da = p.X
		}
		if s, ok := da.(*dst.StarExpr); ok {
			dcall.Args[i] = s.X
			continue
		}
		dcall.Args[i] = &dst.UnaryExpr{Op: token.AND, X: da}
	}
	return nil
}

// importedByValueCalls contributes the call sites of this package to the whole-program
// fixes of exported functions of internal packages (of other packages) that take sync
// values by value, or vetoes them.
func (c *checker) importedByValueCalls(parts *fixkit.Parts) {
	type site struct {
		calls []*ast.CallExpr
		veto  string
	}
	sites := make(map[*types.Func]*site)
	var order []*types.Func
	for cur := range c.insp.Root().Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		fn, ok := c.info.Uses[id].(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg || !fn.Exported() || fn.Signature().Recv() != nil ||
			!isInternal(fn.Pkg().Path()) {
			continue
		}
		fn = fn.Origin()
		idx := byValueParams(fn.Signature())
		if len(idx) == 0 {
			continue
		}
		s := sites[fn]
		if s == nil {
			s = new(site)
			sites[fn] = s
			order = append(order, fn)
		}
		call, ok := c.callOf(cur)
		if !ok {
			s.veto = fmt.Sprintf("%s is used as a value in package %s", fn.Name(), c.pass.Pkg.Path())
			continue
		}
		for _, i := range idx {
			if i >= len(call.Args) {
				s.veto = "unexpected call"
			} else if why := c.pointerArg(call.Args[i], fn.Signature().Params().At(i)); why != "" {
				s.veto = why + " in package " + c.pass.Pkg.Path()
			}
		}
		s.calls = append(s.calls, call)
	}
	for _, fn := range order {
		s := sites[fn]
		p := fixkit.Part{Key: funcKey(fn), Veto: s.veto}
		if p.Veto == "" {
			idx := byValueParams(fn.Signature())
			sf, err := fixkit.Build(c.pass, "update calls", func(fx *fixkit.Fix) error {
				for _, call := range s.calls {
					if err := c.pointerArgs(fx, call, fn.Signature().Params(), idx); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				p.Veto = firstLine(err.Error())
			} else {
				p.Edits = sf.TextEdits
			}
		}
		parts.List = append(parts.List, p)
	}
}
