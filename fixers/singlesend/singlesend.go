package singlesend

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"

	"github.com/concfix/concfix/fixers/internal/noreturn"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "singlesend",
	Doc:      fixkit.Doc(docGo, "singlesend"),
	URL:      fixkit.URL("singlesend"),
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	// Fast exit: nothing to do in a package without go statements.
	hasGo := false
	for range insp.Root().Preorder((*ast.GoStmt)(nil)) {
		hasGo = true
		break
	}
	if !hasGo {
		return nil, nil
	}
	for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if !isUnbufferedMake(pass.TypesInfo, call) {
			continue
		}
		checkMake(pass, cur)
	}
	return nil, nil
}

// isUnbufferedMake reports whether call is make(chan T) or make(chan T, 0).
func isUnbufferedMake(info *types.Info, call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	if b, ok := info.Uses[id].(*types.Builtin); !ok || b.Name() != "make" {
		return false
	}
	if len(call.Args) == 0 {
		return false
	}
	tv, ok := info.Types[call.Args[0]]
	if !ok || !tv.IsType() {
		return false
	}
	if _, ok := tv.Type.Underlying().(*types.Chan); !ok {
		return false
	}
	switch len(call.Args) {
	case 1:
		return true
	case 2:
		size := info.Types[call.Args[1]]
		if size.Value == nil {
			return false
		}
		n, exact := constant.Int64Val(constant.ToInt(size.Value))
		return exact && n == 0
	}
	return false
}

// A sender is a goroutine (function literal started by a go statement) that sends on the
// channel.
type sender struct {
	stmt     *ast.GoStmt
	lit      *ast.FuncLit
	alias    *types.Var // the literal's parameter bound to the channel, if passed as argument
	sends    []*ast.SendStmt
	closes   []*ast.CallExpr // close(ch) calls in the literal
	refusal  string          // why this goroutine's shape cannot be fixed
	silently bool            // do not report at all (the goroutine can give up its send)
}

