package unlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/types/typeutil"
)

// analyzeKeys decides, for every mutex of unit u, whether it is released with the wrong
// method or left locked, and reports (or queues) the findings.
func (a *analyzer) analyzeKeys(u *unit, order []string, keys map[string][]*op, bad map[string]string) {
	u.blockOf = make(map[ast.Node]*cfg.Block)
	for _, b := range u.g.Blocks {
		for _, n := range b.Nodes {
			u.blockOf[n] = b
		}
	}
	results := make(map[string]*result)
	foreign := false // some release of the unit may find its mutex unlocked: aliasing is possible
	for _, k := range order {
		r := a.flow(u, k, &model{}, u.g.Blocks[0], 1<<mkState(kNone, kNone))
		results[k] = r
		class := keys[k][0].class
		if r.unlockForeign {
			foreign = true
			if class != nil {
				u.unlocksForeign[class] = true
			}
		}
	}
	for _, k := range order {
		r := results[k]
		if bad[k] != "" || r.unprovable != "" || r.unlockForeign {
			continue
		}
		a.mismatches(keys[k], r)
		if !foreign && r.problems() {
			a.leak(u, k, keys[k], r)
		}
	}
}

// mismatches reports releases whose method does not match the lock held, and deferred
// Lock calls where a deferred release was meant.
func (a *analyzer) mismatches(ops []*op, r *result) {
	for _, o := range ops {
		held, ok := r.heldAt[o]
		if !ok || held == 0 {
			continue
		}
		var h kind
		switch held {
		case 1 << kWrite:
			h = kWrite
		case 1 << kRead:
			h = kRead
		default:
			continue // both kinds reach it: already unprovable
		}
		recv := types.ExprString(o.sel.X)
		var msg, name string
		switch {
		case o.lock && o.deferred:
			name = releaseName(h)
			msg = fmt.Sprintf("deferred %s locks %s again instead of unlocking it", callString(o), recv)
		case !o.lock && h != o.kind:
			name = releaseName(h)
			msg = fmt.Sprintf("%s is held by %s but released with %s", recv, lockName(h), o.sel.Sel.Name)
		default:
			continue
		}
		d := analysis.Diagnostic{Pos: o.call.Pos(), End: o.call.End(), Message: msg}
		if !a.hasMethod(o, name) {
			fixkit.Refuse(a.pass, d, d.Pos, name+" is not the mutex's method here")
			continue
		}
		if strings.HasSuffix(a.pass.Fset.File(o.call.Pos()).Name(), "_test.go") {
			// Tests misuse mutexes on purpose to check the runtime's fatal error (sync's own
			// tests do): the mismatch is reported, not repaired.
			fixkit.Refuse(a.pass, d, d.Pos, "in a test, a mismatched release may be deliberate")
			continue
		}
		fixkit.Report(a.pass, d, fmt.Sprintf("Replace %s with %s", o.sel.Sel.Name, name), func(fx *fixkit.Fix) error {
			fx.Dst(o.sel.Sel).(*dst.Ident).Name = name
			return nil
		})
	}
}

func releaseName(k kind) string {
	if k == kRead {
		return "RUnlock"
	}
	return "Unlock"
}

func lockName(k kind) string {
	if k == kRead {
		return "RLock"
	}
	return "Lock"
}

func callString(o *op) string { return types.ExprString(o.sel) + "()" }

// hasMethod reports whether name, selected on o's receiver, is the sync method on the same
// mutex as o's method (and not another method, or an ambiguous selector).
func (a *analyzer) hasMethod(o *op, name string) bool {
	obj, index, _ := types.LookupFieldOrMethod(o.method.Recv(), true, a.pass.Pkg, name)
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return false
	}
	old := o.method.Index()
	if len(index) != len(old) {
		return false
	}
	for i := range len(old) - 1 {
		if index[i] != old[i] {
			return false
		}
	}
	return fn.Signature().Recv().Type().String() == o.method.Obj().(*types.Func).Signature().Recv().Type().String()
}

