package unlock

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/noreturn"
	"github.com/concfix/concfix/internal/fixkit"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "unlock",
	Doc:      fixkit.Doc(docGo, "unlock"),
	URL:      fixkit.URL("unlock"),
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// Lock kinds: what a mutex is held as, and what an operation takes or releases.
type kind uint8

const (
	kNone  kind = iota // not held / nothing deferred
	kWrite             // Lock / Unlock
	kRead              // RLock / RUnlock
)

// An op is a call of a lock method of package sync that is a statement of its own
// (possibly deferred) at the top level of a unit (not inside a nested function literal).
type op struct {
	stmt     ast.Stmt // *ast.ExprStmt or *ast.DeferStmt
	call     *ast.CallExpr
	sel      *ast.SelectorExpr // call.Fun, unparenthesised
	method   *types.Selection
	lock     bool // Lock or RLock (else Unlock or RUnlock)
	kind     kind
	deferred bool
	key      string
	class    types.Object // the last field of the mutex path, or a package-level variable
	base     *types.Var
}

// methodKind classifies a selection of a method of sync.Mutex, sync.RWMutex or
// sync.Locker: lock or release, write or read; other reports the other methods (TryLock,
// TryRLock, RLocker), whose use makes a mutex's balance unprovable.
func methodKind(s *types.Selection) (lock bool, k kind, other, ok bool) {
	if s == nil || (s.Kind() != types.MethodVal && s.Kind() != types.MethodExpr) {
		return
	}
	fn, _ := s.Obj().(*types.Func)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, _ := t.(*types.Named)
	if named == nil {
		return
	}
	switch named.Obj().Name() {
	case "Mutex", "RWMutex", "Locker":
	default:
		return
	}
	switch fn.Name() {
	case "Lock":
		return true, kWrite, false, true
	case "Unlock":
		return false, kWrite, false, true
	case "RLock":
		return true, kRead, false, true
	case "RUnlock":
		return false, kRead, false, true
	}
	return false, kNone, true, true
}

func run(pass *analysis.Pass) (any, error) {
	// Fast exit: no method of package sync is selected anywhere in the package (this also
	// covers methods promoted from a mutex embedded in another package's type).
	uses := false
	for _, s := range pass.TypesInfo.Selections {
		if s.Obj().Pkg() != nil && s.Obj().Pkg().Path() == "sync" {
			uses = true
			break
		}
	}
	if !uses {
		return nil, nil
	}
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	a := &analyzer{pass: pass, info: pass.TypesInfo, mayReturn: noreturn.MayReturn(pass.TypesInfo), insp: insp}
	for cur := range insp.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		u := &unit{cur: cur}
		switch n := cur.Node().(type) {
		case *ast.FuncDecl:
			if n.Body == nil {
				continue
			}
			u.body = n.Body
			u.fn, _ = pass.TypesInfo.Defs[n.Name].(*types.Func)
		case *ast.FuncLit:
			u.body = n.Body
		}
		a.units = append(a.units, u)
		a.analyzeUnit(u)
	}
	a.report()
	return nil, nil
}

type analyzer struct {
	pass      *analysis.Pass
	info      *types.Info
	mayReturn func(*ast.CallExpr) bool
	insp      *inspector.Inspector
	units     []*unit
	written   map[*types.Var]bool // package-level variables written after initialization
}

// A unit is a function body analysed on its own: a declared function or a literal.
type unit struct {
	cur     inspector.Cursor
	fn      *types.Func // nil for a literal
	body    *ast.BlockStmt
	g       *cfg.CFG
	ops     []*op
	opAt    map[ast.Node]*op
	callees map[*types.Func]bool

	unlocksForeign map[types.Object]bool // classes released here but locked by the caller
	leavesHeld     map[types.Object]bool // classes some exit leaves held

	blockOf map[ast.Node]*cfg.Block // the block of each node

	pending []pendingLeak
}

// pendingLeak is a leak finding that waits for the package-wide check of lock helpers.
type pendingLeak struct {
	class  types.Object
	report func() // reports the finding (with or without fix)
}