// checkMake analyses one make(chan T) call.
func checkMake(pass *analysis.Pass, makeCur inspector.Cursor) {
	info := pass.TypesInfo
	call := makeCur.Node().(*ast.CallExpr)

	// The make must be the whole value assigned to a newly declared local variable.
	var obj *types.Var
	var stmtNode ast.Node // the AssignStmt or ValueSpec, as it appears in the CFG
	parent := makeCur.Parent()
	switch p := parent.Node().(type) {
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE || len(p.Lhs) != len(p.Rhs) || makeCur.ParentEdgeKind() != edge.AssignStmt_Rhs {
			return
		}
		id, ok := p.Lhs[makeCur.ParentEdgeIndex()].(*ast.Ident)
		if !ok {
			return
		}
		obj, _ = info.Defs[id].(*types.Var)
		stmtNode = p
	case *ast.ValueSpec:
		if len(p.Names) != len(p.Values) || makeCur.ParentEdgeKind() != edge.ValueSpec_Values {
			return
		}
		obj, _ = info.Defs[p.Names[makeCur.ParentEdgeIndex()]].(*types.Var)
		stmtNode = p
	}
	if obj == nil {
		return
	}
	var fnCur inspector.Cursor
	for c := range makeCur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fnCur = c
		break
	}
	if !fnCur.Valid() {
		return // package-level variable
	}
	var body *ast.BlockStmt
	switch fn := fnCur.Node().(type) {
	case *ast.FuncDecl:
		body = fn.Body
	case *ast.FuncLit:
		body = fn.Body
	}
	if body == nil {
		return
	}
	bodyCur := fnCur.Child(body)

	// Classify every use of the channel variable.
	senders := make(map[*ast.FuncLit]*sender)
	var order []*sender
	getSender := func(lit *ast.FuncLit, g *ast.GoStmt) *sender {
		s := senders[lit]
		if s == nil {
			s = &sender{stmt: g, lit: lit}
			senders[lit] = s
			order = append(order, s)
		}
		return s
	}
	aliases := make(map[*types.Var]*ast.FuncLit) // literal parameter -> its literal
	// First pass: channel passed as an argument to a go'd literal.
	for c := range bodyCur.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if info.Uses[id] != obj {
			continue
		}
		if g, lit, idx, ok := goLitArg(c); ok && enclosingFunc(c.Parent()) == fnCur {
			if lit.Type.Params == nil || idx >= countParams(lit.Type.Params) || isVariadic(lit) {
				return
			}
			p := paramAt(info, lit, idx)
			if p == nil {
				return
			}
			aliases[p] = lit
			getSender(lit, g).alias = p
		}
	}
	escapes := false
	for c := range bodyCur.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		used := info.Uses[id]
		var v *types.Var
		if used == obj {
			v = obj
		} else if p, ok := used.(*types.Var); ok && aliases[p] != nil {
			v = p
		} else {
			continue
		}
		if v == obj {
			if _, _, _, ok := goLitArg(c); ok && enclosingFunc(c.Parent()) == fnCur {
				continue // handled above
			}
		}
		owner := enclosingFunc(c)
		if owner == fnCur {
			if v != obj {
				escapes = true
				continue
			}
			if isRecv(c) {
				continue
			}
			escapes = true // sent on, closed, ranged over, passed, stored, reassigned...
			continue
		}
		// Inside a function literal: find the outermost literal below fnCur.
		outer := owner
		for {
			up := enclosingFunc(outer.Parent())
			if up == fnCur {
				break
			}
			outer = up
		}
		lit := outer.Node().(*ast.FuncLit)
		g, ok := goStmtOf(outer)
		if !ok {
			escapes = true // used in a function literal that is not a goroutine of fn
			continue
		}
		if v != obj && aliases[v] != lit {
			escapes = true
			continue
		}
		s := getSender(lit, g)
		if owner != outer {
			// A use in a function nested in the goroutine.
			if _, ok := sendOf(c); ok {
				if s.refusal == "" {
					s.refusal = "the goroutine sends from a nested function"
				}
				continue
			}
			escapes = true
			continue
		}
		if send, ok := sendOf(c); ok {
			if sendCursor(c).ParentEdgeKind() == edge.CommClause_Comm {
				s.silently = true // a select send: the goroutine may give up
				continue
			}
			s.sends = append(s.sends, send)
			continue
		}
		if cl, ok := closeOf(info, c); ok {
			s.closes = append(s.closes, cl)
			continue
		}
		escapes = true
	}
	if escapes || len(order) == 0 {
		return
	}
	var active []*sender
	for _, s := range order {
		if s.silently {
			return
		}
		if len(s.sends) == 0 && s.refusal == "" {
			continue // captures the channel without using it
		}
		active = append(active, s)
	}
	if len(active) == 0 {
		return
	}

	// Shape of each goroutine.
	mayReturn := noreturn.MayReturn(info)
	for _, s := range active {
		if s.refusal != "" {
			continue
		}
		if !sendsOnceThenReturns(s, mayReturn) {
			s.refusal = "the goroutine may send more than once or keeps working after its send"
			continue
		}
		for _, cl := range s.closes {
			if !isTopLevelDeferClose(s.lit, cl) || len(active) > 1 {
				s.refusal = "the channel is closed"
			}
		}
	}

	// Control flow of the function, from the make to its returns.
	g := cfg.New(body, mayReturn)
	hasEmptySelect := false
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectStmt); ok && len(sel.Body.List) == 0 {
			hasEmptySelect = true
		}
		_, isLit := n.(*ast.FuncLit)
		return !isLit
	})
	_, hasResults := resultsOf(fnCur.Node())
	fa := &flow{
		info:       info,
		obj:        obj,
		g:          g,
		makeNode:   stmtNode,
		gos:        make(map[ast.Node]bool),
		mayReturn:  mayReturn,
		canFallOff: !hasResults && !hasEmptySelect,
		commRecv:   make(map[ast.Node]bool),
		caseRecv:   make(map[ast.Node]bool),
		limit:      len(active) + 1,
		rbrace:     body.Rbrace,
		body:       body,
	}
	for _, s := range active {
		fa.gos[s.stmt] = true
	}
	fa.matchFanIn(goCursors(bodyCur, active))
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CommClause:
			if n.Comm != nil && fa.isRecvOp(commRecvExpr(n.Comm)) {
				fa.commRecv[n.Comm] = true
				fa.caseRecv[n] = true
			}
		}
		return true
	})
	fa.countedLoops(body)
	mb, mi := fa.find(stmtNode)
	if mb == nil {
		return // unreachable make
	}
	witness, leak := fa.leaks(mb, mi)
	if !leak {
		return
	}
	for _, s := range active {
		if s.refusal == "" && fa.inLoop(s.stmt) {
			s.refusal = "the goroutine is started in a loop"
		}
	}

	name := obj.Name()
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: fmt.Sprintf("goroutine may block forever sending on unbuffered channel %s: the function can return without receiving", name),
	}
	if witness.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: witness, Message: "returns here without receiving from " + name})
	}
	for _, s := range active {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.stmt.Pos(), Message: "goroutine sending on " + name})
	}
	for _, s := range active {
		if s.refusal != "" {
			fixkit.Refuse(pass, d, s.stmt.Pos(), s.refusal)
			return
		}
	}
	n := len(active)
	fixkit.Report(pass, d, fmt.Sprintf("Give channel %s a buffer of %d", name, n), func(fx *fixkit.Fix) error {
		dc, ok := fx.Dst(call).(*dst.CallExpr)
		if !ok {
			return fmt.Errorf("unexpected dst node for make")
		}
		lit := &dst.BasicLit{Kind: token.INT, Value: strconv.Itoa(n)}
		switch len(dc.Args) {
		case 1:
			dc.Args = append(dc.Args, lit)
		case 2:
			lit.Decs.NodeDecs = *dc.Args[1].Decorations()
			dc.Args[1] = lit
		default:
			return fmt.Errorf("unexpected make arguments")
		}
		return nil
	})
}

