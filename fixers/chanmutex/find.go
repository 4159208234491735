package chanmutex

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// The candidates and their operations: the make(chan T, 1) calls that initialise a field
// or a local variable, and what every reference to it does.

// isMakeChan1 reports whether call is make(chan T, 1) of a bidirectional channel type.
func isMakeChan1(info *types.Info, call *ast.CallExpr) bool {
	if len(call.Args) != 2 {
		return false
	}
	fun := ast.Unparen(call.Fun)
	id, ok := fun.(*ast.Ident)
	if !ok {
		return false
	}
	if b, ok := info.Uses[id].(*types.Builtin); !ok || b.Name() != "make" {
		return false
	}
	ch, ok := info.TypeOf(call.Args[0]).Underlying().(*types.Chan)
	if !ok || ch.Dir() != types.SendRecv {
		return false
	}
	return isConstInt(info, call.Args[1], 1)
}

func isConstInt(info *types.Info, e ast.Expr, n int64) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil {
		return false
	}
	v, exact := constant.Int64Val(constant.ToInt(tv.Value))
	return exact && v == n
}

// madeFor returns the field or local variable that the make call at c initialises.
func madeFor(pass *analysis.Pass, c inspector.Cursor) (*types.Var, bool) {
	info := pass.TypesInfo
	parent := c.Parent()
	switch ek, idx := c.ParentEdge(); ek {
	case edge.KeyValueExpr_Value:
		kv := parent.Node().(*ast.KeyValueExpr)
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			return nil, false
		}
		if v, ok := info.Uses[key].(*types.Var); ok && v.IsField() && v.Pkg() == pass.Pkg && v.Origin() == v {
			return v, true
		}
	case edge.AssignStmt_Rhs:
		as := parent.Node().(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) {
			return nil, false
		}
		switch lhs := as.Lhs[idx].(type) {
		case *ast.SelectorExpr:
			sel := info.Selections[lhs]
			if sel == nil || sel.Kind() != types.FieldVal {
				return nil, false
			}
			if v := sel.Obj().(*types.Var); v.Pkg() == pass.Pkg && v.Origin() == v {
				return v, true
			}
		case *ast.Ident:
			if v, ok := info.Defs[lhs].(*types.Var); ok && as.Tok == token.DEFINE && isLocal(pass, v) {
				return v, false
			}
		}
	case edge.ValueSpec_Values:
		spec := parent.Node().(*ast.ValueSpec)
		if len(spec.Names) != len(spec.Values) {
			return nil, false
		}
		if v, ok := info.Defs[spec.Names[idx]].(*types.Var); ok && isLocal(pass, v) {
			return v, false
		}
	}
	return nil, false
}

func isLocal(pass *analysis.Pass, v *types.Var) bool {
	return v.Parent() != nil && v.Parent() != pass.Pkg.Scope() && v.Parent() != types.Universe
}

// classify records the reference at c (an identifier using cd.v) as an init site or an
// op, or marks cd as skipped when the use is anything else.
func classify(pass *analysis.Pass, m *model.Model, cd *candidate, c inspector.Cursor) {
	info := pass.TypesInfo
	e := c // the channel expression
	if cd.field {
		switch c.ParentEdgeKind() {
		case edge.SelectorExpr_Sel:
			e = c.Parent()
			sel := info.Selections[e.Node().(*ast.SelectorExpr)]
			if sel == nil || sel.Kind() != types.FieldVal {
				cd.skip = true
				return
			}
			if x := e.Node().(*ast.SelectorExpr).X; !sel.Indirect() && !info.Types[x].Addressable() {
				cd.skip = true // x.ch.Lock() needs an addressable x
				return
			}
		case edge.KeyValueExpr_Key:
			kv := c.Parent().Node().(*ast.KeyValueExpr)
			call, ok := kv.Value.(*ast.CallExpr)
			if !ok || !isMakeChan1(info, call) || c.Parent().ParentEdgeKind() != edge.CompositeLit_Elts {
				cd.skip = true
				return
			}
			lit := c.Parent().Parent().Node().(*ast.CompositeLit)
			cd.inits = append(cd.inits, &initSite{kind: initKeyValue, make: call, node: kv, lit: lit, stmt: litStmt(c.Parent().Parent())})
			return
		default:
			cd.skip = true
			return
		}
	}

	parent := e.Parent()
	switch ek, idx := e.ParentEdge(); ek {
	case edge.SendStmt_Chan:
		send := parent.Node().(*ast.SendStmt)
		if !stmtInList(parent) || !pureValue(info, send.Value) {
			cd.skip = true
			return
		}
		addOp(m, cd, &op{kind: opSend, stmt: send, cur: parent, ch: send.Chan})
	case edge.UnaryExpr_X:
		u := parent.Node().(*ast.UnaryExpr)
		if u.Op != token.ARROW {
			cd.skip = true
			return
		}
		stmt := parent.Parent()
		switch parent.ParentEdgeKind() {
		case edge.ExprStmt_X:
			// <-ch
		case edge.AssignStmt_Rhs:
			as := stmt.Node().(*ast.AssignStmt)
			if as.Tok != token.ASSIGN || len(as.Lhs) != 1 || !isBlank(as.Lhs[0]) {
				cd.skip = true
				return
			}
		default:
			cd.skip = true // the received value is used
			return
		}
		if !stmtInList(stmt) {
			cd.skip = true
			return
		}
		addOp(m, cd, &op{kind: opRecv, stmt: stmt.Node().(ast.Stmt), cur: stmt, ch: u.X})
	case edge.AssignStmt_Lhs:
		as := parent.Node().(*ast.AssignStmt)
		if !cd.field || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 || idx != 0 {
			cd.skip = true
			return
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		if !ok || !isMakeChan1(info, call) || !stmtInList(parent) {
			cd.skip = true
			return
		}
		site := &initSite{kind: initAssign, make: call, node: as, stmt: parent}
		if !inConstructor(pass, as.Lhs[0].(*ast.SelectorExpr).X, parent) {
			cd.setNoFix(as.Pos(), "the channel is made outside a constructor")
		}
		cd.inits = append(cd.inits, site)
	default:
		cd.skip = true
	}
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// stmtInList reports whether the statement at c is an element of a statement list (or a
// labelled statement), not the init or post statement of an if, for or switch, nor the
// communication of a select case.
func stmtInList(c inspector.Cursor) bool {
	switch c.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	case edge.LabeledStmt_Stmt:
		return stmtInList(c.Parent())
	}
	return false
}

// addOp completes o with the function it belongs to and records it.
func addOp(m *model.Model, cd *candidate, o *op) {
	f := m.Enclosing(o.cur)
	if f == nil {
		cd.skip = true
		return
	}
	if lit, ok := f.Node.(*ast.FuncLit); ok {
		// A release in a deferred closure: defer func() { <-ch }().
		fc := f.Cursor
		if fc.ParentEdgeKind() == edge.CallExpr_Fun && len(fc.Parent().Node().(*ast.CallExpr).Args) == 0 &&
			fc.Parent().ParentEdgeKind() == edge.DeferStmt_Call && deferredUnconditionally(lit, o.stmt) {
			o.defer_ = fc.Parent().Parent().Node().(*ast.DeferStmt)
			o.lit = lit
			for _, other := range cd.ops {
				if other.defer_ == o.defer_ {
					cd.skip = true
					return
				}
			}
			if f = f.Outer; f == nil {
				cd.skip = true
				return
			}
		}
	}
	o.fn = f
	cd.ops = append(cd.ops, o)
}

// deferredUnconditionally reports whether stmt is a top-level statement of the closure
// lit that runs whenever the closure runs: the first statement, or one that no return
// or goto before it can skip.
func deferredUnconditionally(lit *ast.FuncLit, stmt ast.Stmt) bool {
	for _, s := range lit.Body.List {
		if s == stmt {
			return true
		}
		escapes := false
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				escapes = true
			case *ast.BranchStmt:
				if n.Tok == token.GOTO {
					escapes = true
				}
			}
			return !escapes
		})
		if escapes {
			return false
		}
	}
	return false
}

