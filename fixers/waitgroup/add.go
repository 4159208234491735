package waitgroup

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// addInGoroutine reports wg.Add called inside the goroutine it counts, and moves it
// directly before the go statement.
func (c *checker) addInGoroutine() {
	for _, g := range c.m.Gos {
		gr, ok := c.goroutineOf(g)
		if !ok {
			continue
		}
		adds, calls := c.ownAdds(gr)
		for i, es := range adds {
			w := calls[i]
			same := 0
			for _, o := range calls {
				if o.key.equal(w.key) {
					same++
				}
			}
			if same != 1 || !c.countsItself(gr, w.key) {
				continue
			}
			name := types.ExprString(w.recv)
			d := analysis.Diagnostic{
				Pos:     w.call.Pos(),
				End:     w.call.End(),
				Message: fmt.Sprintf("%s.Add is called inside the goroutine it counts: %s.Wait may return before it runs", name, name),
			}
			move, why := c.planAddMove(gr, es, w)
			msg := "Move " + name + ".Add before the go statement"
			if why == "" {
				move, why, msg = c.withDone(gr, es, w, move, msg)
			}
			c.reportFix(d, why, msg, move)
		}
	}
}

// ownAdds returns the Add statements of the goroutine's own body (outside nested
// function literals and go statements) on a WaitGroup path.
func (c *checker) ownAdds(gr goroutine) (adds []*ast.ExprStmt, calls []wgCall) {
	inspectBody(gr.body, false, func(n ast.Node) bool {
		if _, ok := n.(*ast.GoStmt); ok {
			return false
		}
		if es, ok := n.(*ast.ExprStmt); ok {
			if w, ok := c.wgStmt(es); ok && w.method == "Add" && w.key.ok() {
				adds = append(adds, es)
				calls = append(calls, w)
			}
		}
		return true
	})
	return adds, calls
}

// dstIndex returns the index of s in list, or -1.
func dstIndex(list []dst.Stmt, s dst.Node) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// countsItself reports whether the goroutine calls Done on wg itself (and so counts
// itself with its Add), and does not wait on it or start goroutines that may call Done on
// it, by a go statement or by handing a function literal to a call: an Add before such a
// go statement is that goroutine's Add, before its go statement, where it belongs.
func (c *checker) countsItself(gr goroutine, key ref) bool {
	done, other := false, false
	inspectBody(gr.body, true, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if n != gr.stmt && c.mayCount(n, key) {
				other = true
			}
			return false
		case *ast.CallExpr:
			if w, ok := c.wgMethod(n); ok && w.key.equal(key) {
				switch w.method {
				case "Done":
					done = true
				case "Wait", "Go":
					other = true
				}
			}
			// A function literal handed to a call that may start it in a goroutine of its
			// own (nats-server's s.startGoRoutine(func() { ... })): an Add before the call
			// may be that goroutine's.
			for _, arg := range n.Args {
				if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok && (c.mentions(lit, key) || c.mayCallDoneIn(lit.Body)) {
					other = true
				}
			}
		}
		return true
	})
	return done && !other
}

// mayCount reports whether the goroutine that go statement g starts may call Done on
// key: it is given the WaitGroup (or what holds it), its function calls Done or a
// function of the package that does, or it calls a function value or an interface
// method, which may; or it is itself a function value.
func (c *checker) mayCount(g *ast.GoStmt, key ref) bool {
	if c.mentions(g, key) {
		return true
	}
	mg := c.goOf[g]
	switch {
	case mg == nil:
		return true
	case mg.Runs != nil:
		return c.mayCallDoneIn(mg.Runs.Body)
	case mg.Callee == nil:
		return true // a function value
	}
	return false // a function of another package, given nothing that holds the WaitGroup
}

// mayCallDoneIn reports whether n calls Done on a WaitGroup, a function of the package
// that does, or a function whose body it cannot see (a function value, an interface
// method).
func (c *checker) mayCallDoneIn(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		call, ok := m.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if w, ok := c.wgMethod(call); ok {
			found = w.method == "Done"
			return !found
		}
		if tv, ok := c.info.Types[call.Fun]; ok && tv.IsType() {
			return true // a conversion
		}
		if _, ok := c.info.Uses[identOf(call.Fun)].(*types.Builtin); ok {
			return true
		}
		if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
			return true // its body is inspected here
		}
		fn := typeutil.StaticCallee(c.info, call)
		switch {
		case fn == nil:
			found = true
		case c.declOf(fn) != nil:
			found = c.funcCallsDone(c.declOf(fn))
		}
		return !found
	})
	return found
}