// leak decides what to do about a mutex that some exit leaves locked (or that is locked
// again while held): find the return and branch statements that leave it locked, and
// check that unlocking before them balances the function.
func (a *analyzer) leak(u *unit, key string, ops []*op, r *result) {
	var releases, locks []*op
	for _, o := range ops {
		switch {
		case !o.lock:
			releases = append(releases, o)
		case !o.deferred:
			locks = append(locks, o)
		}
	}
	helper := func() {
		if ops[0].class != nil {
			u.leavesHeld[ops[0].class] = true
		}
	}
	if len(releases) == 0 {
		helper()
		return // no path releases it: a lock helper, or a lock released elsewhere
	}
	// The statements that leave with the mutex held.
	type exit struct {
		node ast.Node
		k    kind
	}
	var exits []exit
	for n, m := range r.before {
		k, ok := definitelyHeld(m)
		if !ok {
			continue
		}
		switch n := n.(type) {
		case *ast.ReturnStmt:
			if a.parentOf(u, n) == u.body {
				continue // the function's main line returns with it held: by design
			}
		case *ast.BranchStmt:
			if n.Tok == token.FALLTHROUGH {
				continue
			}
			b := u.blockOf[n]
			if b == nil || len(b.Succs) != 1 {
				continue
			}
			if !a.flow(u, key, &model{}, b.Succs[0], 1<<mkState(k, kNone)).problems() {
				continue // released further on (e.g. after the loop it breaks out of)
			}
		}
		exits = append(exits, exit{n, k})
	}
	if len(exits) == 0 {
		helper()
		return
	}
	sort.Slice(exits, func(i, j int) bool { return exits[i].node.Pos() < exits[j].node.Pos() })
	m2 := &model{unlockBefore: make(map[ast.Node]kind)}
	for _, e := range exits {
		m2.unlockBefore[e.node] = e.k
	}
	r2 := a.flow(u, key, m2, u.g.Blocks[0], 1<<mkState(kNone, kNone))
	if r2.problems() {
		helper()
		return // also left locked where no exit statement can be fixed: a helper, or unprovable
	}
	// The lock reported: the nearest lock before the first leaking exit.
	first := exits[0].node
	var lk *op
	for _, o := range locks {
		if o.stmt.Pos() < first.Pos() && (lk == nil || o.stmt.Pos() > lk.stmt.Pos()) {
			lk = o
		}
	}
	if lk == nil {
		if len(locks) == 0 {
			return
		}
		lk = locks[0]
	}
	recv := types.ExprString(lk.sel.X)
	d := analysis.Diagnostic{
		Pos:     lk.call.Pos(),
		End:     lk.call.End(),
		Message: fmt.Sprintf("%s is not unlocked on every path: %s leaves it locked", recv, a.describe(first, len(exits))),
	}
	for _, e := range exits {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: e.node.Pos(), Message: fmt.Sprintf("this %s leaves %s locked", stmtWord(e.node), recv)})
	}
	p := pendingLeak{class: lk.class}
	if r2.unprovable != "" || r2.unlockForeign {
		p.report = func() {
			fixkit.Refuse(a.pass, d, d.Pos, "unlocking before it does not balance the function")
		}
	} else if a.deferable(u, key, locks, releases, ops) {
		p.report = func() {
			msg := fmt.Sprintf("Add defer %s.%s() and remove the explicit unlocks", recv, releaseName(locks[0].kind))
			fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error { return a.fixDefer(fx, u, locks[0], releases) })
		}
	} else {
		p.report = func() {
			for _, e := range exits {
				if ret, ok := e.node.(*ast.ReturnStmt); ok {
					for _, x := range ret.Results {
						if !a.safeUnlocked(u, x) {
							fixkit.Refuse(a.pass, d, ret.Pos(), fmt.Sprintf("the results of the return at line %d may need the lock", a.line(ret.Pos())))
							return
						}
					}
				}
				if !a.inScope(lk.sel.X, e.node.Pos()) {
					fixkit.Refuse(a.pass, d, e.node.Pos(), fmt.Sprintf("%s is not in scope at line %d", recv, a.line(e.node.Pos())))
					return
				}
				if !a.hasMethod(lk, releaseName(e.k)) {
					fixkit.Refuse(a.pass, d, e.node.Pos(), releaseName(e.k)+" is not the mutex's method here")
					return
				}
			}
			msg := fmt.Sprintf("Unlock %s before each exit that leaves it locked", recv)
			fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error {
				for _, e := range exits {
					if err := a.insertUnlock(fx, u, lk, e.node, e.k); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	u.pending = append(u.pending, p)
}

func definitelyHeld(m mask) (kind, bool) {
	var k kind
	ok := m != 0
	m.states(func(s state) {
		if s.held() == kNone || s.def() != kNone || (k != kNone && s.held() != k) {
			ok = false
		}
		k = s.held()
	})
	return k, ok
}

func stmtWord(n ast.Node) string {
	if b, ok := n.(*ast.BranchStmt); ok {
		return b.Tok.String()
	}
	return "return"
}

func (a *analyzer) line(pos token.Pos) int { return a.pass.Fset.Position(pos).Line }

func (a *analyzer) describe(n ast.Node, count int) string {
	s := fmt.Sprintf("the %s at line %d", stmtWord(n), a.line(n.Pos()))
	if count > 1 {
		s += fmt.Sprintf(" (and %d more)", count-1)
	}
	return s
}

// parentOf returns the node whose statement list holds statement s.
func (a *analyzer) parentOf(u *unit, s ast.Stmt) ast.Node {
	c, ok := u.cur.FindNode(s)
	if !ok {
		return nil
	}
	return c.Parent().Node()
}

// deferable reports whether the mutex is held from its one lock, a statement of the
// function body, to every exit: each explicit release is directly followed by a return
// whose results call nothing (or ends the body), so that deferring the release changes
// only the paths that leaked.
func (a *analyzer) deferable(u *unit, key string, locks, releases, ops []*op) bool {
	if len(locks) != 1 || a.parentOf(u, locks[0].stmt) != u.body {
		return false
	}
	for _, o := range ops {
		if o.deferred {
			return false
		}
	}
	// A call deferred after the lock would run before the deferred release, with the
	// mutex held, where it ran after the explicit release before.
	later := false
	ast.Inspect(u.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if n.Pos() > locks[0].stmt.Pos() {
				later = true
			}
		}
		return !later
	})
	if later {
		return false
	}
	for _, o := range releases {
		if a.commented(o.stmt) {
			return false // removing it would lose the comment
		}
		list := a.stmtList(u, o.stmt)
		i := indexOf(list, o.stmt)
		if i < 0 {
			return false
		}
		if i == len(list)-1 {
			if a.parentOf(u, o.stmt) != u.body {
				return false
			}
			continue
		}
		ret, ok := list[i+1].(*ast.ReturnStmt)
		if !ok {
			return false
		}
		for _, e := range ret.Results {
			if !a.simple(e) {
				return false
			}
		}
	}
	removed := make(map[*op]bool)
	for _, o := range releases {
		removed[o] = true
	}
	r := a.flow(u, key, &model{removed: removed, deferAfter: locks[0]}, u.g.Blocks[0], 1<<mkState(kNone, kNone))
	return r.unprovable == "" && !r.unlockForeign && !r.problems()
}

// commented reports whether a comment is on the lines of statement s or on the line
// before it.
func (a *analyzer) commented(s ast.Stmt) bool {
	tf := a.pass.Fset.File(s.Pos())
	first, last := tf.Line(s.Pos()), tf.Line(s.End())
	for _, f := range a.pass.Files {
		if f.FileStart > s.Pos() || s.Pos() > f.FileEnd {
			continue
		}
		for _, cg := range f.Comments {
			if l := tf.Line(cg.End()); l >= first-1 && tf.Line(cg.Pos()) <= last {
				return true
			}
		}
	}
	return false
}

// simple reports whether evaluating e runs no code that could block or lock: no calls
// other than conversions and pure builtins, no receives, no function literals.
func (a *analyzer) simple(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.CallExpr:
			if tv, found := a.info.Types[n.Fun]; found && tv.IsType() {
				return true
			}
			if id, isIdent := ast.Unparen(n.Fun).(*ast.Ident); isIdent {
				if b, isBuiltin := a.info.Uses[id].(*types.Builtin); isBuiltin {
					switch b.Name() {
					case "len", "cap", "min", "max", "real", "imag", "complex":
						return true
					}
				}
			}
			ok = false
		}
		return ok
	})
	return ok
}