func resultsOf(fn ast.Node) (*ast.FieldList, bool) {
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft == nil || ft.Results == nil || len(ft.Results.List) == 0 {
		return nil, false
	}
	return ft.Results, true
}

// enclosingFunc returns the innermost FuncDecl or FuncLit cursor enclosing c (c itself
// included).
func enclosingFunc(c inspector.Cursor) inspector.Cursor {
	for f := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return f
	}
	return inspector.Cursor{}
}

// goStmtOf reports whether the literal at lit is the function of a go statement's call.
func goStmtOf(lit inspector.Cursor) (*ast.GoStmt, bool) {
	if lit.ParentEdgeKind() != edge.CallExpr_Fun {
		return nil, false
	}
	callCur := lit.Parent()
	if callCur.ParentEdgeKind() != edge.GoStmt_Call {
		return nil, false
	}
	return callCur.Parent().Node().(*ast.GoStmt), true
}

// goLitArg reports whether the identifier at c is directly an argument of the call of a
// go statement whose function is a literal, and which argument it is.
func goLitArg(c inspector.Cursor) (*ast.GoStmt, *ast.FuncLit, int, bool) {
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return nil, nil, 0, false
	}
	callCur := c.Parent()
	if callCur.ParentEdgeKind() != edge.GoStmt_Call {
		return nil, nil, 0, false
	}
	call := callCur.Node().(*ast.CallExpr)
	lit, ok := call.Fun.(*ast.FuncLit)
	if !ok {
		return nil, nil, 0, false
	}
	return callCur.Parent().Node().(*ast.GoStmt), lit, c.ParentEdgeIndex(), true
}

func countParams(fl *ast.FieldList) int {
	n := 0
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			n++
		} else {
			n += len(f.Names)
		}
	}
	return n
}

func isVariadic(lit *ast.FuncLit) bool {
	l := lit.Type.Params.List
	if len(l) == 0 {
		return false
	}
	_, ok := l[len(l)-1].Type.(*ast.Ellipsis)
	return ok
}

func paramAt(info *types.Info, lit *ast.FuncLit, idx int) *types.Var {
	i := 0
	for _, f := range lit.Type.Params.List {
		if len(f.Names) == 0 {
			if i == idx {
				return nil // unnamed parameter: the channel is unused in the literal
			}
			i++
			continue
		}
		for _, n := range f.Names {
			if i == idx {
				if n.Name == "_" {
					return nil
				}
				v, _ := info.Defs[n].(*types.Var)
				return v
			}
			i++
		}
	}
	return nil
}