// mentions reports whether n refers to the storage of key (or its base variable, when
// key has fields).
func (c *checker) mentions(n ast.Node, key ref) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && c.info.Uses[id] == types.Object(key.base) {
			found = true
		}
		return !found
	})
	return found
}

// planAddMove decides whether the Add statement es of goroutine gr can move before the
// go statement, and returns the fix or the reason why not.
func (c *checker) planAddMove(gr goroutine, es *ast.ExprStmt, w wgCall) (func(fx *fixkit.Fix) error, string) {
	addCur, ok := gr.f.Cursor.FindNode(es)
	if !ok {
		return nil, "internal error: statement not found"
	}
	addParent := addCur.Parent().Node()
	if _, ok := model.StmtList(addParent); !ok {
		return nil, "the Add is not in a statement list"
	}
	goParent := gr.g.Cursor.Parent().Node()
	if _, ok := model.StmtList(goParent); !ok {
		return nil, "the go statement is not in a statement list"
	}
	if gr.decl != nil {
		n, ok := c.onlyStartedByGo(gr.fn)
		switch {
		case !ok:
			return nil, gr.fn.Name() + " is not only started by go statements of this package"
		case n > 1:
			return nil, gr.fn.Name() + " is started by several go statements"
		}
	}

	// Where the WaitGroup comes from: a parameter of the goroutine's function (the
	// argument of the go statement names it for the caller), or a captured variable.
	var arg ast.Expr // with a parameter
	param := c.paramOf(gr, w.key.base)
	if param {
		if c.assigned[w.key.base] {
			return nil, "the parameter " + w.key.base.Name() + " is assigned in the goroutine"
		}
		var ok bool
		arg, ok = c.argFor(gr, w.key.base)
		if !ok {
			return nil, "the WaitGroup argument is not a simple variable"
		}
		if !c.stable(ref{base: placeholder, fields: w.key.fields}) || !c.throughPointer(w.key) {
			return nil, "the goroutine may not use the caller's WaitGroup"
		}
		if !isChain(w.recv, w.key.base) {
			return nil, "the WaitGroup expression is not a simple selector"
		}
	} else {
		if gr.lit == nil || contains(gr.lit, posNode(w.key.base.Pos())) {
			return nil, "the WaitGroup is not a variable outside the goroutine"
		}
		if !c.stable(w.key) {
			return nil, "the WaitGroup variable may change"
		}
		if !c.resolvesAt(w.recv, gr.stmt.Pos()) {
			return nil, "the WaitGroup is not in scope at the go statement"
		}
	}

	// The count must not depend on the goroutine.
	if len(w.call.Args) != 1 {
		return nil, "unexpected arguments"
	}
	n := w.call.Args[0]
	if tv, ok := c.info.Types[n]; !ok || tv.Value == nil {
		if gr.lit == nil || !c.capturedValue(gr.lit, n) {
			return nil, "the count depends on values of the goroutine"
		}
	}
	if !c.resolvesAt(n, gr.stmt.Pos()) {
		return nil, "the count is not in scope at the go statement"
	}

	if why := c.addOnceFirst(gr.f, es, w.key); why != "" {
		return nil, why
	}

	return func(fx *fixkit.Fix) error {
		// Statements are found by their dst twins: another part of the same fix (the
		// deferred Done) may have changed the lists already.
		goList := fixkit.StmtList(fx.Dst(goParent))
		addList := fixkit.StmtList(fx.Dst(addParent))
		i := dstIndex(*addList, fx.Dst(es))
		if i < 0 || dstIndex(*goList, fx.Dst(gr.stmt)) < 0 {
			return fmt.Errorf("statement not found")
		}
		st := removeStmt(addList, i, true)
		if param {
			// Rewrite the receiver for the caller: replace the parameter by the argument.
			a := ast.Unparen(arg)
			if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
				a = ast.Unparen(u.X)
			}
			repl := dst.Clone(fx.Dst(a)).(dst.Expr)
			call := st.(*dst.ExprStmt).X.(*dst.CallExpr)
			sel := call.Fun.(*dst.SelectorExpr)
			p := &sel.X
			for {
				if inner, ok := (*p).(*dst.SelectorExpr); ok {
					p = &inner.X
					continue
				}
				break
			}
			if _, ok := (*p).(*dst.Ident); !ok {
				return fmt.Errorf("unexpected receiver")
			}
			*p = repl
		}
		insertStmt(goList, dstIndex(*goList, fx.Dst(gr.stmt)), st, true)
		return nil
	}, ""
}