// pureValue reports whether the value sent on the channel can be dropped: a constant, nil,
// or a composite literal without elements.
func pureValue(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && (tv.Value != nil || tv.IsNil()) {
		return true
	}
	lit, ok := e.(*ast.CompositeLit)
	return ok && len(lit.Elts) == 0
}

// litStmt returns the statement that a composite literal (at c) initialises a local
// variable in, as in x := &T{...} or var x = T{...}; or an invalid cursor.
func litStmt(c inspector.Cursor) inspector.Cursor {
	if c.ParentEdgeKind() == edge.UnaryExpr_X && c.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
		c = c.Parent()
	}
	switch c.ParentEdgeKind() {
	case edge.AssignStmt_Rhs:
		return c.Parent()
	case edge.ValueSpec_Values:
		spec := c.Parent()
		if spec.ParentEdgeKind() == edge.GenDecl_Specs && spec.Parent().ParentEdgeKind() == edge.DeclStmt_Decl {
			return spec.Parent().Parent()
		}
	}
	return inspector.Cursor{}
}

// inConstructor reports whether base, in an assignment base.ch = make(...) at stmt, is a
// local variable defined with a new value (&T{...}, new(T), T{...}, var x T) by an earlier
// statement of the same statement list: the channel is then made before anyone else can
// see the struct.
func inConstructor(pass *analysis.Pass, base ast.Expr, stmt inspector.Cursor) bool {
	id, ok := base.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || !isLocal(pass, v) {
		return false
	}
	for prev, ok := stmt.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
		if definesFresh(pass, prev.Node(), v) {
			return true
		}
	}
	return false
}

func definesFresh(pass *analysis.Pass, n ast.Node, v *types.Var) bool {
	info := pass.TypesInfo
	fresh := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = ast.Unparen(u.X)
		}
		switch e := e.(type) {
		case *ast.CompositeLit:
			return true
		case *ast.CallExpr:
			if id, ok := ast.Unparen(e.Fun).(*ast.Ident); ok {
				b, ok := info.Uses[id].(*types.Builtin)
				return ok && b.Name() == "new"
			}
		}
		return false
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok != token.DEFINE || len(n.Lhs) != len(n.Rhs) {
			return false
		}
		for i, l := range n.Lhs {
			if id, ok := l.(*ast.Ident); ok && info.Defs[id] == v {
				return fresh(n.Rhs[i])
			}
		}
	case *ast.DeclStmt:
		gd, ok := n.Decl.(*ast.GenDecl)
		if !ok {
			return false
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, name := range vs.Names {
				if info.Defs[name] != v {
					continue
				}
				if len(vs.Values) == 0 {
					_, isPtr := v.Type().Underlying().(*types.Pointer)
					return !isPtr
				}
				return len(vs.Values) == len(vs.Names) && fresh(vs.Values[i])
			}
		}
	}
	return false
}