// isRecv reports whether the identifier at c is the operand of a receive <-x.
func isRecv(c inspector.Cursor) bool {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.UnaryExpr_X {
		return false
	}
	return c.Parent().Node().(*ast.UnaryExpr).Op == token.ARROW
}

// sendOf returns the send statement whose channel is the identifier at c.
func sendOf(c inspector.Cursor) (*ast.SendStmt, bool) {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.SendStmt_Chan {
		return nil, false
	}
	return c.Parent().Node().(*ast.SendStmt), true
}

// sendCursor returns the cursor of the send statement of sendOf(c).
func sendCursor(c inspector.Cursor) inspector.Cursor {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	return c.Parent()
}

// closeOf returns the close(x) call whose argument is the identifier at c.
func closeOf(info *types.Info, c inspector.Cursor) (*ast.CallExpr, bool) {
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return nil, false
	}
	call := c.Parent().Node().(*ast.CallExpr)
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil, false
	}
	if b, ok := info.Uses[id].(*types.Builtin); !ok || b.Name() != "close" {
		return nil, false
	}
	return call, true
}

// isTopLevelDeferClose reports whether cl is `defer close(ch)` directly in lit's body.
func isTopLevelDeferClose(lit *ast.FuncLit, cl *ast.CallExpr) bool {
	for _, st := range lit.Body.List {
		if d, ok := st.(*ast.DeferStmt); ok && d.Call == cl {
			return true
		}
	}
	return false
}

// commRecvExpr returns the receive expression of a select case's comm statement, if any.
func commRecvExpr(s ast.Stmt) ast.Expr {
	switch s := s.(type) {
	case *ast.ExprStmt:
		return s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			return s.Rhs[0]
		}
	}
	return nil
}

// sendsOnceThenReturns reports whether, in the goroutine's body, every send on the
// channel is followed by nothing but a return (deferred calls aside): then every path
// sends at most once and the goroutine has nothing left to do once its value is taken.
func sendsOnceThenReturns(s *sender, mayReturn func(*ast.CallExpr) bool) bool {
	if s.lit.Type.Results != nil && len(s.lit.Type.Results.List) > 0 {
		return false
	}
	g := cfg.New(s.lit.Body, mayReturn)
	want := make(map[ast.Node]bool)
	for _, send := range s.sends {
		want[send] = true
	}
	found := 0
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if !want[n] {
				continue
			}
			found++
			if !onlyReturns(b, i+1, make(map[*cfg.Block]bool)) {
				return false
			}
		}
	}
	return found == len(s.sends)
}

// onlyReturns reports whether, from node i of block b on, every path reaches the end of
// the function without executing anything but a bare return.
func onlyReturns(b *cfg.Block, i int, seen map[*cfg.Block]bool) bool {
	for _, n := range b.Nodes[i:] {
		r, ok := n.(*ast.ReturnStmt)
		if !ok || len(r.Results) != 0 {
			return false
		}
	}
	for _, s := range b.Succs {
		if seen[s] {
			return false // a loop
		}
		seen[s] = true
		if !onlyReturns(s, 0, seen) {
			return false
		}
	}
	return true
}

// flow is the dataflow over the function's CFG that counts, on every path from the make,
// the started sending goroutines whose value was not yet received.
type flow struct {
	info       *types.Info
	obj        *types.Var
	g          *cfg.CFG
	makeNode   ast.Node
	gos        map[ast.Node]bool // the go statements of the senders
	mayReturn  func(*ast.CallExpr) bool
	canFallOff bool              // a block without successors may fall off the end of the body
	commRecv   map[ast.Node]bool // select comm statements receiving from the channel
	caseRecv   map[ast.Node]bool // their comm clauses
	limit      int               // pending counts saturate here
	loops      []*countedLoop
	rbrace     token.Pos         // the closing brace of the function's body
	neutral    map[ast.Node]bool // go statements and receives of matched fan-out/fan-in loops
	body       *ast.BlockStmt
}