func (a *analyzer) analyzeUnit(u *unit) {
	u.opAt = make(map[ast.Node]*op)
	u.callees = make(map[*types.Func]bool)
	u.unlocksForeign = make(map[types.Object]bool)
	u.leavesHeld = make(map[types.Object]bool)
	// Own-level lock operations and static callees.
	ast.Inspect(u.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			ast.Inspect(n.Call, func(m ast.Node) bool { // the arguments run here, the call does not
				if _, ok := m.(*ast.FuncLit); ok {
					return false
				}
				if call, ok := m.(*ast.CallExpr); ok && call != n.Call {
					if fn := typeutil.StaticCallee(a.info, call); fn != nil {
						u.callees[fn.Origin()] = true
					}
				}
				return true
			})
			return false
		case *ast.CallExpr:
			if fn := typeutil.StaticCallee(a.info, n); fn != nil {
				u.callees[fn.Origin()] = true
			}
		case *ast.ExprStmt:
			if o := a.newOp(n, n.X, false); o != nil {
				u.ops = append(u.ops, o)
				u.opAt[n] = o
			}
		case *ast.DeferStmt:
			if o := a.newOp(n, n.Call, true); o != nil {
				u.ops = append(u.ops, o)
				u.opAt[n] = o
			}
		}
		return true
	})
	if len(u.ops) == 0 {
		return
	}
	keys := make(map[string][]*op)
	var order []string
	for _, o := range u.ops {
		if keys[o.key] == nil {
			order = append(order, o.key)
		}
		keys[o.key] = append(keys[o.key], o)
	}
	bad := a.unprovableKeys(u, keys)
	u.g = cfg.New(u.body, a.mayReturn)
	a.analyzeKeys(u, order, keys, bad)
}

// newOp returns the lock operation of statement stmt calling x, or nil.
func (a *analyzer) newOp(stmt ast.Stmt, x ast.Expr, deferred bool) *op {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return nil
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := a.info.Selections[sel]
	lock, k, other, ok := methodKind(s)
	if !ok || other || s.Kind() != types.MethodVal {
		return nil
	}
	base, fields, ok := a.exprKey(sel.X)
	if !ok {
		return nil
	}
	fields = append(fields, embeddedFields(s.Recv(), s.Index()[:len(s.Index())-1])...)
	o := &op{stmt: stmt, call: call, sel: sel, method: s, lock: lock, kind: k, deferred: deferred, base: base}
	o.key = keyString(base, fields)
	if len(fields) > 0 {
		o.class = fields[len(fields)-1]
	} else if base.Parent() != nil && base.Parent() == base.Pkg().Scope() {
		o.class = base
	}
	return o
}

func keyString(base *types.Var, fields []*types.Var) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%p", base)
	for _, f := range fields {
		fmt.Fprintf(&b, ".%p", f)
	}
	return b.String()
}

// exprKey returns the variable and field path that expression e denotes: a variable
// followed by field selections, through parentheses, pointer indirections and &.
func (a *analyzer) exprKey(e ast.Expr) (*types.Var, []*types.Var, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return a.exprKey(e.X)
	case *ast.StarExpr:
		return a.exprKey(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return a.exprKey(e.X)
		}
	case *ast.Ident:
		if v, ok := a.info.Uses[e].(*types.Var); ok && !v.IsField() {
			return v.Origin(), nil, true
		}
	case *ast.SelectorExpr:
		if s, ok := a.info.Selections[e]; ok {
			if s.Kind() != types.FieldVal {
				return nil, nil, false
			}
			base, fields, ok := a.exprKey(e.X)
			if !ok {
				return nil, nil, false
			}
			return base, append(fields, embeddedFields(s.Recv(), s.Index())...), true
		}
		if v, ok := a.info.Uses[e.Sel].(*types.Var); ok && !v.IsField() { // pkg.Var
			return v.Origin(), nil, true
		}
	}
	return nil, nil, false
}

