package waitgroup

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

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
			if idx := byValueParams(fn.Signature()); len(idx) > 0 {
				c.checkByValue(fd, fn, idx, parts)
			}
		}
	}
	c.importedByValueCalls(parts)
}

func (c *checker) checkByValue(fd *ast.FuncDecl, fn *types.Func, idx []int, parts *fixkit.Parts) {
	params := fn.Signature().Params()
	first := params.At(idx[0])
	var names []string
	for _, i := range idx {
		names = append(names, params.At(i).Name())
	}
	t := strings.TrimPrefix(types.TypeString(first.Type(), nil), "")
	d := analysis.Diagnostic{
		Pos:     paramIdent(fd, c.info, first),
		Message: fmt.Sprintf("%s parameter %s of %s is passed by value: %s works on a copy", t, first.Name(), fn.Name(), fn.Name()),
	}
	if !d.Pos.IsValid() {
		d.Pos = fd.Type.Params.Pos()
	}
	msg := "Pass " + strings.Join(names, ", ") + " by pointer"
	if names[0] == "" || names[0] == "_" {
		msg = "Pass the " + strings.TrimPrefix(t, "sync.") + " by pointer"
	}

	why := c.bodyUses(fd, fn, idx)
	internalAPI := fn.Exported() && !c.isMain() && isInternal(c.pass.Pkg.Path()) && fn.Signature().Recv() == nil &&
		!c.namedInIgnoredFile(fn.Name())
	switch {
	case why != "":
	case c.local(fn):
		why = c.refsAreCalls(fn, idx)
	case internalAPI:
		why = c.refsAreCalls(fn, idx)
		if why != "" {
			break
		}
		// Whole-program: the driver assembles this with the call sites of other packages.
		sf, err := fixkit.Build(c.pass, msg, func(fx *fixkit.Fix) error {
			return c.byValueEdits(fx, fd, fn, idx)
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
		return c.byValueEdits(fx, fd, fn, idx)
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func paramIdent(fd *ast.FuncDecl, info *types.Info, v *types.Var) token.Pos {
	for _, f := range fd.Type.Params.List {
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

// paramFields returns the fields of fd's parameter list that declare the parameters idx.
func paramFields(fd *ast.FuncDecl, idx []int) []*ast.Field {
	var out []*ast.Field
	i := 0
	for _, f := range fd.Type.Params.List {
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

// bodyUses returns why the body of fd could not work with pointers instead of the
// values: each parameter may only be the receiver of a method call or method value, the
// operand of &, or the same argument of a recursive call.
func (c *checker) bodyUses(fd *ast.FuncDecl, fn *types.Func, idx []int) string {
	params := fn.Signature().Params()
	for _, f := range paramFields(fd, idx) {
		for _, n := range f.Names {
			v, _ := c.info.Defs[n].(*types.Var)
			if v == nil || !isSyncType(v.Type(), syncValueTypes...) {
				return "a parameter of the same field is not a sync value"
			}
		}
		if len(f.Names) == 0 && !isSyncType(c.info.TypeOf(f.Type), syncValueTypes...) {
			return "unexpected parameter"
		}
	}
	isParam := func(obj types.Object) (int, bool) {
		for _, i := range idx {
			if params.At(i) == obj {
				return i, true
			}
		}
		return 0, false
	}
	why := ""
	cur, _ := c.m.FuncOf(fd).Cursor.FindNode(fd.Body)
	for id := range cur.Preorder((*ast.Ident)(nil)) {
		n := id.Node().(*ast.Ident)
		i, ok := isParam(c.info.Uses[n])
		if !ok {
			continue
		}
		if c.assigned[params.At(i)] && !c.onlyAddressTaken(fd.Body, params.At(i)) {
			return params.At(i).Name() + " is assigned"
		}
		parent := id.Parent().Node()
		switch p := parent.(type) {
		case *ast.SelectorExpr:
			if s, ok := c.info.Selections[p]; ok && s.Kind() == types.MethodVal && p.X == n {
				continue
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				continue
			}
		case *ast.CallExpr:
			if callee, ok := c.calleeOf(p); ok && callee == fn && argIndex(p, n) == i {
				continue
			}
		}
		why = params.At(i).Name() + " is used as a value in " + fn.Name()
		break
	}
	return why
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
func (c *checker) refsAreCalls(fn *types.Func, idx []int) string {
	for _, id := range c.uses[fn] {
		call, ok := c.callOf(id)
		if !ok {
			return fn.Name() + " is used as a value"
		}
		for _, i := range idx {
			if i >= len(call.Args) {
				return "unexpected call"
			}
			if why := c.pointerArg(call.Args[i], fn, i); why != "" {
				return why
			}
		}
	}
	return ""
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

// pointerArg returns why argument a (for parameter i of fn) cannot be passed by pointer.
func (c *checker) pointerArg(a ast.Expr, fn *types.Func, i int) string {
	a = ast.Unparen(a)
	if id, ok := a.(*ast.Ident); ok {
		if v, ok := c.info.Uses[id].(*types.Var); ok && v == fn.Signature().Params().At(i) {
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

// byValueEdits makes the parameters idx of fd pointers, updates its body, and updates
// every call of fn in this package.
func (c *checker) byValueEdits(fx *fixkit.Fix, fd *ast.FuncDecl, fn *types.Func, idx []int) error {
	params := fn.Signature().Params()
	for _, f := range paramFields(fd, idx) {
		df := fx.Dst(f).(*dst.Field)
		df.Type = &dst.StarExpr{X: df.Type}
	}
	// &p becomes p.
	var addrs []ast.Node
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.AND {
			if id, ok := ast.Unparen(u.X).(*ast.Ident); ok {
				for _, i := range idx {
					if c.info.Uses[id] == types.Object(params.At(i)) {
						addrs = append(addrs, u)
					}
				}
			}
		}
		return true
	})
	if len(addrs) > 0 {
		twins := make(map[dst.Node]bool)
		for _, a := range addrs {
			twins[fx.Dst(a)] = true
		}
		dstutil.Apply(fx.Dst(fd.Body), func(cur *dstutil.Cursor) bool {
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
	for _, id := range c.uses[fn] {
		call, ok := c.callOf(id)
		if !ok {
			return fmt.Errorf("%s is used as a value", fn.Name())
		}
		if err := c.pointerArgs(fx, call, fn, idx); err != nil {
			return err
		}
	}
	return nil
}

// pointerArgs rewrites the arguments idx of call: a becomes &a, *p becomes p.
func (c *checker) pointerArgs(fx *fixkit.Fix, call *ast.CallExpr, fn *types.Func, idx []int) error {
	dcall := fx.Dst(call).(*dst.CallExpr)
	for _, i := range idx {
		a := ast.Unparen(call.Args[i])
		if why := c.pointerArg(a, fn, i); why != "" {
			return fmt.Errorf("%s", why)
		}
		if id, ok := a.(*ast.Ident); ok {
			if v, ok := c.info.Uses[id].(*types.Var); ok && fn.Pkg() == c.pass.Pkg && v == fn.Signature().Params().At(i) {
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
		decs := da.Decorations()
		if s, ok := da.(*dst.StarExpr); ok {
			dcall.Args[i] = s.X
			continue
		}
		_ = decs
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
			} else if why := c.pointerArg(call.Args[i], fn, i); why != "" {
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
					if err := c.pointerArgs(fx, call, fn, idx); err != nil {
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
