package singlesend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// A carry is the fix of a sender that writes variables its spawner uses after it may have
// returned: the values travel with the channel's value, in a small result struct, and the
// spawner copies them where it receives. The goroutine then writes only its own variable,
// and nobody reads it if nobody receives.
//
//	type result struct {
//		res string
//		err error
//	}
//	done := make(chan result, 1)
//	go func() {
//		var r result
//		r.res, r.err = get()
//		done <- r
//	}()
//	select {
//	case r := <-done:
//		res, err = r.res, r.err
//		...
type carry struct {
	s        *sender
	vars     []*types.Var // the carried variables, in the order of their first write
	typeName string       // the result type declared before the make
	recvName string       // the variable of the goroutine and of the receives
	valField string       // the field of the channel's own value; "" when an empty struct is dropped
	fields   []string     // the field declarations: "name Type"
	makeStmt ast.Stmt     // the statement of the make, in a statement list
	makeCur  inspector.Cursor
	writes   []*ast.Ident // the carried variables assigned in the goroutine
	sends    []inspector.Cursor
	recvs    []recvSite
}

// A recvSite is a receive from the channel in the spawning function.
type recvSite struct {
	stmt ast.Stmt // the *ast.ExprStmt or *ast.AssignStmt that receives
	cur  inspector.Cursor
	comm bool     // the communication of a select case
	lhs  ast.Expr // x of x := <-ch or x = <-ch; nil for <-ch
	def  bool     // x := <-ch
}

// planCarry returns the carry of the racing writes ws of s, or why there is none.
func (ck *check) planCarry(s *sender, active []*sender, ws []write) (*carry, string) {
	info := ck.info
	if len(active) != 1 {
		return nil, "several goroutines send on the channel"
	}
	if s.alias != nil {
		return nil, "the channel is passed to the goroutine as an argument"
	}
	cr := &carry{s: s}
	carried := make(map[*types.Var]bool)
	for _, w := range ws {
		cr.vars = append(cr.vars, w.v)
		carried[w.v] = true
	}
	// The make's statement: the type is declared before it.
	mkCur, ok := ck.fn.Cursor.FindNode(ck.call)
	if !ok {
		return nil, "cannot find the make"
	}
	stmtCur := mkCur.Parent()
	switch p := stmtCur.Node().(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) != 1 {
			return nil, "the make is one of several values of its statement"
		}
	case *ast.ValueSpec:
		if p.Type != nil || len(p.Names) != 1 {
			return nil, "the channel's declaration names its type"
		}
		stmtCur = stmtCur.Parent().Parent() // GenDecl, DeclStmt
		if len(stmtCur.Node().(*ast.DeclStmt).Decl.(*ast.GenDecl).Specs) != 1 {
			return nil, "the make is one of several declarations of its statement"
		}
	default:
		return nil, "cannot find the make's statement"
	}
	if !inList(stmtCur) {
		return nil, "the make is not in a statement list"
	}
	cr.makeStmt, cr.makeCur = stmtCur.Node().(ast.Stmt), mkCur
	// The goroutine only assigns the carried variables, with =, in its own body.
	litCur, ok := ck.fn.Cursor.FindNode(s.lit)
	if !ok {
		return nil, "cannot find the goroutine"
	}
	for cur := range litCur.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		v, ok := info.Uses[id].(*types.Var)
		if !ok || !carried[v] {
			continue
		}
		if ck.m.Enclosing(cur).Node != s.lit {
			return nil, fmt.Sprintf("the goroutine uses %s in a nested function", v.Name())
		}
		as, ok := cur.Parent().Node().(*ast.AssignStmt)
		if !ok || cur.ParentEdgeKind() != edge.AssignStmt_Lhs || as.Tok != token.ASSIGN {
			return nil, fmt.Sprintf("the goroutine reads %s or updates it in place", v.Name())
		}
		cr.writes = append(cr.writes, id)
	}
	if why := ck.assignedBeforeSends(cr, carried); why != "" {
		return nil, why
	}
	for _, send := range s.sends {
		c, ok := litCur.FindNode(send)
		if !ok || !inList(c) {
			return nil, "the send is not in a statement list"
		}
		cr.sends = append(cr.sends, c)
	}
	// Names that appear nowhere in the function: they can shadow nothing it uses.
	used := make(map[string]bool)
	ast.Inspect(ck.fn.Node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	for n := range ck.taken[ck.fn.Node] {
		used[n] = true
	}
	cr.typeName = fresh(used, "result", "outcome")
	cr.recvName = fresh(used, "r", "res")
	// The fields, written where the make is.
	fieldNames := make(map[string]bool)
	pos := cr.makeStmt.Pos()
	file := ck.m.File(pos)
	for _, v := range cr.vars {
		if fieldNames[v.Name()] {
			return nil, fmt.Sprintf("two carried variables are named %s", v.Name())
		}
		fieldNames[v.Name()] = true
		t, ok := fixkit.TypeString(ck.pass.Pkg, v.Type(), pos, file)
		if !ok {
			return nil, fmt.Sprintf("cannot write the type of %s", v.Name())
		}
		cr.fields = append(cr.fields, v.Name()+" "+t)
	}
	elem := ck.obj.Type().Underlying().(*types.Chan).Elem()
	if st, ok := elem.Underlying().(*types.Struct); !ok || st.NumFields() > 0 {
		t, ok := fixkit.TypeString(ck.pass.Pkg, elem, pos, file)
		if !ok {
			return nil, "cannot write the type of the channel's values"
		}
		cr.valField = fresh(fieldNames, "val", "value")
		cr.fields = append(cr.fields, cr.valField+" "+t)
	} else {
		for _, send := range s.sends {
			switch ast.Unparen(send.Value).(type) {
			case *ast.CompositeLit, *ast.Ident:
			default:
				return nil, "the value sent is computed but would be dropped"
			}
		}
	}
	// The receives.
	lists := make(map[ast.Node]bool)
	for cur := range ck.fn.Cursor.Preorder((*ast.Ident)(nil)) {
		if info.Uses[cur.Node().(*ast.Ident)] != ck.obj || inside(s.lit, cur.Node().Pos()) {
			continue
		}
		site, why := ck.recvSite(cur, carried)
		if why != "" {
			return nil, why
		}
		if !site.comm {
			owner := site.cur.Parent().Node()
			if lists[owner] {
				return nil, "two receives share a block"
			}
			lists[owner] = true
		}
		cr.recvs = append(cr.recvs, site)
	}
	if ck.taken[ck.fn.Node] == nil {
		ck.taken[ck.fn.Node] = make(map[string]bool)
	}
	ck.taken[ck.fn.Node][cr.typeName] = true
	ck.taken[ck.fn.Node][cr.recvName] = true
	return cr, ""
}

