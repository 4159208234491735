package chanmutex

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

// Analyzer finds channels of capacity 1 used as a mutex and replaces them with sync.Mutex.
var Analyzer = &analysis.Analyzer{
	Name:     "chanmutex",
	Doc:      fixkit.Doc(docGo, "chanmutex"),
	URL:      fixkit.URL("chanmutex"),
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// A candidate is a struct field or a local variable initialised with make(chan T, 1).
type candidate struct {
	v     *types.Var
	field bool

	decl inspector.Cursor // the declaring identifier

	// Fields only.
	astField   *ast.Field
	structType *ast.StructType
	owner      types.Type      // the struct type that declares the field (named, or *types.Struct)
	ownerName  *types.TypeName // owner's name, or nil for an anonymous struct

	inits []*initSite
	ops   []*op

	skip      bool              // not a mutex (or not one we understand): no diagnostic
	noFix     string            // why the finding is reported without a fix
	noFixP    token.Pos         // where, for the related information
	fills     map[ast.Stmt]bool // the sends that pre-fill the channel
	prefilled bool              // receive acquires and send releases
}

// acquires reports whether o acquires the lock (rather than releasing it).
func (cd *candidate) acquires(o *op) bool {
	return (o.kind == opSend) != cd.prefilled
}

type initKind int

const (
	initKeyValue initKind = iota // T{ch: make(chan T, 1)}
	initAssign                   // x.ch = make(chan T, 1)
	initDefine                   // ch := make(chan T, 1)
	initVarSpec                  // var ch = make(chan T, 1)
)

// An initSite is where the channel is made.
type initSite struct {
	kind initKind
	make *ast.CallExpr
	node ast.Node          // *ast.KeyValueExpr, *ast.AssignStmt or *ast.ValueSpec
	lit  *ast.CompositeLit // initKeyValue: the literal
	stmt inspector.Cursor  // the statement that makes the channel (may be invalid for package-level literals)
	fill *ast.SendStmt     // the send that fills the channel right after, or nil
}

type opKind int

const (
	opSend opKind = iota
	opRecv
)

// An op is a statement that sends to or receives from the channel.
type op struct {
	kind   opKind
	stmt   ast.Stmt         // *ast.SendStmt, *ast.ExprStmt or *ast.AssignStmt (_ = <-ch)
	cur    inspector.Cursor // cursor of stmt
	ch     ast.Expr         // the channel operand
	fn     ast.Node         // the function (*ast.FuncDecl or *ast.FuncLit) in whose flow the op takes effect
	body   *ast.BlockStmt   // fn's body
	defer_ *ast.DeferStmt   // for a release in a deferred closure: the defer statement
	lit    *ast.FuncLit     // and its closure
}

func run(pass *analysis.Pass) (any, error) {
	in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	info := pass.TypesInfo

	// Seeds, and the fast exit: calls make(chan T, 1) that initialise a field or a
	// local variable.
	cands := make(map[*types.Var]*candidate)
	var order []*candidate
	for c := range in.Root().Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		if !isMakeChan1(info, call) {
			continue
		}
		v, field := madeFor(pass, c)
		if v == nil || cands[v] != nil {
			continue
		}
		cd := &candidate{v: v, field: field, fills: make(map[ast.Stmt]bool)}
		cands[v] = cd
		order = append(order, cd)
	}
	if len(order) == 0 {
		return nil, nil
	}

	// Every reference to a candidate.
	for c := range in.Root().Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		obj := info.Defs[id]
		if obj == nil {
			obj = info.Uses[id]
		}
		v, ok := obj.(*types.Var)
		if !ok {
			continue
		}
		cd := cands[v]
		if cd == nil || cd.skip {
			continue
		}
		if info.Defs[id] != nil {
			if cd.decl.Valid() {
				cd.skip = true
				continue
			}
			cd.decl = c
			continue
		}
		classify(pass, cd, c)
	}

	pc := newPkgChecks(pass)
	for _, cd := range order {
		if cd.skip || !cd.decl.Valid() {
			continue
		}
		if cd.field {
			if !fieldDecl(pass, cd) {
				continue
			}
		} else if !localDecl(pass, cd) {
			continue
		}
		if cd.skip || !findFills(pass, cd) {
			continue
		}
		if len(cd.ops) == 0 || onlyEmptyRegions(cd) {
			continue // never locked, or nothing under the lock: not a mutex
		}
		ok, mutexy := balanced(pass, cd)
		if !ok {
			if !mutexy {
				continue // a signal between functions or goroutines, or a lock helper
			}
			cd.setNoFix(cd.v.Pos(), "cannot prove that every acquire is released on every path")
		}
		if cd.field {
			pc.checkField(cd)
		}
		if !cd.skip {
			report(pass, cd)
		}
	}
	return nil, nil
}