// safeUnlocked reports whether e can be evaluated after the mutex is released without
// reading state the mutex may guard: constants, nil, local variables not shared with
// function literals (and fields of local struct values), and conversions, operators,
// composite literals and calls of standard library functions over those.
func (a *analyzer) safeUnlocked(u *unit, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return a.safeUnlocked(u, e.X)
	case *ast.Ident:
		switch obj := a.info.Uses[e].(type) {
		case *types.Const, *types.Nil, *types.Func, *types.TypeName:
			return true
		case *types.Var:
			if obj.IsField() || obj.Parent() == nil {
				return false
			}
			if obj.Parent() == obj.Pkg().Scope() {
				// A package-level variable that is never written after its initialization
				// (an error sentinel) cannot be guarded by the mutex.
				return obj.Pkg() == a.pass.Pkg && !a.isWritten(obj)
			}
			local := obj.Pos() >= u.body.Pos() && obj.Pos() < u.body.End() || a.isParam(u, obj)
			return local && !a.capturedBy(u, obj)
		}
		return false
	case *ast.SelectorExpr:
		if s, ok := a.info.Selections[e]; ok {
			if s.Kind() != types.FieldVal || s.Indirect() {
				return false
			}
			if _, isPtr := a.info.TypeOf(e.X).Underlying().(*types.Pointer); isPtr {
				return false
			}
			return a.safeUnlocked(u, e.X)
		}
		switch obj := a.info.Uses[e.Sel].(type) {
		case *types.Const, *types.Func:
			return true
		case *types.Var:
			// An error value of the standard library (io.EOF, os.ErrNotExist): no mutex of
			// this package guards it.
			return stdlib(obj.Pkg().Path()) && types.Implements(obj.Type(), errorType)
		}
		return false
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && e.Op != token.AND && a.safeUnlocked(u, e.X)
	case *ast.BinaryExpr:
		return a.safeUnlocked(u, e.X) && a.safeUnlocked(u, e.Y)
	case *ast.CompositeLit:
		for _, x := range e.Elts {
			if kv, ok := x.(*ast.KeyValueExpr); ok {
				x = kv.Value
				if _, isIdent := kv.Key.(*ast.Ident); !isIdent && !a.safeUnlocked(u, kv.Key) {
					return false
				}
			}
			if !a.safeUnlocked(u, x) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if tv, ok := a.info.Types[e.Fun]; ok && tv.IsType() {
			return len(e.Args) == 1 && a.safeUnlocked(u, e.Args[0])
		}
		fn, ok := typeutil.Callee(a.info, e).(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil || !stdlib(fn.Pkg().Path()) {
			return false
		}
		for _, x := range e.Args {
			if !a.safeUnlocked(u, x) {
				return false
			}
		}
		return true
	}
	return false
}

// isWritten reports whether package-level variable v is assigned, incremented, has its
// address taken or a pointer method called anywhere in the package after its declaration.
func (a *analyzer) isWritten(v *types.Var) bool {
	if a.written == nil {
		a.written = make(map[*types.Var]bool)
		for cur := range a.insp.Root().Preorder((*ast.Ident)(nil)) {
			w, ok := a.info.Uses[cur.Node().(*ast.Ident)].(*types.Var)
			if !ok || w.IsField() || w.Parent() != w.Pkg().Scope() {
				continue
			}
			c := cur
		climb:
			for {
				p := c.Parent()
				switch pn := p.Node().(type) {
				case *ast.ParenExpr, *ast.StarExpr:
				case *ast.IndexExpr:
					if c.ParentEdgeKind() != edge.IndexExpr_X {
						break climb
					}
				case *ast.SelectorExpr:
					if c.ParentEdgeKind() == edge.SelectorExpr_Sel {
						break // pkg.Var
					}
					if s := a.info.Selections[pn]; s != nil && s.Kind() == types.MethodVal {
						if _, ptr := s.Obj().(*types.Func).Signature().Recv().Type().(*types.Pointer); ptr && !s.Indirect() {
							a.written[w] = true
						}
						break climb
					}
				case *ast.UnaryExpr:
					if pn.Op == token.AND {
						a.written[w] = true
					}
					break climb
				case *ast.AssignStmt:
					if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
						a.written[w] = true
					}
					break climb
				case *ast.IncDecStmt:
					a.written[w] = true
					break climb
				case *ast.RangeStmt:
					if c.ParentEdgeKind() == edge.RangeStmt_Key || c.ParentEdgeKind() == edge.RangeStmt_Value {
						a.written[w] = true
					}
					break climb
				default:
					break climb
				}
				c = p
			}
		}
	}
	return a.written[v]
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

// stdlib reports whether path is a standard library package path.
func stdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// isParam reports whether v is a parameter or result of unit u.
func (a *analyzer) isParam(u *unit, v *types.Var) bool {
	var ft *ast.FuncType
	switch n := u.cur.Node().(type) {
	case *ast.FuncDecl:
		ft = n.Type
	case *ast.FuncLit:
		ft = n.Type
	}
	return ft != nil && v.Pos() >= ft.Pos() && v.Pos() < ft.End()
}

// capturedBy reports whether a function literal inside u refers to v.
func (a *analyzer) capturedBy(u *unit, v *types.Var) bool {
	found := false
	for cur := range u.cur.Preorder((*ast.FuncLit)(nil)) {
		if cur.Node() == u.cur.Node() {
			continue
		}
		ast.Inspect(cur.Node(), func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && a.info.Uses[id] == v {
				found = true
			}
			return !found
		})
	}
	return found
}