// recvSite returns the receive whose channel is the identifier at cur, or why the fix
// cannot rewrite it.
func (ck *check) recvSite(cur inspector.Cursor, carried map[*types.Var]bool) (recvSite, string) {
	name := ck.obj.Name()
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	recv := cur.Parent() // the receive: senders() saw to it
	for recv.ParentEdgeKind() == edge.ParenExpr_X {
		recv = recv.Parent()
	}
	var site recvSite
	switch p := recv.Parent().Node().(type) {
	case *ast.ExprStmt:
		site = recvSite{stmt: p, cur: recv.Parent()}
	case *ast.AssignStmt:
		if len(p.Lhs) != 1 || len(p.Rhs) != 1 {
			return site, fmt.Sprintf("a receive from %s also receives whether it is closed", name)
		}
		id, ok := ast.Unparen(p.Lhs[0]).(*ast.Ident)
		if !ok {
			return site, fmt.Sprintf("a receive from %s is assigned to an expression", name)
		}
		site = recvSite{stmt: p, cur: recv.Parent(), lhs: id, def: p.Tok == token.DEFINE}
		if p.Tok != token.DEFINE && p.Tok != token.ASSIGN {
			return site, fmt.Sprintf("a receive from %s is part of an expression", name)
		}
		if site.def {
			for v := range carried {
				if v.Name() == id.Name {
					return site, fmt.Sprintf("a receive from %s declares another %s", name, id.Name)
				}
			}
		}
	default:
		return site, fmt.Sprintf("a receive from %s is part of an expression", name)
	}
	site.comm = site.cur.ParentEdgeKind() == edge.CommClause_Comm
	if !site.comm && !inList(site.cur) {
		return site, fmt.Sprintf("a receive from %s is in a statement header", name)
	}
	for v := range carried {
		if fixkit.Lookup(ck.pass.Pkg, v.Name(), site.stmt.Pos()) != v {
			return site, fmt.Sprintf("%s is shadowed where %s is received from", v.Name(), name)
		}
	}
	return site, ""
}

// assignedBeforeSends reports why some path of the goroutine may send before it assigns
// every carried variable (the copy the spawner makes would then lose the value the
// variable had), or "".
func (ck *check) assignedBeforeSends(cr *carry, carried map[*types.Var]bool) string {
	bit := make(map[*types.Var]uint64)
	for i, v := range cr.vars {
		if i == 64 {
			return "too many variables to carry"
		}
		bit[v] = 1 << i
	}
	want := uint64(1)<<len(cr.vars) - 1
	if len(cr.vars) == 64 {
		want = ^uint64(0)
	}
	writesOf := func(n ast.Node) uint64 {
		var b uint64
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			for _, l := range as.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok {
					if v, ok := ck.info.Uses[id].(*types.Var); ok {
						b |= bit[v]
					}
				}
			}
		}
		return b
	}
	sends := make(map[ast.Node]bool)
	for _, s := range cr.s.sends {
		sends[s] = true
	}
	g := ck.m.FuncOf(cr.s.lit).CFG()
	in := make(map[*cfg.Block]uint64)
	seen := make(map[*cfg.Block]bool)
	in[g.Blocks[0]], seen[g.Blocks[0]] = 0, true
	work := []*cfg.Block{g.Blocks[0]}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		st := in[b]
		for _, n := range b.Nodes {
			st |= writesOf(n)
		}
		for _, s := range b.Succs {
			next := st
			if seen[s] {
				next &= in[s]
			}
			if !seen[s] || next != in[s] {
				seen[s], in[s] = true, next
				work = append(work, s)
			}
		}
	}
	for _, b := range g.Blocks {
		if !b.Live || !seen[b] {
			continue
		}
		st := in[b]
		for _, n := range b.Nodes {
			if sends[n] && st&want != want {
				for _, v := range cr.vars {
					if st&bit[v] == 0 {
						return fmt.Sprintf("the goroutine may send before it assigns %s", v.Name())
					}
				}
			}
			st |= writesOf(n)
		}
	}
	return ""
}

// inList reports whether the statement at cur is in a statement list.
func inList(cur inspector.Cursor) bool {
	switch cur.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

// fresh returns the first of the names, or of the first name with a number, that used
// does not hold.
func fresh(used map[string]bool, names ...string) string {
	for _, n := range names {
		if !used[n] {
			return n
		}
	}
	for i := 2; ; i++ {
		if n := names[0] + strconv.Itoa(i); !used[n] {
			return n
		}
	}
}
