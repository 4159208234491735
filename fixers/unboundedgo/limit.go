package unboundedgo

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
)

// ignoredLimit is the finding of a goroutine started for every element of a collection x
// while a documented limit on concurrency is in scope and the function ignores it: a
// parameter of the function (or of a function that contains it), a field of its
// receiver, or a field of a struct parameter, of integer type, whose name says it bounds
// concurrency (MaxParallel, Concurrency, Workers, MaxInFlight, Limit...), that the
// outermost function never refers to. A fan-out over a collection the caller bounds is
// not reported otherwise: the caller chose its size.
func (c *checker) ignoredLimit(g *start, f *model.Func, x ast.Expr) finding {
	limits := c.limitsInScope(f)
	if len(limits) == 0 {
		return finding{}
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
		return finding{}
	}
	var name string
	for _, n := range limits {
		if name == "" || n < name {
			name = n
		}
	}
	return finding{
		msg:  "goroutine started for every element of " + types.ExprString(x) + " ignoring the limit " + name,
		at:   x,
		note: "the collection",
	}
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
