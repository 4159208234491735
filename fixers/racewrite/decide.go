package racewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// decide chooses f's fix, or the reason it has none.
func (c *checker) decide(f *finding) {
	v := f.v
	if why := c.sh.Unseen(v); why != "" {
		f.why = why
		return
	}
	// A goroutine's own variable removes every race, with the function too.
	if p := c.localPlan(v, make(map[*model.SharedVar]bool)); p != nil {
		f.kind, f.local = local, p
		return
	}
	for _, r := range f.races {
		if r.B.Spawn != nil {
			continue
		}
		fn := r.B.Frame().Name()
		switch {
		case isReturn(r.B) || r.B.Timing == model.AtExit:
			f.why = fmt.Sprintf("%s can return before the goroutine is done with %s: a lock would not keep it from writing after the return; its results need a channel of their own", fn, v.Var.Name())
		default:
			f.why = fmt.Sprintf("%s uses %s while the goroutine may still run: a lock would not make it wait for the goroutine", fn, v.Var.Name())
		}
		return
	}
	if p := c.atomicPlan(f); p != nil {
		f.kind, f.atom = atomic, p
		return
	}
	if p := c.groupPlan(f); p != nil {
		f.kind, f.group = group, p
		return
	}
	if p := c.slotPlan(f); p != nil {
		f.kind, f.slot = slots, p
		return
	}
	p, why := c.lockPlan(f)
	if p == nil {
		f.why = why
		return
	}
	f.kind, f.lock = mutex, p
}

// goAccesses returns the accesses of v that run in goroutines.
func goAccesses(v *model.SharedVar) []*model.Access {
	var out []*model.Access
	for _, a := range v.Accesses {
		if a.Spawn != nil {
			out = append(out, a)
		}
	}
	return out
}

// A localPlan turns the first assignment of the variable in each goroutine into a
// declaration.
type localPlan struct {
	stmts []*ast.AssignStmt
	keep  bool          // the variable is still read elsewhere
	decl  *ast.DeclStmt // otherwise: its declaration, var v T, which goes
}

// bareDecl returns the statement var v T that declares v alone, without a value, in a
// statement list, or nil.
func (c *checker) bareDecl(v *model.SharedVar) *ast.DeclStmt {
	spec, ok := v.DeclAt.Parent().Node().(*ast.ValueSpec)
	if !ok || len(spec.Names) != 1 || len(spec.Values) != 0 {
		return nil
	}
	gd := v.DeclAt.Parent().Parent()
	if len(gd.Node().(*ast.GenDecl).Specs) != 1 || !inList(gd.Parent()) {
		return nil
	}
	return gd.Parent().Node().(*ast.DeclStmt)
}