func (cd *candidate) setNoFix(pos token.Pos, why string) {
	if cd.noFix == "" {
		cd.noFix, cd.noFixP = why, pos
	}
}

func (cd *candidate) name() string {
	if cd.field {
		if cd.ownerName != nil {
			return cd.ownerName.Name() + "." + cd.v.Name()
		}
		return "field " + cd.v.Name()
	}
	return cd.v.Name()
}

func report(pass *analysis.Pass, cd *candidate) {
	d := analysis.Diagnostic{
		Pos:     cd.v.Pos(),
		End:     cd.v.Pos() + token.Pos(len(cd.v.Name())),
		Message: fmt.Sprintf("channel %s of capacity 1 is used as a mutex", cd.name()),
	}
	if cd.noFix != "" {
		fixkit.Refuse(pass, d, cd.noFixP, cd.noFix)
		return
	}
	reportFix(pass, cd, d)
}

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
func classify(pass *analysis.Pass, cd *candidate, c inspector.Cursor) {
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
		addOp(cd, &op{kind: opSend, stmt: send, cur: parent, ch: send.Chan})
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
		addOp(cd, &op{kind: opRecv, stmt: stmt.Node().(ast.Stmt), cur: stmt, ch: u.X})
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
func addOp(cd *candidate, o *op) {
	fc, ok := enclosingFunc(o.cur)
	if !ok {
		cd.skip = true
		return
	}
	if lit, ok := fc.Node().(*ast.FuncLit); ok {
		// A release in a deferred closure: defer func() { <-ch }().
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
			fc, ok = enclosingFunc(fc.Parent().Parent())
			if !ok {
				cd.skip = true
				return
			}
		}
	}
	switch fn := fc.Node().(type) {
	case *ast.FuncDecl:
		o.fn, o.body = fn, fn.Body
	case *ast.FuncLit:
		o.fn, o.body = fn, fn.Body
	}
	cd.ops = append(cd.ops, o)
}

func enclosingFunc(c inspector.Cursor) (inspector.Cursor, bool) {
	for fc := range c.Parent().Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return fc, true
	}
	return inspector.Cursor{}, false
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

// fieldDecl completes a field candidate from its declaration. It returns false when the
// candidate is not one to report.
func fieldDecl(pass *analysis.Pass, cd *candidate) bool {
	c := cd.decl
	if c.ParentEdgeKind() != edge.Field_Names {
		return false
	}
	fc := c.Parent()
	cd.astField = fc.Node().(*ast.Field)
	if fc.ParentEdgeKind() != edge.FieldList_List || fc.Parent().ParentEdgeKind() != edge.StructType_Fields {
		return false
	}
	sc := fc.Parent().Parent()
	cd.structType = sc.Node().(*ast.StructType)
	if ct, ok := cd.astField.Type.(*ast.ChanType); !ok || ct.Dir != ast.SEND|ast.RECV {
		return false // a named channel type, or a directional one
	}
	if sc.ParentEdgeKind() == edge.TypeSpec_Type {
		spec := sc.Parent().Node().(*ast.TypeSpec)
		if spec.TypeParams != nil || spec.Assign.IsValid() {
			return false
		}
		tn, ok := pass.TypesInfo.Defs[spec.Name].(*types.TypeName)
		if !ok {
			return false
		}
		cd.ownerName, cd.owner = tn, tn.Type()
	} else {
		cd.owner = pass.TypesInfo.TypeOf(cd.structType)
		if cd.owner == nil {
			return false
		}
	}
	if len(cd.astField.Names) != 1 {
		cd.setNoFix(cd.astField.Pos(), "the field is declared together with others")
	}
	if len(cd.inits) == 0 {
		return false
	}
	if isGenerated(pass, cd.astField) {
		return false
	}
	return true
}