func (a *analyzer) stmtList(u *unit, s ast.Stmt) []ast.Stmt {
	switch p := a.parentOf(u, s).(type) {
	case *ast.BlockStmt:
		return p.List
	case *ast.CaseClause:
		return p.Body
	case *ast.CommClause:
		return p.Body
	}
	return nil
}

func indexOf(list []ast.Stmt, s ast.Stmt) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// inScope reports whether every variable and package name that e refers to denotes the
// same object at pos.
func (a *analyzer) inScope(e ast.Expr, pos token.Pos) bool {
	scope := a.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		id, isIdent := n.(*ast.Ident)
		if !isIdent {
			return ok
		}
		obj := a.info.Uses[id]
		if obj == nil {
			return ok
		}
		if v, isVar := obj.(*types.Var); isVar && v.IsField() {
			return ok
		}
		if _, found := scope.LookupParent(id.Name, pos); found != obj {
			ok = false
		}
		return ok
	})
	return ok
}

// release builds the statement `recv.name()` from lock op lk's receiver.
func release(fx *fixkit.Fix, lk *op, name string) *dst.ExprStmt {
	x := dst.Clone(fx.Dst(lk.sel.X)).(dst.Expr)
	x.Decorations().Start.Clear()
	x.Decorations().End.Clear()
	return &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: x, Sel: dst.NewIdent(name)}}}
}