// localPlan returns the plan that gives each goroutine its own v, or nil: every
// goroutine that uses v assigns it (v = x, or the init of an if or switch) before
// anything else uses it, every other use of the goroutine is in the scope the
// declaration gets (the rest of the block, or the if or switch statement), it reads that
// value, and nothing reads what a goroutine wrote (the function that starts them
// assigns v again before it reads it, or never reads it). seen guards the variables
// assigned together.
func (c *checker) localPlan(v *model.SharedVar, seen map[*model.SharedVar]bool) *localPlan {
	if v.Result || seen[v] {
		return nil
	}
	seen[v] = true
	bySpawn := make(map[*model.Spawn][]*model.Access)
	var spawns []*model.Spawn
	for _, a := range goAccesses(v) {
		if bySpawn[a.Spawn] == nil {
			spawns = append(spawns, a.Spawn)
		}
		bySpawn[a.Spawn] = append(bySpawn[a.Spawn], a)
	}
	p := &localPlan{}
	// The variable itself must stay used (read) somewhere, or its declaration goes.
	for _, a := range v.Accesses {
		if a.Spawn == nil && a.Kind != model.Write {
			p.keep = true
		}
	}
	if !p.keep {
		if p.decl = c.bareDecl(v); p.decl == nil {
			return nil
		}
		for _, a := range v.Accesses {
			if a.Spawn == nil {
				return nil // a write of the function would lose its variable
			}
		}
	}
	for _, s := range spawns {
		as := bySpawn[s]
		first := as[0]
		if first.Kind != model.Write || len(first.Fields) > 0 || first.Func != s.Lit || first.Cursor.ParentEdgeKind() != edge.AssignStmt_Lhs {
			return nil
		}
		st := first.Cursor.Parent().Node().(*ast.AssignStmt)
		if st.Tok != token.ASSIGN {
			return nil
		}
		// The scope the declaration gets: the rest of the statement's block, or the
		// statement whose init it is; every other access of the goroutine is in it.
		top := first.Cursor.Parent()
		switch top.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		case edge.IfStmt_Init, edge.SwitchStmt_Init:
			top = top.Parent()
		default:
			return nil
		}
		var scopeEnd token.Pos
		var blockScope *types.Scope
		if top.Node() == ast.Node(st) {
			scopeEnd = top.Parent().Node().End()
			blockScope = c.m.Info.Scopes[top.Parent().Node()]
			if top.Parent().Node() == s.Lit.Body {
				blockScope = c.m.Info.Scopes[s.Lit.Node.(*ast.FuncLit).Type]
			}
		} else {
			scopeEnd = top.Node().End()
		}
		if c.m.Enclosing(top) != s.Lit {
			return nil
		}
		if blockScope != nil {
			// A later := of the same name in that scope would declare no new variable
			// (redigo's connmux_test: err = c.Send(...), then _, err := c.Receive()).
			if o := blockScope.Lookup(v.Var.Name()); o != nil && o.Pos() > st.Pos() {
				return nil
			}
		}
		read := false
		for _, a := range as {
			if a == first {
				continue
			}
			if a.Node.Pos() < st.End() || a.Node.Pos() >= scopeEnd {
				return nil // in the assignment's own right-hand side, or outside the new variable's scope
			}
			if a.Kind != model.Write {
				read = true
			}
		}
		if !read || model.HasGoto(s.Lit.Body) || c.sh.ReadAfter(s, v) != nil {
			return nil
		}
		// The other left-hand sides: blank, declared in the literal's scope, or given to
		// the goroutine as well.
		for _, lhs := range st.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				return nil
			}
			if id == first.Node || id.Name == "_" {
				continue
			}
			obj, _ := c.m.Info.Uses[id].(*types.Var)
			if obj == nil {
				return nil
			}
			if blockScope != nil && obj.Parent() == blockScope {
				continue
			}
			w := c.sh.Var(obj)
			if w == nil || c.localPlan(w, seen) == nil {
				return nil
			}
		}
		p.stmts = append(p.stmts, st)
	}
	return p
}

// listStmt returns the cursor of the innermost statement that contains c and is an
// element of a statement list (a block, a case or a select clause), in c's function.
func listStmt(c inspector.Cursor) (inspector.Cursor, bool) {
	for p := c; p.Valid(); p = p.Parent() {
		switch p.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return inspector.Cursor{}, false
		}
		switch p.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
			return p, true
		}
	}
	return inspector.Cursor{}, false
}

// fileOf returns the file of the pass that contains n.
func (c *checker) fileOf(n ast.Node) *ast.File { return c.m.File(n.Pos()) }

// nameFree reports whether name can be declared in f's body for the fix: no identifier of
// f refers to, or declares, a non-field object of that name.
func (c *checker) nameFree(f *model.Func, name string) bool {
	free := true
	ast.Inspect(f.Node, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Name != name || !free {
			return free
		}
		obj := c.m.Info.ObjectOf(id)
		if v, ok := obj.(*types.Var); ok && v.IsField() {
			return true
		}
		if obj != nil {
			free = false
		}
		return free
	})
	return free
}
