package lostcancel

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// checkOwner reports a release function kept in a field that is called, but only by code
// that does not run when the owner's life ends: an error path of the constructor, the
// failure branch of the goroutine that uses the context, a restart that replaces it. It
// stays silent when any call may run at the end of life or because of it: a call in the
// end-of-life method or in what it calls (transitively, in the package, bounded), a call
// that runs whenever its function returns (a goroutine's defer t.cancel(), whose end the
// end-of-life method may bring about), a call under a condition that depends on state the
// end-of-life method touches (a stop channel it closes, a connection it closes, a flag
// it sets), a call in a function that may run from anywhere (a callback, a method
// value); and when the owner has no end-of-life method.
func (a *analyzer) checkOwner(k *kept) {
	for _, d := range k.ds {
		if d.Callee.Pkg().Path() == "os/signal" {
			return // report-only, and only when nothing calls it (reportKept)
		}
	}
	for _, d := range k.ds {
		if f := d.Func; f == nil || len(d.Call.Args) == 0 || a.ofField(k, f, d.Call.Args[0], 2) {
			return // the parent may be the owner's own context, which its end of life cancels
		}
	}
	end := a.lifeEnd(k)
	if end.decl == nil {
		return
	}
	r := a.reach(end.fn)
	if r == nil {
		return
	}
	for _, c := range k.calls {
		if !a.awayFromEnd(k, c, r) {
			return
		}
	}
	d := analysis.Diagnostic{
		Pos: k.ds[0].Call.Pos(),
		End: k.ds[0].Call.End(),
		Message: fmt.Sprintf("cancel function returned by %s is kept in %s, which %s.%s never calls: the context lives on after %s",
			k.what(), k.name(), k.owner.Obj().Name(), end.name, end.name),
	}
	for _, other := range k.ds[1:] {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: other.Call.Pos(), Message: "kept there too"})
	}
	for _, c := range k.calls {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: c.Node().Pos(), Message: "called only here, which " + end.name + " does not run"})
	}
	a.release(k, d, end)
}

// reached is what an end-of-life method runs: the functions of the package it calls or
// refers to, transitively (their nested literals too), the fields they refer to (but
// mutexes, wait groups and onces), and the names of the interface methods they call.
type reached struct {
	funcs  map[*model.Func]bool
	fields map[*types.Var]bool
	iface  map[string]bool
}

// maxReach bounds the functions followed from an end-of-life method.
const maxReach = 200

// reach returns what fn runs, or nil past maxReach functions.
func (a *analyzer) reach(fn *model.Func) *reached {
	info := a.pass.TypesInfo
	r := &reached{funcs: map[*model.Func]bool{fn: true}, fields: map[*types.Var]bool{}, iface: map[string]bool{}}
	queue := []*model.Func{fn}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		ast.Inspect(f.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				if lit := a.m.FuncOf(n); lit != nil {
					r.funcs[lit] = true
				}
			case *ast.Ident:
				if obj, ok := info.Uses[n].(*types.Func); ok {
					if g := a.m.Decl(obj); g != nil && !r.funcs[g] {
						r.funcs[g] = true
						queue = append(queue, g)
					}
				}
			case *ast.SelectorExpr:
				s := info.Selections[n]
				if s == nil {
					break
				}
				switch s.Kind() {
				case types.FieldVal:
					if v, ok := s.Obj().(*types.Var); ok && !isSyncType(v.Type(), "Mutex", "RWMutex", "WaitGroup", "Once") {
						r.fields[v.Origin()] = true
					}
				case types.MethodVal:
					if types.IsInterface(s.Recv()) {
						r.iface[s.Obj().Name()] = true
					}
				}
			}
			return true
		})
		if len(r.funcs) > maxReach {
			return nil
		}
	}
	return r
}

