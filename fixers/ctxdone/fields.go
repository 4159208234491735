package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// receiver returns the receiver of fn's method (fn itself, or the method a literal fn
// is in) when it is named, visible at pos, and of a struct type or a pointer to one.
func (c *checker) receiver(fn *model.Func, pos token.Pos) (*ast.Ident, *types.Var, *types.Struct, bool) {
	decl, _ := fn.Root().Node.(*ast.FuncDecl)
	if decl == nil || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 {
		return nil, nil, nil, false
	}
	rid := decl.Recv.List[0].Names[0]
	recv, ok := c.info.Defs[rid].(*types.Var)
	if !ok || rid.Name == "_" || c.lookup(rid.Name, pos) != recv {
		return nil, nil, nil, false
	}
	t := recv.Type()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return rid, recv, st, ok
}

// ctxFields returns the contexts held in fields of the receiver of fn that can end the
// code of fn at pos: a context.Context field (not embedded, not exported: no other
// package sets it) that fn already uses through the receiver (it calls its methods or
// passes it on: the goroutine lives by that context, and the field is not nil where it
// runs), that initOnly proves set before any goroutine can read it, and that some
// value other than context.Background() or TODO() sets (whose Done channel is nil).
func (c *checker) ctxFields(fn *model.Func, pos token.Pos) []exit {
	rid, recv, st, ok := c.receiver(fn, pos)
	if !ok {
		return nil
	}
	var out []exit
	for f := range st.Fields() {
		if f.Embedded() || f.Exported() || !model.IsContext(f.Type()) {
			continue
		}
		if !c.usesField(fn, recv, f) || !c.initOnly(f, fn, true) || c.backgroundOnly(f) {
			continue
		}
		out = append(out, exit{expr: rid.Name + "." + f.Name(), ctx: true, obj: f})
	}
	return out
}