func (fa *flow) isRecvOp(e ast.Expr) bool {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return false
	}
	id, ok := ast.Unparen(u.X).(*ast.Ident)
	return ok && fa.info.Uses[id] == fa.obj
}

// find returns the block and index of node n.
func (fa *flow) find(n ast.Node) (*cfg.Block, int) {
	for _, b := range fa.g.Blocks {
		if !b.Live {
			continue
		}
		for i, m := range b.Nodes {
			if m == n {
				return b, i
			}
		}
	}
	return nil, 0
}

// recvs counts the receives from the channel that node n performs.
func (fa *flow) recvs(n ast.Node) int {
	skip := ast.Expr(nil)
	if fa.commRecv[n] {
		skip = ast.Unparen(commRecvExpr(n.(ast.Stmt)))
	}
	count := 0
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if m != skip && fa.isRecvOp(m) {
				count++
			}
		}
		return true
	})
	return count
}

// isExit reports whether a block without successors returns from the function (rather
// than ending in a call that does not return, or an empty select).
func (fa *flow) isExit(b *cfg.Block) bool {
	if b.Return() != nil {
		return true
	}
	if b.Kind == cfg.KindSelectAfterCase {
		return false // no case of a select without default is ready: cannot happen
	}
	if len(b.Nodes) > 0 {
		switch n := b.Nodes[len(b.Nodes)-1].(type) {
		case *ast.ReturnStmt:
			return true
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok && !fa.mayReturn(call) {
				return false
			}
		}
	}
	return fa.canFallOff
}

// A countedLoop is a loop that runs a constant number of times: `for i := a; i < b; i++`
// with constants a and b and i not otherwise assigned, or `for range k` with a constant k.
// The dataflow follows its exit edge only after k iterations, so that receiving the
// values of k goroutines in such a loop counts as k receives.
type countedLoop struct {
	k     int
	reset ast.Node   // node that starts the count (the init statement, or the range operand)
	incr  ast.Node   // node that counts an iteration (the post statement), or
	body  *cfg.Block // the block whose entry counts an iteration (range loops)
	cond  *cfg.Block // the block that chooses between Succs[0] (body) and Succs[1] (done)
}

const maxCounted = 4 // counted loops followed per function; more are treated as any loop

// countedLoops finds the counted loops of the function's body.
func (fa *flow) countedLoops(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		if len(fa.loops) == maxCounted {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt:
			if k, ok := fa.forCount(n); ok {
				l := &countedLoop{k: k, reset: n.Init, incr: n.Post}
				for _, b := range fa.g.Blocks {
					if b.Stmt == n && b.Kind == cfg.KindForLoop && len(b.Succs) == 2 {
						l.cond = b
					}
				}
				if l.cond != nil {
					fa.loops = append(fa.loops, l)
				}
			}
		case *ast.RangeStmt:
			tv := fa.info.Types[n.X]
			if tv.Value == nil || tv.Value.Kind() != constant.Int {
				return true
			}
			k, exact := constant.Int64Val(tv.Value)
			if !exact || k < 0 || k > 64 {
				return true
			}
			l := &countedLoop{k: int(k), reset: n.X}
			for _, b := range fa.g.Blocks {
				if b.Stmt == n && b.Kind == cfg.KindRangeLoop && len(b.Succs) == 2 {
					l.cond = b
				}
				if b.Stmt == n && b.Kind == cfg.KindRangeBody {
					l.body = b
				}
			}
			if l.cond != nil && l.body != nil {
				fa.loops = append(fa.loops, l)
			}
		}
		return true
	})
}