// awayFromEnd reports whether the release call at c runs only away from the end of k's
// owner's life (see checkOwner), in which case it releases nothing when the end comes.
func (a *analyzer) awayFromEnd(k *kept, c inspector.Cursor, r *reached) bool {
	inner := a.m.Enclosing(c)
	if inner == nil {
		return false
	}
	f := inner
	conditional := false
	guards := func(es ...ast.Node) bool { // the condition depends on the end of life
		for _, e := range es {
			if e != nil && a.dependsOn(k, f, e, r, 2) {
				return true
			}
		}
		return false
	}
walk:
	for cur := c; ; cur = cur.Parent() {
		p := cur.Parent()
		if !p.Valid() {
			return false
		}
		switch n := p.Node().(type) {
		case *ast.IfStmt:
			switch cur.ParentEdgeKind() {
			case edge.IfStmt_Body:
				if n.Init == nil && a.nilGuard(n.Cond, k.field) {
					continue
				}
			case edge.IfStmt_Else:
			default:
				continue
			}
			conditional = true
			if guards(n.Init, n.Cond) {
				return false
			}
		case *ast.CaseClause:
			conditional = true
			var tag, init ast.Node
			switch sw := p.Parent().Parent().Node().(type) {
			case *ast.SwitchStmt:
				if sw.Tag != nil {
					tag = sw.Tag
				}
				if sw.Init != nil {
					init = sw.Init
				}
			case *ast.TypeSwitchStmt:
				tag = sw.Assign
				if sw.Init != nil {
					init = sw.Init
				}
			}
			if guards(tag, init) {
				return false
			}
			for _, e := range n.List {
				if guards(e) {
					return false
				}
			}
		case *ast.CommClause:
			if cur.ParentEdgeKind() != edge.CommClause_Body {
				continue
			}
			conditional = true
			if !a.independentComm(n.Comm, r) {
				return false
			}
		case *ast.ForStmt:
			if cur.ParentEdgeKind() != edge.ForStmt_Body {
				continue
			}
			conditional = true
			if n.Cond != nil && guards(n.Cond) {
				return false
			}
		case *ast.RangeStmt:
			if cur.ParentEdgeKind() != edge.RangeStmt_Body {
				continue
			}
			conditional = true
			if guards(n.X) {
				return false
			}
		case *ast.FuncLit:
			lit := a.m.FuncOf(n)
			if lit == nil || r.funcs[lit] {
				return false
			}
			if model.GoStmtOf(p) != nil {
				break walk // a goroutine of its own
			}
			if p.ParentEdgeKind() == edge.CallExpr_Fun || a.onceDo(p) {
				f = a.m.Enclosing(p.Parent()) // runs where it is called, or deferred
				if f == nil {
					return false
				}
				continue
			}
			return false // a callback: it may run at any time
		case *ast.FuncDecl:
			fn := a.m.FuncOf(n)
			if fn == nil || r.funcs[fn] || a.valueRef(fn) {
				return false
			}
			if fn.Sig.Recv() != nil && r.iface[fn.Obj.Name()] {
				return false // the end of life may call it through an interface
			}
			break walk
		}
	}
	if !conditional && !a.replaced(k, inner, c) {
		return false // it releases the context whenever its function returns
	}
	return true
}

// nilGuard reports whether cond is field != nil (t.cancel != nil).
func (a *analyzer) nilGuard(cond ast.Expr, field *types.Var) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.NEQ {
		return false
	}
	x := b.X
	if isNil(a.pass.TypesInfo, x) {
		x = b.Y
	} else if !isNil(a.pass.TypesInfo, b.Y) {
		return false
	}
	sel, ok := ast.Unparen(x).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := a.pass.TypesInfo.Selections[sel]
	return s != nil && s.Kind() == types.FieldVal && s.Obj().(*types.Var).Origin() == field
}

// onceDo reports whether the literal at c is the argument of a sync.Once's Do, which runs
// it where Do is called.
func (a *analyzer) onceDo(c inspector.Cursor) bool {
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return false
	}
	fn, ok := typeutil.Callee(a.pass.TypesInfo, c.Parent().Node().(*ast.CallExpr)).(*types.Func)
	if !ok || fn.Name() != "Do" || fn.Signature().Recv() == nil {
		return false
	}
	return isSyncType(fn.Signature().Recv().Type(), "Once")
}

// valueRef reports whether the declared function fn is referred to other than by calling
// it or starting it: a method value or a function value may run from anywhere.
func (a *analyzer) valueRef(fn *model.Func) bool {
	if fn.Obj == nil {
		return true
	}
	for cur := range a.m.Inspector.Root().Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		obj, ok := a.pass.TypesInfo.Uses[id].(*types.Func)
		if !ok || obj.Origin() != fn.Obj {
			continue
		}
		at := cur
		if at.ParentEdgeKind() == edge.SelectorExpr_Sel {
			at = at.Parent()
		}
		if at.ParentEdgeKind() == edge.IndexExpr_X || at.ParentEdgeKind() == edge.IndexListExpr_X {
			at = at.Parent()
		}
		if at.ParentEdgeKind() != edge.CallExpr_Fun {
			return true
		}
	}
	return false
}

// replaced reports whether the function of the call at c assigns the field after it (a
// restart: t.cancel(); t.ctx, t.cancel = context.WithCancel(...)), so that the call
// releases an old context, not the one the owner ends with.
func (a *analyzer) replaced(k *kept, f *model.Func, c inspector.Cursor) bool {
	root := f.Root()
	pos := c.Node().Pos()
	for _, s := range k.stores {
		if g := a.m.Enclosing(s); g != nil && g.Root() == root && s.Node().Pos() > pos {
			return true
		}
	}
	for _, d := range k.ds {
		if d.Func != nil && d.Func.Root() == root && d.Call.Pos() > pos {
			return true
		}
	}
	return false
}

