package lostcancel

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/types/typeutil"
)

// endOfLifeMethods are the methods that end a component's life, in the order a fix
// prefers them. Resign is not one (etcd's concurrency.Election can Campaign again after
// it), nor is Wait but for a group (groupWait).
var endOfLifeMethods = []string{"Close", "Stop", "Shutdown"}

// A lifeEnd is the method that ends an owner's life.
type lifeEnd struct {
	name string        // the method's name; "" when the owner has none
	decl *ast.FuncDecl // its declaration in the package with a named receiver of the owner; nil otherwise
	fn   *model.Func
	recv string
	// after is, for a group's Wait, the statement of its body that waits for the group's
	// goroutines (g.wg.Wait()): the release goes right after it, as in x/sync's errgroup.
	after ast.Stmt
	// before is, for Close, Stop or Shutdown, the first statement of its body that waits
	// for goroutines (a WaitGroup's Wait, a receive): the release goes right before it,
	// since a deferred one would run after a wait that only the release can end
	// (DataDog/datadog-agent#32331: Stop waited for the campaign goroutine, which ran
	// until its context ended).
	before ast.Stmt
}

// lifeEnd returns the end-of-life method of k's owner: the first of endOfLifeMethods
// in its method set (declared or promoted), or else the Wait of a group.
func (a *analyzer) lifeEnd(k *kept) lifeEnd {
	for _, name := range endOfLifeMethods {
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(k.owner), false, a.pass.Pkg, name)
		if fn, ok := obj.(*types.Func); ok {
			e := a.method(k.owner, fn)
			e.name = name
			if e.decl != nil {
				e.before = a.firstWait(e.decl.Body)
			}
			return e
		}
	}
	return a.groupWait(k)
}

// method returns the lifeEnd of fn when it is declared in the package, on owner itself,
// with a named receiver that its body can refer to.
func (a *analyzer) method(owner *types.Named, fn *types.Func) lifeEnd {
	f := a.m.Decl(fn)
	if f == nil || a.localStruct(fn.Signature().Recv().Type()) != owner {
		return lifeEnd{}
	}
	decl, ok := f.Node.(*ast.FuncDecl)
	if !ok || decl.Body == nil || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 {
		return lifeEnd{}
	}
	id := decl.Recv.List[0].Names[0]
	if id.Name == "_" || fixkit.Lookup(a.pass.Pkg, id.Name, decl.Body.Lbrace+1) != a.pass.TypesInfo.Defs[id] {
		return lifeEnd{}
	}
	return lifeEnd{decl: decl, fn: f, recv: id.Name}
}

// groupWait returns the Wait of k's owner when the owner is a group in x/sync's errgroup
// sense, whose contract is that Wait cancels the context it derived: a function of the
// package derives the context and returns it with the owner (func WithContext(ctx)
// (*Group, context.Context)), a method of the owner starts goroutines (Go), and its
// Wait calls a sync.WaitGroup's Wait.
func (a *analyzer) groupWait(k *kept) lifeEnd {
	info := a.pass.TypesInfo
	returned := false
	for _, d := range k.ds {
		if d.Func == nil || d.Func.Root().Obj == nil {
			continue
		}
		var ctx, owner bool
		res := d.Func.Root().Sig.Results()
		for i := range res.Len() {
			t := res.At(i).Type()
			ctx = ctx || model.IsContext(t)
			owner = owner || a.localStruct(t) == k.owner
		}
		returned = returned || ctx && owner
	}
	if !returned {
		return lifeEnd{}
	}
	starts := false
	for _, g := range a.m.Gos {
		if g.In != nil && g.In.Root().Obj != nil {
			if r := g.In.Root().Obj.Signature().Recv(); r != nil && a.localStruct(r.Type()) == k.owner {
				starts = true
			}
		}
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(k.owner), false, a.pass.Pkg, "Wait")
	fn, ok := obj.(*types.Func)
	if !starts || !ok {
		return lifeEnd{}
	}
	e := a.method(k.owner, fn)
	if e.decl == nil {
		return lifeEnd{}
	}
	waits := false
	ast.Inspect(e.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if isWaitGroupWait(typeutil.Callee(info, call)) {
			waits = true
		}
		return true
	})
	if !waits {
		return lifeEnd{}
	}
	e.after = firstTop(e.decl.Body, func(x ast.Expr) bool {
		call, ok := ast.Unparen(x).(*ast.CallExpr)
		return ok && isWaitGroupWait(typeutil.Callee(info, call))
	})
	e.name = "Wait"
	return e
}

func isWaitGroupWait(obj types.Object) bool {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" || fn.Name() != "Wait" {
		return false
	}
	r := fn.Signature().Recv()
	return r != nil && isSyncType(r.Type(), "WaitGroup")
}

func isSyncType(t types.Type, names ...string) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return model.IsSyncType(t, names...)
}

// firstWait returns the first statement of body that waits for other goroutines: a call
// of a sync.WaitGroup's Wait, or a receive, as a statement of its own or as the value of
// an assignment. A wait nested in another statement is not looked for.
func (a *analyzer) firstWait(body *ast.BlockStmt) ast.Stmt {
	info := a.pass.TypesInfo
	return firstTop(body, func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.CallExpr:
			return isWaitGroupWait(typeutil.Callee(info, e))
		case *ast.UnaryExpr:
			return e.Op == token.ARROW
		}
		return false
	})
}

// firstTop returns the first statement of body that is an expression statement, or an
// assignment of one value, whose expression satisfies is.
func firstTop(body *ast.BlockStmt, is func(ast.Expr) bool) ast.Stmt {
	for _, st := range body.List {
		switch st := st.(type) {
		case *ast.ExprStmt:
			if is(st.X) {
				return st
			}
		case *ast.AssignStmt:
			if len(st.Rhs) == 1 && is(st.Rhs[0]) {
				return st
			}
		}
	}
	return nil
}
