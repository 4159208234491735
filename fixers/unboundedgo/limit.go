package unboundedgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/types/typeutil"
)

// ignoredLimit is the finding of a goroutine started for every element of a collection x
// while a documented limit on concurrency is in scope and the function ignores it: a
// parameter of the function (or of a function that contains it), a field of its
// receiver, or a field of a struct parameter, of integer type, whose name says it bounds
// concurrency (MaxParallel, Concurrency, Workers, MaxInFlight, Limit...), that the
// outermost function never refers to. A fan-out over a collection the caller bounds is
// not reported otherwise: the caller chose its size.
func (c *checker) ignoredLimit(g *start, f *model.Func, x ast.Expr) finding {
	name, limit := c.unusedLimit(f)
	if name == "" {
		return finding{}
	}
	return finding{
		msg:   "goroutine started for every element of " + types.ExprString(x) + " ignoring the limit " + name,
		at:    x,
		note:  "the collection",
		limit: limit,
	}
}

// deadLimit reports whether the ignored limit o of a fan-out that another bound throttles
// is read by nothing: a parameter (the function never refers to it), or an unexported
// field that the package only ever sets. Such a knob was meant to be the bound
// (sethvargo/ratchet#21: a concurrency parameter beside a semaphore of 4;
// boyter/gocodewalker#26: SetConcurrency sets a field that nothing reads).
func (c *checker) deadLimit(o types.Object) bool {
	v, ok := o.(*types.Var)
	if !ok {
		return false
	}
	if !v.IsField() {
		return true
	}
	if v.Exported() || v.Pkg() != c.pass.Pkg {
		return false
	}
	info := c.pass.TypesInfo
	for cur := range c.m.Inspector.Root().Preorder((*ast.SelectorExpr)(nil)) {
		if s := info.Selections[cur.Node().(*ast.SelectorExpr)]; s == nil || s.Obj() != o {
			continue
		}
		if cur.ParentEdgeKind() != edge.AssignStmt_Lhs || cur.Parent().Node().(*ast.AssignStmt).Tok != token.ASSIGN {
			return false // read
		}
	}
	return true
}

// unusedLimit returns how the message names the first documented limit in scope of f
// that the outermost function never refers to, and the limit, or "".
func (c *checker) unusedLimit(f *model.Func) (string, types.Object) {
	limits := c.limitsInScope(f)
	if len(limits) == 0 {
		return "", nil
	}
	root := f.Root()
	info := c.pass.TypesInfo
	used := false
	ast.Inspect(root.Node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if o := info.Uses[n]; o != nil && limits[o] != "" {
				used = true
			}
		case *ast.SelectorExpr:
			if s := info.Selections[n]; s != nil && limits[s.Obj()] != "" {
				used = true
			}
		}
		return !used
	})
	if used {
		return "", nil
	}
	var name string
	var limit types.Object
	for o, n := range limits {
		if name == "" || n < name {
			name, limit = n, o
		}
	}
	return name, limit
}

// limitsInScope returns the limits in scope of f, with how the message names each.
func (c *checker) limitsInScope(f *model.Func) map[types.Object]string {
	limits := make(map[types.Object]string)
	addFields := func(t types.Type, prefix string, strict bool) {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return
		}
		for v := range st.Fields() {
			if isLimit(v, strict) {
				limits[v] = prefix + "." + v.Name()
			}
		}
	}
	counters := c.countersOf()
	defer func() {
		for o := range limits {
			if counters[o] {
				delete(limits, o) // a count of what runs (nats-server's js.apiInflight), not a limit
			}
		}
	}()
	for g := f; g != nil; g = g.Outer {
		if g.Sig == nil {
			continue
		}
		if recv := g.Sig.Recv(); recv != nil {
			addFields(recv.Type(), recv.Name(), false)
		}
		for v := range g.Sig.Params().Variables() {
			if isLimit(v, false) {
				limits[v] = v.Name()
			} else if v.Name() != "" && v.Name() != "_" {
				addFields(v.Type(), v.Name(), true)
			}
		}
	}
	return limits
}

// isLimit reports whether v is an integer whose name says it bounds concurrency. A plain
// "limit" counts unless strict (a field of a parameter's struct, such as a page size).
func isLimit(v *types.Var, strict bool) bool {
	b, ok := v.Type().Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsInteger == 0 {
		return false
	}
	name := strings.ToLower(v.Name())
	if !strict && name == "limit" || name == "maxprocs" {
		return true
	}
	for _, w := range []string{"parallel", "concurren", "worker", "inflight", "goroutine"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// countersOf returns the integer variables and fields that the package counts with:
// x++, x--, x += n, x -= n, atomic.AddInt64(&x, n).
func (c *checker) countersOf() map[types.Object]bool {
	if c.counters != nil {
		return c.counters
	}
	c.counters = make(map[types.Object]bool)
	info := c.pass.TypesInfo
	mark := func(e ast.Expr) {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			if o := info.Uses[e]; o != nil {
				c.counters[o] = true
			}
		case *ast.SelectorExpr:
			if s := info.Selections[e]; s != nil {
				c.counters[s.Obj()] = true
			}
		}
	}
	for cur := range c.m.Inspector.Root().Preorder((*ast.IncDecStmt)(nil), (*ast.AssignStmt)(nil), (*ast.CallExpr)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.AssignStmt:
			if n.Tok == token.ADD_ASSIGN || n.Tok == token.SUB_ASSIGN {
				mark(n.Lhs[0])
			}
		case *ast.CallExpr:
			fn, ok := typeutil.Callee(info, n).(*types.Func)
			if ok && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && strings.HasPrefix(fn.Name(), "Add") && len(n.Args) > 0 {
				if u, ok := ast.Unparen(n.Args[0]).(*ast.UnaryExpr); ok && u.Op == token.AND {
					mark(u.X)
				}
			}
		}
	}
	return c.counters
}
