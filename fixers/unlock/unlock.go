package unlock

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "unlock",
	Doc:      fixkit.Doc(docGo, "unlock"),
	URL:      fixkit.URL("unlock"),
	Requires: []*analysis.Analyzer{model.Analyzer},
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
// (possibly deferred) at the top level of a unit (not inside a nested function literal):
// a lock operation of the model (model.LockOp) on a mutex path, as the dataflow sees it.
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

// newOp returns the op of lock operation lo, or nil when lo is not a statement of its
// own on a mutex path, or calls another method (TryLock, TryRLock, RLocker), whose use
// makes the mutex's balance unprovable.
func newOp(lo *model.LockOp) *op {
	if lo.Stmt == nil || lo.Key == "" {
		return nil
	}
	o := &op{stmt: lo.Stmt, call: lo.Call, sel: lo.Sel, method: lo.Selection, deferred: lo.Deferred,
		key: lo.Key, class: lo.Class, base: lo.Base}
	switch lo.Method {
	case model.Lock:
		o.lock, o.kind = true, kWrite
	case model.Unlock:
		o.kind = kWrite
	case model.RLock:
		o.lock, o.kind = true, kRead
	case model.RUnlock:
		o.kind = kRead
	default:
		return nil
	}
	return o
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	locks := m.Locks()
	if len(locks.Ops) == 0 {
		return nil, nil // fast exit: no lock method is called
	}
	a := &analyzer{pass: pass, info: pass.TypesInfo, m: m, locks: locks, byFunc: make(map[*model.Func]*unit)}
	for _, f := range m.Funcs {
		var ops []*op
		for _, lo := range locks.Of(f) {
			if o := newOp(lo); o != nil {
				ops = append(ops, o)
			}
		}
		if len(ops) == 0 {
			continue
		}
		u := &unit{f: f, cur: f.Cursor, fn: f.Obj, body: f.Body, ops: ops}
		a.units = append(a.units, u)
		a.byFunc[f] = u
		a.analyzeUnit(u)
	}
	a.report()
	return nil, nil
}

type analyzer struct {
	pass   *analysis.Pass
	info   *types.Info
	m      *model.Model
	locks  *model.Locks
	units  []*unit // the functions with lock operations, in source order
	byFunc map[*model.Func]*unit
	dones  []inspector.Cursor         // the calls of sync.WaitGroup's Done (heldblock.go); nil until needed
	stored map[*types.Var][]storedLit // the literals stored in each field of func type (funcvalue.go); nil until needed
}

// A unit is a function body analysed on its own: a declared function or a literal.
type unit struct {
	f    *model.Func
	cur  inspector.Cursor
	fn   *types.Func // nil for a literal
	body *ast.BlockStmt
	g    *cfg.CFG // the model's: the no-return policy, constant conditions as dead branches
	ops  []*op
	opAt map[ast.Node]*op

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
	u.unlocksForeign = make(map[types.Object]bool)
	u.leavesHeld = make(map[types.Object]bool)
	keys := make(map[string][]*op)
	var order []string
	for _, o := range u.ops {
		u.opAt[o.stmt] = o
		if keys[o.key] == nil {
			order = append(order, o.key)
		}
		keys[o.key] = append(keys[o.key], o)
	}
	bad := a.unprovableKeys(u, keys)
	u.g = u.f.CFG()
	a.analyzeKeys(u, order, keys, bad)
}

const usedElsewhere = "used by a function literal or go statement, as a method value, or with TryLock"

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
			if _, ok := model.MutexMethod(s); !ok || own[n] {
				continue
			}
			if base, fields, ok := a.m.MutexPath(n.X); ok && s.Kind() == types.MethodVal {
				fields = append(fields, model.EmbeddedFields(s.Recv(), s.Index()[:len(s.Index())-1])...)
				k := model.PathKey(base, fields)
				if keys[k] != nil && bad[k] == "" {
					bad[k] = usedElsewhere // the reasons climb finds are stronger
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
		base, fields, ok := a.m.MutexPath(e)
		if !ok {
			return
		}
		ks := model.PathKey(base, fields)
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
			if _, ok := model.MutexMethod(a.info.Selections[pn]); ok && keys[ks] != nil {
				return // another lock method call or value: usedElsewhere
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