// placeholder stands for a base variable whose value does not matter to stable.
var placeholder = types.NewVar(token.NoPos, nil, "_", types.Typ[types.Int])

// posNode is a zero-width node at pos, for contains.
type posNode token.Pos

func (p posNode) Pos() token.Pos { return token.Pos(p) }
func (p posNode) End() token.Pos { return token.Pos(p) }

// paramOf reports whether v is a parameter or the receiver of the goroutine's function.
func (c *checker) paramOf(gr goroutine, v *types.Var) bool {
	ft := gr.funcType()
	lists := []*ast.FieldList{ft.Params}
	if gr.decl != nil && gr.decl.Recv != nil {
		lists = append(lists, gr.decl.Recv)
	}
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, f := range l.List {
			for _, name := range f.Names {
				if c.info.Defs[name] == types.Object(v) {
					return true
				}
			}
		}
	}
	return false
}

// argFor returns the argument of the go statement bound to parameter (or receiver) v,
// when it is a variable, a field selection, or the address of one.
func (c *checker) argFor(gr goroutine, v *types.Var) (ast.Expr, bool) {
	call := gr.stmt.Call
	var arg ast.Expr
	if gr.decl != nil && gr.decl.Recv != nil && len(gr.decl.Recv.List) == 1 &&
		len(gr.decl.Recv.List[0].Names) == 1 && c.info.Defs[gr.decl.Recv.List[0].Names[0]] == types.Object(v) {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil, false
		}
		if s, ok := c.info.Selections[sel]; !ok || s.Kind() != types.MethodVal || len(s.Index()) != 1 {
			return nil, false
		}
		arg = sel.X
	} else {
		if call.Ellipsis.IsValid() {
			return nil, false
		}
		i := 0
		found := false
		for _, f := range gr.funcType().Params.List {
			for _, name := range f.Names {
				if c.info.Defs[name] == types.Object(v) {
					found = true
					break
				}
				i++
			}
			if found {
				break
			}
		}
		if !found || i >= len(call.Args) {
			return nil, false
		}
		if sig, ok := c.info.TypeOf(call.Fun).Underlying().(*types.Signature); !ok || sig.Variadic() && i >= sig.Params().Len()-1 {
			return nil, false
		}
		arg = call.Args[i]
	}
	a := ast.Unparen(arg)
	if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
		a = ast.Unparen(u.X)
	}
	if !c.simpleChain(a) {
		return nil, false
	}
	return arg, true
}

// simpleChain reports whether e is x or x.f.g... with x a variable and every selection
// a field (no calls, indexing or dereference operators).
func (c *checker) simpleChain(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		_, ok := c.info.Uses[e].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		if s, ok := c.info.Selections[e]; ok {
			return s.Kind() == types.FieldVal && c.simpleChain(e.X)
		}
		_, ok := c.info.Uses[e.Sel].(*types.Var) // pkg.V
		return ok
	}
	return false
}

// isChain reports whether e is base or base.f.g... (no parentheses or operators).
func isChain(e ast.Expr, base *types.Var) bool {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name == base.Name()
		case *ast.SelectorExpr:
			e = x.X
		default:
			return false
		}
	}
}

// throughPointer reports whether the storage of key, reached from its base variable,
// goes through a pointer: then a copy of the base still reaches the same WaitGroup.
func (c *checker) throughPointer(key ref) bool {
	if _, ok := key.base.Type().Underlying().(*types.Pointer); ok {
		return true
	}
	for _, f := range key.fields {
		if _, ok := f.Type().Underlying().(*types.Pointer); ok {
			return true
		}
	}
	return false
}