// localDecl completes a local variable candidate from its declaration.
func localDecl(pass *analysis.Pass, cd *candidate) bool {
	c := cd.decl
	info := pass.TypesInfo
	switch ek, _ := c.ParentEdge(); ek {
	case edge.AssignStmt_Lhs:
		as := c.Parent().Node().(*ast.AssignStmt)
		if as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 || !stmtInList(c.Parent()) {
			return false
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		if !ok || !isMakeChan1(info, call) {
			return false
		}
		cd.inits = append(cd.inits, &initSite{kind: initDefine, make: call, node: as, stmt: c.Parent()})
	case edge.ValueSpec_Names:
		spec := c.Parent().Node().(*ast.ValueSpec)
		if len(spec.Names) != 1 || len(spec.Values) != 1 {
			return false
		}
		call, ok := spec.Values[0].(*ast.CallExpr)
		if !ok || !isMakeChan1(info, call) {
			return false
		}
		if spec.Type != nil {
			if ct, ok := spec.Type.(*ast.ChanType); !ok || ct.Dir != ast.SEND|ast.RECV {
				return false
			}
		}
		st := litStmt(c) // var ch = ...: spec -> GenDecl -> DeclStmt
		sp := c.Parent()
		if sp.ParentEdgeKind() == edge.GenDecl_Specs && sp.Parent().ParentEdgeKind() == edge.DeclStmt_Decl {
			st = sp.Parent().Parent()
		}
		if !st.Valid() || !stmtInList(st) {
			return false
		}
		cd.inits = append(cd.inits, &initSite{kind: initVarSpec, make: call, node: spec, stmt: st})
	default:
		return false
	}
	if _, ok := cd.v.Type().(*types.Chan); !ok {
		return false // a named channel type
	}
	return !isGenerated(pass, cd.decl.Node())
}

// findFills finds the send that fills the channel right after each make, and decides the
// direction of the lock: receive-then-send when every make is followed by its fill,
// send-then-receive when none is. It returns false for a mix.
func findFills(pass *analysis.Pass, cd *candidate) bool {
	filled := 0
	for _, site := range cd.inits {
		site.fill = fillAfter(pass, cd, site)
		if site.fill != nil {
			filled++
			cd.fills[site.fill] = true
		}
	}
	if filled != 0 && filled != len(cd.inits) {
		return false
	}
	if filled > 0 {
		// Pre-filled: receive acquires, send releases.
		ops := cd.ops[:0]
		for _, o := range cd.ops {
			if !cd.fills[o.stmt] {
				ops = append(ops, o)
			}
		}
		cd.ops = ops
		cd.prefilled = true
	}
	return true
}

// fillAfter returns the statement right after the make of site that sends on the new
// channel, or nil.
func fillAfter(pass *analysis.Pass, cd *candidate, site *initSite) *ast.SendStmt {
	info := pass.TypesInfo
	if !site.stmt.Valid() {
		return nil
	}
	next, ok := site.stmt.NextSibling()
	if !ok {
		return nil
	}
	send, ok := next.Node().(*ast.SendStmt)
	if !ok || !pureValue(info, send.Value) {
		return nil
	}
	if !cd.field {
		id, ok := send.Chan.(*ast.Ident)
		if ok && info.Uses[id] == cd.v {
			return send
		}
		return nil
	}
	// The variable that holds the struct: x in x := &T{ch: ...} or x.ch = make(...).
	var base *types.Var
	switch n := site.stmt.Node().(type) {
	case *ast.AssignStmt:
		var lhs ast.Expr
		if site.kind == initAssign {
			lhs = n.Lhs[0].(*ast.SelectorExpr).X
		} else if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
			lhs = n.Lhs[0]
		}
		if id, ok := lhs.(*ast.Ident); ok {
			base, _ = info.ObjectOf(id).(*types.Var)
		}
	case *ast.DeclStmt:
		vs := n.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
		if len(n.Decl.(*ast.GenDecl).Specs) == 1 && len(vs.Names) == 1 {
			base, _ = info.Defs[vs.Names[0]].(*types.Var)
		}
	}
	if base == nil {
		return nil
	}
	sel, ok := send.Chan.(*ast.SelectorExpr)
	if !ok || info.Uses[sel.Sel] != cd.v {
		return nil
	}
	if id, ok := sel.X.(*ast.Ident); ok && info.Uses[id] == base {
		return send
	}
	return nil
}

func isGenerated(pass *analysis.Pass, n ast.Node) bool {
	for _, f := range pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() <= f.FileEnd {
			return ast.IsGenerated(f)
		}
	}
	return false
}

// onlyEmptyRegions reports whether every acquire is directly followed by a release: the
// channel guards nothing (a test of channel operations, a barrier), so it is not a mutex
// written the long way.
func onlyEmptyRegions(cd *candidate) bool {
	release := make(map[ast.Node]bool)
	for _, o := range cd.ops {
		if !cd.acquires(o) && o.defer_ == nil {
			release[o.stmt] = true
		}
	}
	for _, o := range cd.ops {
		if !cd.acquires(o) {
			continue
		}
		next, ok := o.cur.NextSibling()
		if !ok || !release[next.Node()] {
			return false
		}
	}
	return true
}
