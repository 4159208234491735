package racewrite

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// useErrgroup is the -racewrite.errgroup flag.
var useErrgroup bool

func init() {
	Analyzer.Flags.BoolVar(&useErrgroup, "errgroup", false,
		"fix the WaitGroup-and-first-error shape with golang.org/x/sync/errgroup (in packages that import it already)")
}

// A groupPlan replaces a WaitGroup and a first-error capture with an errgroup.Group.
type groupPlan struct {
	wgDecl *ast.DeclStmt // var wg sync.WaitGroup
	add    ast.Stmt      // wg.Add(1), right before the go statement
	goStmt *ast.GoStmt
	call   ast.Expr // the call whose error the goroutine captures
	wait   ast.Stmt // wg.Wait()
	name   string   // the group's name
}

// groupPlan returns the plan for the shape
//
//	var wg sync.WaitGroup
//	var firstErr error
//	for ... {
//		wg.Add(1)
//		go func() {
//			defer wg.Done()
//			if err := f(x); err != nil {
//				if firstErr == nil { // or: err != nil && firstErr == nil
//					firstErr = err
//				}
//			}
//		}()
//	}
//	wg.Wait()
//
// which becomes var g errgroup.Group, g.Go(func() error { return f(x) }) and
// firstErr = g.Wait(): the group keeps the first error, as the capture did. It is nil
// unless the flag is set, the package imports errgroup already, the WaitGroup is used
// only there, and firstErr is nil until the Wait.
func (c *checker) groupPlan(f *finding) *groupPlan {
	v := f.v
	if !useErrgroup || !c.importsErrgroup() || v.Result || !types.Identical(v.Var.Type(), types.Universe.Lookup("error").Type()) {
		return nil
	}
	if _, ok := v.DeclAt.Parent().Node().(*ast.ValueSpec); !ok || c.bareDecl(v) == nil {
		return nil
	}
	as := goAccesses(v)
	if len(as) == 0 {
		return nil
	}
	s := as[0].Spawn
	for _, a := range as {
		if a.Spawn != s {
			return nil
		}
	}
	g, ok := s.Node.(*ast.GoStmt)
	if !ok || len(g.Call.Args) != 0 || s.Lit.Sig.Results().Len() != 0 {
		return nil
	}
	body := s.Lit.Body.List
	if len(body) != 2 {
		return nil
	}
	wg := c.deferredDone(body[0])
	if wg == nil {
		return nil
	}
	call, ok := c.firstErrIf(body[1], v.Var)
	if !ok {
		return nil
	}
	p := &groupPlan{goStmt: g, call: call}
	// The WaitGroup: declared alone, used by this Add, Done and one Wait.
	uses := c.usesOf(wg)
	if len(uses) != 3 {
		return nil
	}
	for _, u := range uses {
		if u.ParentEdgeKind() != edge.SelectorExpr_X {
			return nil
		}
		sel := u.Parent().Node().(*ast.SelectorExpr)
		switch stmt := u.Parent().Parent().Parent(); sel.Sel.Name {
		case "Add":
			call := u.Parent().Parent().Node().(*ast.CallExpr)
			next, ok := stmt.NextSibling()
			if len(call.Args) != 1 || !isOne(c, call.Args[0]) || !ok || next.Node() != ast.Node(g) {
				return nil
			}
			p.add = stmt.Node().(ast.Stmt)
		case "Wait":
			es, ok := stmt.Node().(*ast.ExprStmt)
			if !ok || !inList(stmt) {
				return nil
			}
			p.wait = es
		case "Done":
		default:
			return nil
		}
	}
	if p.add == nil || p.wait == nil {
		return nil
	}
	wgv := &model.SharedVar{Var: wg}
	for id, obj := range c.m.Info.Defs {
		if obj == wg {
			cur, ok := c.m.Inspector.Root().FindNode(id)
			if !ok {
				return nil
			}
			wgv.DeclAt = cur
		}
	}
	if !wgv.DeclAt.Valid() {
		return nil
	}
	if p.wgDecl = c.bareDecl(wgv); p.wgDecl == nil {
		return nil
	}
	// firstErr is nil until the Wait: the function does not touch it before.
	for _, a := range v.Accesses {
		if a.Spawn == nil && a.Node.Pos() < p.wait.End() {
			return nil
		}
	}
	for _, n := range []string{"g", "eg"} {
		if c.nameFree(v.Decl, n) {
			p.name = n
			break
		}
	}
	if p.name == "" {
		return nil
	}
	return p
}

func (c *checker) importsErrgroup() bool {
	for _, p := range c.pass.Pkg.Imports() {
		if p.Path() == "golang.org/x/sync/errgroup" {
			return true
		}
	}
	return false
}

func isOne(c *checker, e ast.Expr) bool {
	tv := c.m.Info.Types[e]
	return tv.Value != nil && tv.Value.String() == "1"
}