// capturedValue reports whether e (the count of an Add in lit) only reads variables
// declared outside lit and never assigned, constants, and len or cap of those.
func (c *checker) capturedValue(lit *ast.FuncLit, e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			switch obj := c.info.Uses[n].(type) {
			case *types.Var:
				if obj.IsField() {
					return true
				}
				if contains(lit, posNode(obj.Pos())) || c.assigned[obj] {
					ok = false
				}
			case *types.Const, *types.Nil, *types.TypeName, *types.PkgName:
			case *types.Builtin:
				if obj.Name() != "len" && obj.Name() != "cap" {
					ok = false
				}
			default:
				ok = false
			}
		case *ast.SelectorExpr:
			if s, found := c.info.Selections[n]; found && s.Kind() != types.FieldVal {
				ok = false
			}
		case *ast.CallExpr:
			if tv, found := c.info.Types[n.Fun]; found && tv.IsType() {
				return true // conversion
			}
			if _, isBuiltin := c.info.Uses[identOf(n.Fun)].(*types.Builtin); !isBuiltin {
				ok = false
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.IndexExpr, *ast.StarExpr, *ast.FuncLit:
			ok = false
		}
		return ok
	})
	return ok
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// addOnceFirst checks, on the control-flow graph of the goroutine, that the Add statement
// es runs exactly once on every path that does not crash, before any Done. It returns
// the reason when it cannot prove it.
func (c *checker) addOnceFirst(f *model.Func, es *ast.ExprStmt, key ref) string {
	g := f.CFG()
	var addBlock *cfg.Block
	addIdx := -1
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if n == es {
				addBlock, addIdx = b, i
			}
		}
	}
	if addBlock == nil || !addBlock.Live {
		return "the Add is unreachable"
	}
	if reaches(addBlock.Succs, addBlock) {
		return "the Add is in a loop"
	}
	// Walk the blocks reachable from the entry without passing the Add.
	seen := map[*cfg.Block]bool{}
	queue := []*cfg.Block{g.Blocks[0]}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		if seen[b] {
			continue
		}
		seen[b] = true
		nodes := b.Nodes
		if b == addBlock {
			nodes = nodes[:addIdx]
		}
		for _, n := range nodes {
			if why := c.beforeAdd(n, key); why != "" {
				return why
			}
		}
		if b == addBlock {
			continue
		}
		if len(b.Succs) == 0 {
			if k := c.terminal(b); k != exitPanic && k != exitProcess {
				return "a path of the goroutine does not run the Add"
			}
			continue
		}
		if !reaches([]*cfg.Block{b}, addBlock) && reaches(b.Succs, b) {
			return "a loop of the goroutine may never reach the Add"
		}
		queue = append(queue, b.Succs...)
	}
	return ""
}

// beforeAdd returns why statement n cannot run before the Add once it has moved.
func (c *checker) beforeAdd(n ast.Node, key ref) string {
	if d, ok := n.(*ast.DeferStmt); ok {
		if w, ok := c.wgMethod(d.Call); ok && w.method == "Done" && w.key.equal(key) {
			return ""
		}
		return "a deferred call before the Add may recover"
	}
	why := ""
	inspectBody(n, false, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.CallExpr:
			if w, ok := c.wgMethod(m); ok && w.key.equal(key) {
				why = "the goroutine calls " + w.method + " before the Add"
			} else if c.exitOf(m) == exitGoexit {
				why = "the goroutine may exit before the Add"
			}
		case *ast.ReturnStmt:
			why = "a return before the Add skips it"
		}
		return why == ""
	})
	return why
}

// terminal returns how a block without successors ends the function.
func (c *checker) terminal(b *cfg.Block) exitKind {
	if len(b.Nodes) == 0 {
		return noExit
	}
	if es, ok := b.Nodes[len(b.Nodes)-1].(*ast.ExprStmt); ok {
		if call, ok := ast.Unparen(es.X).(*ast.CallExpr); ok {
			return c.exitOf(call)
		}
	}
	return noExit
}

// reaches reports whether target is reachable from any of from (inclusive).
func reaches(from []*cfg.Block, target *cfg.Block) bool {
	seen := map[*cfg.Block]bool{}
	stack := append([]*cfg.Block(nil), from...)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b == target {
			return true
		}
		if seen[b] {
			continue
		}
		seen[b] = true
		stack = append(stack, b.Succs...)
	}
	return false
}