// forCount returns the trip count of `for i := a; i < b; i++` (or <=, or i += 1) with
// constant bounds, when i is not assigned in the loop's condition or body.
func (fa *flow) forCount(f *ast.ForStmt) (int, bool) {
	init, ok := f.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return 0, false
	}
	id, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return 0, false
	}
	v := fa.info.Defs[id]
	a, ok := fa.intConst(init.Rhs[0])
	if v == nil || !ok {
		return 0, false
	}
	cond, ok := f.Cond.(*ast.BinaryExpr)
	if !ok {
		return 0, false
	}
	if x, ok := ast.Unparen(cond.X).(*ast.Ident); !ok || fa.info.Uses[x] != v {
		return 0, false
	}
	b, ok := fa.intConst(cond.Y)
	if !ok {
		return 0, false
	}
	switch cond.Op {
	case token.LSS:
	case token.LEQ:
		b++
	default:
		return 0, false
	}
	switch p := f.Post.(type) {
	case *ast.IncDecStmt:
		if x, ok := p.X.(*ast.Ident); !ok || fa.info.Uses[x] != v || p.Tok != token.INC {
			return 0, false
		}
	case *ast.AssignStmt:
		if p.Tok != token.ADD_ASSIGN || len(p.Lhs) != 1 {
			return 0, false
		}
		if x, ok := p.Lhs[0].(*ast.Ident); !ok || fa.info.Uses[x] != v {
			return 0, false
		}
		if one, ok := fa.intConst(p.Rhs[0]); !ok || one != 1 {
			return 0, false
		}
	default:
		return 0, false
	}
	// i must not change in the body, nor have its address taken.
	modified := false
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if x, ok := ast.Unparen(l).(*ast.Ident); ok && fa.info.Uses[x] == v {
					modified = true
				}
			}
		case *ast.IncDecStmt:
			if x, ok := ast.Unparen(n.X).(*ast.Ident); ok && fa.info.Uses[x] == v {
				modified = true
			}
		case *ast.UnaryExpr:
			if x, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && fa.info.Uses[x] == v {
				modified = true
			}
		}
		return !modified
	})
	k := b - a
	if modified || k < 0 || k > 64 {
		return 0, false
	}
	return int(k), true
}

func (fa *flow) intConst(e ast.Expr) (int64, bool) {
	tv := fa.info.Types[e]
	if tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(tv.Value)
}

// A state is where the dataflow stands: a block and the iteration counts of the counted
// loops (-1: unknown).
type state struct {
	b     *cfg.Block
	count [maxCounted]int8
}

// leaks runs the dataflow from node mi of block mb (the make) and reports whether some
// exit is reached with a pending send, and where.
func (fa *flow) leaks(mb *cfg.Block, mi int) (token.Pos, bool) {
	in := make(map[state]int) // max pending at block entry
	var work []state
	var witness token.Pos
	leak := false
	atExit := func(pending int, pos token.Pos) {
		if pending > 0 && !leak {
			leak = true
			witness = pos
		}
	}
	push := func(st state, pending int) {
		if old, ok := in[st]; !ok || pending > old {
			in[st] = pending
			work = append(work, st)
		}
	}
	run := func(st state, start, pending int) {
		b := st.b
		if start == 0 && fa.caseRecv[b.Stmt] && b.Kind == cfg.KindSelectCaseBody {
			pending = max(pending-1, 0)
		}
		if start == 0 && b.Kind == cfg.KindSelectDone {
			if sel, ok := b.Stmt.(*ast.SelectStmt); ok && len(sel.Body.List) == 0 {
				return // select {} blocks forever
			}
		}
		for i, l := range fa.loops {
			if start == 0 && l.body == b && st.count[i] >= 0 && int(st.count[i]) < l.k {
				st.count[i]++
			}
		}
		for _, n := range b.Nodes[start:] {
			if n == fa.makeNode {
				// A new channel replaces this one: the old one is abandoned here.
				atExit(pending, n.Pos())
				return
			}
			if fa.gos[n] && !fa.neutral[n] {
				pending = min(pending+1, fa.limit)
			}
			if !fa.neutral[n] {
				pending = max(pending-fa.recvs(n), 0)
			}
			for i, l := range fa.loops {
				switch n {
				case l.reset:
					st.count[i] = 0
				case l.incr:
					if st.count[i] >= 0 && int(st.count[i]) < l.k {
						st.count[i]++
					}
				}
			}
		}
		if len(b.Succs) == 0 {
			if fa.isExit(b) {
				pos := fa.rbrace // falls off the end
				if r := b.Return(); r != nil {
					pos = r.Pos()
				}
				atExit(pending, pos)
			}
			return
		}
		for j, s := range b.Succs {
			ok := true
			for i, l := range fa.loops {
				if l.cond == b && st.count[i] >= 0 {
					done := int(st.count[i]) >= l.k
					ok = ok && (j == 1) == done
				}
			}
			if ok {
				push(state{s, st.count}, pending)
			}
		}
	}
	var init state
	init.b = mb
	for i := range init.count {
		init.count[i] = -1
	}
	run(init, mi+1, 0)
	for len(work) > 0 {
		st := work[len(work)-1]
		work = work[:len(work)-1]
		run(st, 0, in[st])
	}
	return witness, leak
}