// deferredDone returns the WaitGroup variable of a statement defer wg.Done(), or nil.
func (c *checker) deferredDone(s ast.Stmt) *types.Var {
	d, ok := s.(*ast.DeferStmt)
	if !ok || len(d.Call.Args) != 0 {
		return nil
	}
	fn, ok := typeutil.Callee(c.m.Info, d.Call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" || fn.Name() != "Done" || fn.Signature().Recv() == nil {
		return nil
	}
	id, ok := ast.Unparen(d.Call.Fun).(*ast.SelectorExpr).X.(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := c.m.Info.Uses[id].(*types.Var)
	if v == nil || !isWaitGroup(v.Type()) {
		return nil
	}
	return v
}

func isWaitGroup(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" && n.Obj().Name() == "WaitGroup"
}

// firstErrIf matches if err := f(); err != nil { if firstErr == nil { firstErr = err } }
// (or with the condition err != nil && firstErr == nil), returning the call.
func (c *checker) firstErrIf(s ast.Stmt, first *types.Var) (ast.Expr, bool) {
	ifs, ok := s.(*ast.IfStmt)
	if !ok || ifs.Else != nil {
		return nil, false
	}
	init, ok := ifs.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return nil, false
	}
	errID, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return nil, false
	}
	errV := c.m.Info.Defs[errID]
	if _, ok := ast.Unparen(init.Rhs[0]).(*ast.CallExpr); !ok || errV == nil || c.mentions(init.Rhs[0], first) {
		return nil, false
	}
	isNil := func(e ast.Expr, v types.Object, op token.Token) bool {
		b, ok := ast.Unparen(e).(*ast.BinaryExpr)
		if !ok || b.Op != op {
			return false
		}
		id, ok := ast.Unparen(b.X).(*ast.Ident)
		return ok && c.m.Info.Uses[id] == v && c.m.Info.Types[b.Y].IsNil()
	}
	assigns := func(list []ast.Stmt) bool {
		if len(list) != 1 {
			return false
		}
		as, ok := list[0].(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return false
		}
		l, lok := as.Lhs[0].(*ast.Ident)
		r, rok := as.Rhs[0].(*ast.Ident)
		return lok && rok && c.m.Info.Uses[l] == first && c.m.Info.Uses[r] == errV
	}
	if b, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr); ok && b.Op == token.LAND {
		// err != nil && firstErr == nil { firstErr = err }
		return init.Rhs[0], isNil(b.X, errV, token.NEQ) && isNil(b.Y, first, token.EQL) && assigns(ifs.Body.List)
	}
	if !isNil(ifs.Cond, errV, token.NEQ) || len(ifs.Body.List) != 1 {
		return nil, false
	}
	inner, ok := ifs.Body.List[0].(*ast.IfStmt)
	if !ok || inner.Init != nil || inner.Else != nil || !isNil(inner.Cond, first, token.EQL) {
		return nil, false
	}
	return init.Rhs[0], assigns(inner.Body.List)
}

// usesOf returns the cursors of the uses of v.
func (c *checker) usesOf(v *types.Var) []inspector.Cursor {
	var out []inspector.Cursor
	for id, obj := range c.m.Info.Uses {
		if obj == v {
			if cur, ok := c.m.Inspector.Root().FindNode(id); ok {
				out = append(out, cur)
			}
		}
	}
	return out
}

// buildGroup rewrites the WaitGroup, the goroutine and the Wait for an errgroup.
func (c *checker) buildGroup(fx *fixkit.Fix, f *finding) error {
	p := f.group
	pkg, err := fx.AddImport(p.wgDecl, "golang.org/x/sync/errgroup", "errgroup")
	if err != nil {
		return err
	}
	spec := fx.Dst(p.wgDecl).(*dst.DeclStmt).Decl.(*dst.GenDecl).Specs[0].(*dst.ValueSpec)
	spec.Names[0] = dst.NewIdent(p.name)
	spec.Type = &dst.SelectorExpr{X: dst.NewIdent(pkg), Sel: dst.NewIdent("Group")}
	if err := removeStmt(fx, c.listOf(p.add), fx.Dst(p.add).(dst.Stmt)); err != nil {
		return err
	}
	call := dst.Clone(fx.Dst(p.call)).(dst.Expr)
	clearDecs(call)
	lit := &dst.FuncLit{
		Type: &dst.FuncType{Func: true, Params: &dst.FieldList{}, Results: &dst.FieldList{List: []*dst.Field{{Type: dst.NewIdent("error")}}}},
		Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ReturnStmt{Results: []dst.Expr{call}}}},
	}
	gs := &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(p.name), Sel: dst.NewIdent("Go")}, Args: []dst.Expr{lit}}}
	old := fx.Dst(p.goStmt).(dst.Stmt)
	gs.Decs.NodeDecs = *old.Decorations()
	// The comments of the goroutine's body go above the new statement.
	for _, cg := range c.fileOf(p.goStmt).Comments {
		if p.goStmt.Pos() <= cg.Pos() && cg.End() <= p.goStmt.End() {
			for _, cm := range cg.List {
				gs.Decs.Start = append(gs.Decs.Start, cm.Text)
			}
		}
	}
	if err := replaceStmt(fx, c.listOf(p.goStmt), old, gs); err != nil {
		return err
	}
	oldWait := fx.Dst(p.wait).(dst.Stmt)
	wait := &dst.AssignStmt{
		Lhs: []dst.Expr{dst.NewIdent(f.v.Var.Name())},
		Tok: token.ASSIGN,
		Rhs: []dst.Expr{&dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(p.name), Sel: dst.NewIdent("Wait")}}},
	}
	wait.Decs.NodeDecs = *oldWait.Decorations()
	return replaceStmt(fx, c.listOf(p.wait), oldWait, wait)
}