// usesField reports whether fn (outside nested literals) calls a method of recv.f or
// passes it to a function.
func (c *checker) usesField(fn *model.Func, recv, f *types.Var) bool {
	found := false
	inspectFunc(fn, func(cur inspector.Cursor) bool {
		sel, ok := cur.Node().(*ast.SelectorExpr)
		if found || !ok || c.info.Uses[sel.Sel] != f {
			return !found
		}
		if id, ok := ast.Unparen(sel.X).(*ast.Ident); !ok || c.info.Uses[id] != recv {
			return true
		}
		switch p := cur.Parent().Node().(type) {
		case *ast.SelectorExpr:
			if s := c.info.Selections[p]; s != nil && s.Kind() == types.MethodVal {
				found = true
			}
		case *ast.CallExpr:
			for _, a := range p.Args {
				if a == sel {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// initOnly reports whether every write of the field f in the package sets it before a
// goroutine of fn can read it, so that reading it there is no data race and reads the
// value the goroutine started with. A write is
//
//   - an entry of a keyed composite literal, or a struct literal without keys;
//   - an assignment x.f = v (or x.f, x.g = ...) in a function G, in a block after the
//     statement that defines x as a new value (x := &T{...}, T{...}, new(T)), with x
//     used in between, and in the assignment, only to read or set its fields: the value
//     is not yet shared (a constructor);
//   - when start is set, an assignment r.f = v where r is the receiver of the method G,
//     in a block that goes on to a go statement of G that starts fn (Start sets the
//     context, then starts the goroutine).
//
// f's address taken, a range into it, or an assignment of a whole value of its struct
// through a pointer (*p = T{}) is none of these. And at least one write is needed: a
// field never set is nil.
func (c *checker) initOnly(f *types.Var, fn *model.Func, start bool) bool {
	writes := 0
	ok := true
	for cur := range c.m.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.KeyValueExpr)(nil), (*ast.CompositeLit)(nil),
		(*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil)) {
		if !ok {
			break
		}
		switch n := cur.Node().(type) {
		case *ast.KeyValueExpr:
			if id, isID := n.Key.(*ast.Ident); isID && c.info.Uses[id] == f {
				writes++
			}
		case *ast.CompositeLit:
			if len(n.Elts) == 0 {
				break
			}
			if _, keyed := n.Elts[0].(*ast.KeyValueExpr); keyed {
				break
			}
			if st, isStruct := c.info.TypeOf(n).Underlying().(*types.Struct); isStruct && hasField(st, f) {
				writes++
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && c.isField(n.X, f) {
				ok = false
			}
		case *ast.RangeStmt:
			if n.Key != nil && c.isField(n.Key, f) || n.Value != nil && c.isField(n.Value, f) {
				ok = false
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if star, isStar := ast.Unparen(l).(*ast.StarExpr); isStar {
					if st, isStruct := c.info.TypeOf(star).Underlying().(*types.Struct); isStruct && hasField(st, f) {
						ok = false
					}
					continue
				}
				if !c.isField(l, f) {
					continue
				}
				writes++
				if !c.initWrite(cur, ast.Unparen(l).(*ast.SelectorExpr), fn, start) {
					ok = false
				}
			}
		}
	}
	return ok && writes > 0
}

func hasField(st *types.Struct, f *types.Var) bool {
	for g := range st.Fields() {
		if g == f {
			return true
		}
	}
	return false
}

// isField reports whether e is x.f for the field f.
func (c *checker) isField(e ast.Expr, f *types.Var) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	return ok && c.info.Uses[sel.Sel] == f
}

// initWrite reports whether the assignment at cur, of the field selected by lhs, is a
// write of a constructor or one before the go statement that starts fn (see initOnly).
func (c *checker) initWrite(cur inspector.Cursor, lhs *ast.SelectorExpr, fn *model.Func, start bool) bool {
	id, ok := ast.Unparen(lhs.X).(*ast.Ident)
	if !ok {
		return false
	}
	x, ok := c.info.Uses[id].(*types.Var)
	G := c.m.Enclosing(cur)
	blk, isBlk := cur.Parent().Node().(*ast.BlockStmt)
	if !ok || G == nil || !isBlk {
		return false
	}
	i := -1
	for k, s := range blk.List {
		if s == cur.Node() {
			i = k
		}
	}
	if i < 0 {
		return false
	}
	// The constructor: x is defined earlier in the block as a new value.
	for j := i - 1; j >= 0; j-- {
		s := blk.List[j]
		if c.definesNew(s, x) {
			for _, t := range blk.List[j+1 : i+1] {
				if c.publishes(t, x) {
					return false
				}
			}
			return true
		}
		if c.publishes(s, x) {
			break
		}
	}
	// Before the go statement: x is G's receiver and a later statement of the block
	// starts fn.
	decl, isDecl := G.Node.(*ast.FuncDecl)
	if !start || !isDecl || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 || c.info.Defs[decl.Recv.List[0].Names[0]] != x {
		return false
	}
	for _, g := range fn.Started {
		if g.In != G {
			continue
		}
		if fn.Obj != nil {
			// go x.m(...): the goroutine runs on the value whose field was set.
			sel, ok := ast.Unparen(g.Stmt.Call.Fun).(*ast.SelectorExpr)
			if !ok {
				continue
			}
			if base, ok := ast.Unparen(sel.X).(*ast.Ident); !ok || c.info.Uses[base] != x {
				continue
			}
		}
		for _, s := range blk.List[i+1:] {
			if s.Pos() <= g.Stmt.Pos() && g.Stmt.End() <= s.End() {
				return true
			}
		}
	}
	return false
}

// definesNew reports whether s defines x as a new value of a struct type: x := T{...},
// x := &T{...}, x := new(T), or the same in a var declaration.
func (c *checker) definesNew(s ast.Stmt, x *types.Var) bool {
	var rhs ast.Expr
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE || len(s.Lhs) != len(s.Rhs) {
			return false
		}
		for k, l := range s.Lhs {
			if id, ok := l.(*ast.Ident); ok && c.info.Defs[id] == x {
				rhs = s.Rhs[k]
			}
		}
	case *ast.DeclStmt:
		gd, ok := s.Decl.(*ast.GenDecl)
		if !ok || len(gd.Specs) != 1 {
			return false
		}
		vs, ok := gd.Specs[0].(*ast.ValueSpec)
		if !ok || len(vs.Names) != len(vs.Values) {
			return false
		}
		for k, id := range vs.Names {
			if c.info.Defs[id] == x {
				rhs = vs.Values[k]
			}
		}
	}
	switch e := ast.Unparen(rhs).(type) {
	case *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		_, lit := ast.Unparen(e.X).(*ast.CompositeLit)
		return e.Op == token.AND && lit
	case *ast.CallExpr:
		if id, ok := ast.Unparen(e.Fun).(*ast.Ident); ok {
			b, isB := c.info.Uses[id].(*types.Builtin)
			return isB && b.Name() == "new"
		}
	}
	return false
}

// publishes reports whether n uses x other than to read or set one of its fields, or
// refers to x in a function literal: the value may be shared from there on (passed,
// stored, returned, a method called on it, captured by a goroutine).
func (c *checker) publishes(n ast.Node, x *types.Var) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok {
			ast.Inspect(lit, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && c.info.Uses[id] == x {
					found = true
				}
				return !found
			})
			return false
		}
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, isID := ast.Unparen(sel.X).(*ast.Ident); isID && c.info.Uses[id] == x {
				if s := c.info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
					return false // x.g: a field read or written
				}
			}
		}
		if id, ok := n.(*ast.Ident); ok && c.info.Uses[id] == x {
			found = true
		}
		return !found
	})
	return found
}

// backgroundOnly reports whether every value the package sets the field f to is
// context.Background() or context.TODO(): its Done channel is nil.
func (c *checker) backgroundOnly(f *types.Var) bool {
	values, ok := c.m.ValuesOf(f)
	if !ok || len(values) == 0 {
		return false
	}
	for _, v := range values {
		if !c.isBackgroundCall(v) {
			return false
		}
	}
	return true
}

// isBackgroundCall reports whether e is context.Background() or context.TODO().
func (c *checker) isBackgroundCall(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "context" && (fn.Name() == "Background" || fn.Name() == "TODO")
}

// refersToField reports whether fn (outside nested literals) refers to the field f.
func (c *checker) refersToField(fn *model.Func, f *types.Var) bool {
	found := false
	inspectFunc(fn, func(cur inspector.Cursor) bool {
		if id, ok := cur.Node().(*ast.Ident); ok && c.info.Uses[id] == f {
			found = true
		}
		return !found
	})
	return found
}