// inLoop reports whether go statement gs can run again after itself without the make
// running in between.
func (fa *flow) inLoop(gs ast.Node) bool {
	b, i := fa.find(gs)
	if b == nil {
		return false
	}
	seen := make(map[*cfg.Block]bool)
	var visit func(b *cfg.Block, start int) bool
	visit = func(b *cfg.Block, start int) bool {
		for _, n := range b.Nodes[start:] {
			if n == gs {
				return true
			}
			if n == fa.makeNode {
				return false
			}
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				if visit(s, 0) {
					return true
				}
			}
		}
		return false
	}
	return visit(b, i+1)
}

// goCursors returns the cursors of the senders' go statements.
func goCursors(body inspector.Cursor, active []*sender) []inspector.Cursor {
	var res []inspector.Cursor
	for _, s := range active {
		if c, ok := body.FindNode(s.stmt); ok {
			res = append(res, c)
		}
	}
	return res
}

// matchFanIn recognises the fan-out/fan-in shape
//
//	for i := 0; i < n; i++ { ...; go func() { ...; ch <- v }(); ... }
//	for i := 0; i < n; i++ { ...; <-ch; ... }
//
// where both loops run the same number of times (the same bound n, or the same
// slice or map ranged over, its length unchanged), the go statement and the receive are
// unconditional statements of their loop bodies, and neither body can leave its loop
// early (no break, continue, goto or return). Every goroutine started by the first loop
// is then received by the second: the pair is left out of the count, and only the other
// paths (an early return between the loops...) are judged.
func (fa *flow) matchFanIn(gos []inspector.Cursor) {
	for _, g := range gos {
		if g.ParentEdgeKind() != edge.BlockStmt_List {
			continue
		}
		blk := g.Parent()
		if !isLoopBody(blk) {
			continue
		}
		l1 := blk.Parent()
		key := fa.tripKey(l1.Node())
		if key == "" || leavesEarly(l1.Node()) {
			continue
		}
		// A later sibling loop with the same trip count and one receive per iteration.
		for sib, ok := l1.NextSibling(); ok; sib, ok = sib.NextSibling() {
			if fa.tripKey(sib.Node()) != key || leavesEarly(sib.Node()) {
				continue
			}
			recv := fa.oneTopLevelRecv(loopBody(sib.Node()))
			if recv == nil || fa.neutral[recv] {
				continue
			}
			if fa.neutral == nil {
				fa.neutral = make(map[ast.Node]bool)
			}
			fa.neutral[g.Node()] = true
			fa.neutral[recv] = true
			break
		}
	}
}

func isLoopBody(blk inspector.Cursor) bool {
	k := blk.ParentEdgeKind()
	return k == edge.ForStmt_Body || k == edge.RangeStmt_Body
}

func loopBody(n ast.Node) *ast.BlockStmt {
	switch l := n.(type) {
	case *ast.ForStmt:
		return l.Body
	case *ast.RangeStmt:
		return l.Body
	}
	return nil
}