// embeddedFields returns the fields that the index path selects, starting at type t.
func embeddedFields(t types.Type, index []int) []*types.Var {
	var fields []*types.Var
	for _, i := range index {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return nil
		}
		f := st.Field(i)
		fields = append(fields, f.Origin())
		t = f.Type()
	}
	return fields
}

// unprovableKeys returns, for the mutexes of the unit's operations, why their balance
// cannot be decided from this function alone: the mutex is used otherwise than by the
// unit's own lock statements (in a closure or go statement, passed, as a method value,
// with TryLock), or the variable the path starts from is reassigned or has its address
// taken.
func (a *analyzer) unprovableKeys(u *unit, keys map[string][]*op) map[string]string {
	bad := make(map[string]string)
	bases := make(map[*types.Var]bool)
	own := make(map[*ast.SelectorExpr]bool)
	for _, ops := range keys {
		for _, o := range ops {
			bases[o.base] = true
			own[o.sel] = true
		}
	}
	for cur := range u.cur.Preorder((*ast.SelectorExpr)(nil), (*ast.Ident)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.SelectorExpr:
			// Lock methods selected anywhere but in the unit's own lock statements.
			s := a.info.Selections[n]
			if _, _, _, ok := methodKind(s); !ok || own[n] {
				continue
			}
			if base, fields, ok := a.exprKey(n.X); ok && s.Kind() == types.MethodVal {
				fields = append(fields, embeddedFields(s.Recv(), s.Index()[:len(s.Index())-1])...)
				k := keyString(base, fields)
				if keys[k] != nil {
					bad[k] = "used by a function literal or go statement, as a method value, or with TryLock"
				}
			}
		case *ast.Ident:
			v, ok := a.info.Uses[n].(*types.Var)
			if !ok || !bases[v.Origin()] {
				continue
			}
			a.climb(cur, keys, bad, own)
		}
	}
	return bad
}

// climb follows the expression that starts with a use of a mutex path's variable
// outwards. Every prefix that denotes a mutex of the unit must be the receiver of one of
// the unit's own lock statements; a prefix of a mutex path must not be assigned or have
// its address taken.
func (a *analyzer) climb(c inspector.Cursor, keys map[string][]*op, bad map[string]string, own map[*ast.SelectorExpr]bool) {
	if c.ParentEdgeKind() == edge.SelectorExpr_Sel { // pkg.Var
		c = c.Parent()
	}
	mark := func(ks, why string) {
		for k := range keys {
			if k == ks || strings.HasPrefix(k, ks+".") {
				bad[k] = why
			}
		}
	}
	for {
		e := c.Node().(ast.Expr)
		base, fields, ok := a.exprKey(e)
		if !ok {
			return
		}
		ks := keyString(base, fields)
		p := c.Parent()
		switch pn := p.Node().(type) {
		case *ast.ParenExpr, *ast.StarExpr:
			c = p
			continue
		case *ast.UnaryExpr:
			if pn.Op == token.AND {
				if keys[ks] == nil {
					mark(ks, "the address of a variable or field that holds it is taken")
				}
				c = p
				continue
			}
		case *ast.SelectorExpr:
			if own[pn] {
				return
			}
			if c.ParentEdgeKind() == edge.SelectorExpr_X {
				if s := a.info.Selections[pn]; s != nil && s.Kind() == types.FieldVal {
					c = p
					continue
				}
				if keys[ks] == nil {
					return // a method call on a value that contains the mutex
				}
			}
		case *ast.AssignStmt:
			if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
				mark(ks, "it, or a variable or field that holds it, is assigned")
				return
			}
		case *ast.IncDecStmt:
			mark(ks, "it, or a variable or field that holds it, is assigned")
			return
		case *ast.RangeStmt:
			if pn.Tok == token.ASSIGN && (c.ParentEdgeKind() == edge.RangeStmt_Key || c.ParentEdgeKind() == edge.RangeStmt_Value) {
				mark(ks, "it, or a variable or field that holds it, is assigned")
				return
			}
		}
		if keys[ks] != nil {
			bad[ks] = "used otherwise than by Lock and Unlock calls"
		}
		return
	}
}