// independentComm reports whether a select case's communication cannot be brought about
// by the end-of-life method: a receive from a timer's or ticker's channel, from
// time.After or time.Tick, from a context's Done, or from a field's channel that the
// method does not refer to; and the default case.
func (a *analyzer) independentComm(comm ast.Stmt, r *reached) bool {
	info := a.pass.TypesInfo
	if comm == nil {
		return true
	}
	operand := model.RecvOperand(comm)
	if operand == nil {
		return false
	}
	switch ch := ast.Unparen(operand).(type) {
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(info, ch).(*types.Func)
		if fn == nil {
			return false
		}
		if model.IsContextMethod(fn, "Done") {
			return true
		}
		return fn.Pkg() != nil && fn.Pkg().Path() == "time" && fn.Signature().Recv() == nil && (fn.Name() == "After" || fn.Name() == "Tick")
	case *ast.SelectorExpr:
		s := info.Selections[ch]
		if s == nil || s.Kind() != types.FieldVal {
			return false
		}
		v := s.Obj().(*types.Var)
		if v.Pkg() != nil && v.Pkg().Path() == "time" && v.Name() == "C" {
			return true
		}
		return v.Pkg() == a.pass.Pkg && !r.fields[v.Origin()]
	}
	return false
}

// dependsOn reports whether the condition e, in f, may change because of the end-of-life
// method: it receives from a channel, or refers to a field the method refers to, directly,
// through the values assigned to the local variables it names, or through the functions
// of the package it calls (depth levels deep).
func (a *analyzer) dependsOn(k *kept, f *model.Func, e ast.Node, r *reached, depth int) bool {
	info := a.pass.TypesInfo
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		case *ast.SelectorExpr:
			if s := info.Selections[n]; s != nil && s.Kind() == types.FieldVal {
				if v := s.Obj().(*types.Var).Origin(); v != k.field && r.fields[v] {
					found = true
				}
			}
		case *ast.Ident:
			switch obj := info.Uses[n].(type) {
			case *types.Var:
				if depth > 0 && !obj.IsField() && f != nil && inside(f.Root().Node, obj.Pos()) {
					for _, rhs := range a.assignedTo(f.Root(), obj) {
						if a.dependsOn(k, f, rhs, r, depth-1) {
							found = true
						}
					}
				}
			case *types.Func:
				if g := a.m.Decl(obj); g != nil && depth > 0 && a.dependsOn(k, g, g.Body, r, depth-1) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// ofField reports whether the expression e, in f, refers to a field of k's owner or of
// a component (a value with an end-of-life method), directly, through the values
// assigned to the local variables it names, or through the functions of the package it
// calls (depth levels deep): etcd's lessor derives each keepalive stream's context from
// l.stopCtx, which Close cancels with l.stopCancel, so the stream's cancel need not be
// called there. A field of an options or config value (ops.ctx, cfg.Context) is not one.
func (a *analyzer) ofField(k *kept, f *model.Func, e ast.Node, depth int) bool {
	info := a.pass.TypesInfo
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if s := info.Selections[n]; s != nil && s.Kind() == types.FieldVal && a.component(k, s.Recv()) {
				found = true
			}
		case *ast.Ident:
			switch obj := info.Uses[n].(type) {
			case *types.Var:
				if depth > 0 && !obj.IsField() && inside(f.Root().Node, obj.Pos()) {
					for _, rhs := range a.assignedTo(f.Root(), obj) {
						found = found || a.ofField(k, f, rhs, depth-1)
					}
				}
			case *types.Func:
				if g := a.m.Decl(obj); g != nil && depth > 0 {
					found = found || a.ofField(k, g, g.Body, depth-1)
				}
			}
		}
		return !found
	})
	return found
}

// component reports whether values of type t are k's owner or have a method that ends
// a life (Close, Stop, Shutdown, Wait).
func (a *analyzer) component(k *kept, t types.Type) bool {
	if a.localStruct(t) == k.owner {
		return true
	}
	if _, ok := t.(*types.Pointer); !ok {
		t = types.NewPointer(t)
	}
	for _, name := range append(endOfLifeMethods, "Wait") {
		if obj, _, _ := types.LookupFieldOrMethod(t, false, a.pass.Pkg, name); obj != nil {
			if _, ok := obj.(*types.Func); ok {
				return true
			}
		}
	}
	return false
}

func inside(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }

// assignedTo returns the right-hand sides assigned to the local variable v in f (its
// nested literals included): the whole right-hand side of a multi-value assignment.
func (a *analyzer) assignedTo(f *model.Func, v *types.Var) []ast.Node {
	info := a.pass.TypesInfo
	var out []ast.Node
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && (info.Defs[id] == v || info.Uses[id] == v)
	}
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if !is(l) {
					continue
				}
				if len(n.Rhs) == len(n.Lhs) {
					out = append(out, n.Rhs[i])
				} else {
					for _, e := range n.Rhs {
						out = append(out, e)
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if info.Defs[id] != v {
					continue
				}
				if len(n.Values) == len(n.Names) {
					out = append(out, n.Values[i])
				} else {
					for _, e := range n.Values {
						out = append(out, e)
					}
				}
			}
		case *ast.RangeStmt:
			if n.Key != nil && is(n.Key) || n.Value != nil && is(n.Value) {
				out = append(out, n.X)
			}
		}
		return true
	})
	return out
}