// insertUnlock inserts the release of lk's mutex before exit statement n.
func (a *analyzer) insertUnlock(fx *fixkit.Fix, u *unit, lk *op, n ast.Node, k kind) error {
	s := n.(ast.Stmt)
	parent := a.parentOf(u, s)
	switch parent.(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return fmt.Errorf("cannot insert before a %T's statement", parent)
	}
	st := release(fx, lk, releaseName(k))
	list := fixkit.StmtList(fx.Dst(parent))
	ds := fx.Dst(s).(dst.Stmt)
	i := -1
	for j, x := range *list {
		if x == ds {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("statement not found in its list")
	}
	// The new statement takes the exit's leading blank line and comments.
	st.Decs.Before = ds.Decorations().Before
	st.Decs.Start = ds.Decorations().Start
	ds.Decorations().Before = dst.NewLine
	ds.Decorations().Start = nil
	*list = append((*list)[:i], append([]dst.Stmt{st}, (*list)[i:]...)...)
	return nil
}

// fixDefer adds `defer mu.Unlock()` after lock lk and removes the explicit releases.
func (a *analyzer) fixDefer(fx *fixkit.Fix, u *unit, lk *op, releases []*op) error {
	for _, o := range releases {
		parent := a.parentOf(u, o.stmt)
		list := fixkit.StmtList(fx.Dst(parent))
		ds := fx.Dst(o.stmt).(dst.Stmt)
		decs := ds.Decorations()
		if len(decs.Start) > 0 || len(decs.End) > 0 || hasComments(ds) {
			return fmt.Errorf("a removed unlock carries a comment")
		}
		i := -1
		for j, x := range *list {
			if x == ds {
				i = j
			}
		}
		if i < 0 {
			return fmt.Errorf("statement not found in its list")
		}
		if i+1 < len(*list) {
			next := (*list)[i+1].Decorations()
			if decs.Before == dst.EmptyLine || (next.Before != dst.EmptyLine && decs.After == dst.EmptyLine && i > 0) {
				next.Before = decs.Before
			}
			if i == 0 {
				next.Before = dst.None
				if decs.Before == dst.EmptyLine {
					next.Before = dst.EmptyLine
				}
			}
		} else if i > 0 {
			(*list)[i-1].Decorations().After = decs.After
		}
		*list = append((*list)[:i], (*list)[i+1:]...)
	}
	list := fixkit.StmtList(fx.Dst(u.body))
	dl := fx.Dst(lk.stmt).(dst.Stmt)
	i := -1
	for j, x := range *list {
		if x == dl {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("lock statement not found in the body")
	}
	call := release(fx, lk, releaseName(lk.kind)).X.(*dst.CallExpr)
	st := &dst.DeferStmt{Call: call}
	st.Decs.Before = dst.NewLine
	st.Decs.After = dl.Decorations().After
	dl.Decorations().After = dst.NewLine
	*list = append((*list)[:i+1], append([]dst.Stmt{st}, (*list)[i+1:]...)...)
	return nil
}

// hasComments reports whether any node under n carries a comment.
func hasComments(n dst.Node) bool {
	found := false
	dst.Inspect(n, func(m dst.Node) bool {
		if m == nil || found {
			return false
		}
		for _, s := range m.Decorations().Start {
			if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") {
				found = true
			}
		}
		for _, s := range m.Decorations().End {
			if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") {
				found = true
			}
		}
		return !found
	})
	return found
}

// report emits the queued leak findings, except those of lock and unlock helpers: a
// mutex field that a caller of the function releases without locking it, or that a
// function it calls releases without locking or leaves locked.
func (a *analyzer) report() {
	callers := make(map[*types.Func][]*unit)
	byFunc := make(map[*types.Func]*unit)
	for _, u := range a.units {
		if u.fn != nil {
			byFunc[u.fn.Origin()] = u
		}
		for fn := range u.callees {
			callers[fn] = append(callers[fn], u)
		}
	}
	for _, u := range a.units {
	pending:
		for _, p := range u.pending {
			if p.class != nil {
				if u.fn != nil {
					for _, c := range callers[u.fn.Origin()] {
						if c.unlocksForeign[p.class] {
							continue pending
						}
					}
				}
				for fn := range u.callees {
					if g := byFunc[fn]; g != nil && g != u && (g.unlocksForeign[p.class] || g.leavesHeld[p.class]) {
						continue pending
					}
				}
			}
			p.report()
		}
	}
}