// tripKey describes how many times loop n runs, when that is a function of values the
// function does not change: "n" for `for i := 0; i < n; i++` and `for range n`, "len(x)"
// for `for ... range x` over a slice, array or map and `for i := 0; i < len(x); i++`.
// It returns "" for any other loop.
func (fa *flow) tripKey(n ast.Node) string {
	var bound ast.Expr
	switch l := n.(type) {
	case *ast.ForStmt:
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 || init.Tok != token.DEFINE {
			return ""
		}
		if v, ok := fa.intConst(init.Rhs[0]); !ok || v != 0 {
			return ""
		}
		id, ok := init.Lhs[0].(*ast.Ident)
		if !ok {
			return ""
		}
		iv := fa.info.Defs[id]
		cond, ok := l.Cond.(*ast.BinaryExpr)
		if !ok || cond.Op != token.LSS {
			return ""
		}
		if x, ok := ast.Unparen(cond.X).(*ast.Ident); !ok || fa.info.Uses[x] != iv {
			return ""
		}
		post, ok := l.Post.(*ast.IncDecStmt)
		if !ok || post.Tok != token.INC {
			return ""
		}
		if x, ok := ast.Unparen(post.X).(*ast.Ident); !ok || fa.info.Uses[x] != iv {
			return ""
		}
		if assigns(l.Body, iv, fa.info) {
			return ""
		}
		bound = cond.Y
	case *ast.RangeStmt:
		switch fa.info.TypeOf(l.X).Underlying().(type) {
		case *types.Basic:
			bound = l.X
		case *types.Slice, *types.Array, *types.Map:
			if !fa.stable(l.X) {
				return ""
			}
			return "len(" + types.ExprString(l.X) + ")"
		default:
			return ""
		}
	default:
		return ""
	}
	if !fa.stable(bound) {
		return ""
	}
	return types.ExprString(bound)
}

// stable reports whether e is built from constants, local variables and fields the
// function never assigns (apart from their declaration), and len calls.
func (fa *flow) stable(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil:
		case *ast.Ident:
			switch o := fa.info.Uses[n].(type) {
			case *types.Var:
				if assigns(fa.body, o, fa.info) {
					ok = false
				}
			case *types.Const, *types.Builtin, *types.TypeName, *types.PkgName, nil:
			default:
				ok = false
			}
		case *ast.CallExpr:
			if id, isID := ast.Unparen(n.Fun).(*ast.Ident); !isID || id.Name != "len" {
				ok = false
			} else if _, isB := fa.info.Uses[id].(*types.Builtin); !isB {
				ok = false
			}
		case *ast.BinaryExpr, *ast.SelectorExpr, *ast.ParenExpr, *ast.BasicLit:
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// assigns reports whether v is assigned, incremented or has its address taken in n.
func assigns(n ast.Node, v types.Object, info *types.Info) bool {
	found := false
	is := func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.Uses[e] == v
		case *ast.SelectorExpr:
			return info.Uses[e.Sel] == v
		}
		return false
	}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.AssignStmt:
			for _, l := range m.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = found || is(m.X)
		case *ast.UnaryExpr:
			found = found || (m.Op == token.AND && is(m.X))
		case *ast.RangeStmt:
			found = found || (m.Key != nil && is(m.Key)) || (m.Value != nil && is(m.Value))
		}
		return !found
	})
	return found
}

// leavesEarly reports whether a loop's body holds a branch or return statement (outside
// function literals) that could end it before its last iteration.
func leavesEarly(n ast.Node) bool {
	body := loopBody(n)
	if body == nil {
		return true
	}
	found := false
	ast.Inspect(body, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt, *ast.ReturnStmt:
			found = true
		case *ast.ExprStmt:
			if call, ok := m.X.(*ast.CallExpr); ok {
				if _, ok := call.Fun.(*ast.FuncLit); ok {
					return true
				}
			}
		}
		return !found
	})
	return found
}

// oneTopLevelRecv returns the statement of body that receives from the channel when it
// is a top-level statement of the body and the only receive in it.
func (fa *flow) oneTopLevelRecv(body *ast.BlockStmt) ast.Node {
	if body == nil || fa.recvs(body) != 1 {
		return nil
	}
	for _, st := range body.List {
		switch st.(type) {
		case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt:
			if fa.recvs(st) == 1 {
				if ds, ok := st.(*ast.DeclStmt); ok {
					// The CFG holds var specs, not the declaration.
					if gd, ok := ds.Decl.(*ast.GenDecl); ok && len(gd.Specs) == 1 {
						return gd.Specs[0]
					}
					return nil
				}
				return st
			}
		}
	}
	return nil
}
