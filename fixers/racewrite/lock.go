package racewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A lockPlan holds a mutex around the statements of the goroutines that access a
// variable.
type lockPlan struct {
	v     *model.SharedVar
	stmts []inspector.Cursor // the statements to hold it around: elements of statement lists
	after inspector.Cursor   // the statement that declares the variable; invalid for a parameter or result
	guard *model.LockOp      // an acquire of the existing mutex to take, or nil for a new one
	group *lockGroup
}

// A lockGroup is the variables of a function guarded by one mutex: those its goroutines
// share, declared in one statement list.
type lockGroup struct {
	plans []*lockPlan
	decl  *model.Func
	after inspector.Cursor // the mutex is declared after it; invalid: first in decl's body
	name  string           // the new mutex's name
	guard *model.LockOp
	why   string // why the group has no fix
}

func (g *lockGroup) message() string {
	var names []string
	for _, p := range g.plans {
		names = append(names, p.v.Var.Name())
	}
	list := strings.Join(names, ", ")
	if g.guard != nil {
		return fmt.Sprintf("Hold %s around the accesses of %s", types.ExprString(g.guard.Sel.X), list)
	}
	return fmt.Sprintf("Guard %s with a mutex", list)
}

// lockPlan returns the plan that holds a mutex around the accesses of f's variable by
// its goroutines, or the reason there is none.
func (c *checker) lockPlan(f *finding) (*lockPlan, string) {
	v := f.v
	p := &lockPlan{v: v}
	if body := v.Decl.Body; body.Pos() <= v.DeclID.Pos() && v.DeclID.Pos() < body.End() {
		st, ok := c.declStmt(v)
		if !ok {
			return nil, fmt.Sprintf("%s is declared in a statement header, where no mutex can be declared next to it", v.Var.Name())
		}
		p.after = st
	}
	var held []*model.Access
	for _, a := range goAccesses(v) {
		if a.Kind > model.ElemWrite {
			continue
		}
		if k := mutexHeld(a); k != nil {
			held = append(held, a)
			if p.guard == nil {
				p.guard = k.Op
			} else if k.Key != p.guard.Key {
				return nil, fmt.Sprintf("%s is accessed under different locks", v.Var.Name())
			}
			continue
		}
		st, ok := listStmt(a.Cursor)
		if !ok {
			return nil, fmt.Sprintf("the access of %s at line %d is not in a statement a lock can be held around", v.Var.Name(), c.line(a.Node))
		}
		if why := c.wrappable(st.Node().(ast.Stmt)); why != "" {
			return nil, why
		}
		if !slices.Contains(p.stmts, st) {
			p.stmts = append(p.stmts, st)
		}
	}
	for _, a := range held {
		// Every held access holds the guard itself, not only another mutex.
		found := false
		for _, h := range a.Held {
			found = found || h.Key == p.guard.Key
		}
		if !found {
			return nil, fmt.Sprintf("%s is accessed under different locks", v.Var.Name())
		}
	}
	if p.guard == nil {
		p.guard = c.onlyMutex(v)
	}
	if p.guard != nil {
		if why := c.guardUsable(p.guard, p.stmts); why != "" {
			return nil, why
		}
	}
	p.stmts = outermost(p.stmts)
	return p, ""
}

// mutexHeld returns a mutex (not a channel) that a holds, or nil.
func mutexHeld(a *model.Access) *model.HeldLock {
	for i := range a.Held {
		if h := &a.Held[i]; !h.Chan && h.Op != nil {
			return h
		}
	}
	return nil
}

// declStmt returns the statement that declares v, when it is an element of a statement
// list (var v T, v := x, a, v := f()).
func (c *checker) declStmt(v *model.SharedVar) (inspector.Cursor, bool) {
	p := v.DeclAt.Parent()
	switch p.Node().(type) {
	case *ast.ValueSpec:
		p = p.Parent().Parent() // GenDecl, DeclStmt
	case *ast.AssignStmt:
	default:
		return inspector.Cursor{}, false
	}
	return p, inList(p)
}

// onlyMutex returns an acquire of the one mutex that the goroutines using v lock, when it
// is a local variable of v's function and they lock no other: the mutex the author
// guards their shared state with.
func (c *checker) onlyMutex(v *model.SharedVar) *model.LockOp {
	var guard *model.LockOp
	seen := make(map[*model.Spawn]bool)
	for _, a := range goAccesses(v) {
		if seen[a.Spawn] {
			continue
		}
		seen[a.Spawn] = true
		for _, op := range c.m.Locks().Ops {
			if !inside(op.Call, a.Spawn.Lit.Node) || !op.Method.Acquires() {
				continue
			}
			if op.Base == nil || op.Key == "" || op.Base.Parent() == nil || (a.Spawn.Lit.Node.Pos() <= op.Base.Pos() && op.Base.Pos() < a.Spawn.Lit.Node.End()) {
				return nil
			}
			if guard == nil {
				guard = op
			} else if guard.Key != op.Key {
				return nil
			}
		}
	}
	return guard
}

func inside(n, outer ast.Node) bool { return outer.Pos() <= n.Pos() && n.End() <= outer.End() }

// guardUsable says why the existing mutex op's cannot be taken around the statements
// ("" when it can): its variable is not the same at each of them, or the mutex may be
// held there already (a section between a Lock and its Unlock of that mutex, or after a
// Lock whose Unlock is deferred).
func (c *checker) guardUsable(op *model.LockOp, stmts []inspector.Cursor) string {
	mu := types.ExprString(op.Sel.X)
	for _, st := range stmts {
		pos := st.Node().Pos()
		scope := c.m.Pkg.Scope().Innermost(pos)
		if scope == nil {
			return "no scope at the statement"
		}
		if _, obj := scope.LookupParent(op.Base.Name(), pos); obj != op.Base {
			return fmt.Sprintf("%s is not in scope at line %d", mu, c.line(st.Node()))
		}
		f := c.m.Enclosing(st)
		for _, o := range c.m.Locks().Of(f) {
			if o.Key != op.Key || !o.Method.Acquires() || o.Call.Pos() > pos {
				continue
			}
			if o.Deferred {
				continue
			}
			if c.releasedBefore(f, o, pos) {
				continue
			}
			return fmt.Sprintf("%s may already be held at line %d", mu, c.line(st.Node()))
		}
	}
	return ""
}

// releasedBefore reports whether the acquire o is followed, in its own statement list
// and before pos, by a release of the same mutex that is not deferred.
func (c *checker) releasedBefore(f *model.Func, o *model.LockOp, pos token.Pos) bool {
	if o.Stmt == nil {
		return false
	}
	cur, ok := c.m.Inspector.Root().FindNode(o.Stmt)
	if !ok {
		return false
	}
	for next, ok := cur.NextSibling(); ok && next.Node().Pos() < pos; next, ok = next.NextSibling() {
		if r := c.m.Locks().Op(next.Node()); r != nil && r.Key == o.Key && r.Method.Releases() && !r.Deferred {
			return true
		}
	}
	return false
}

// outermost drops the statements contained in another of the list: a lock held around
// both would be taken twice.
func outermost(stmts []inspector.Cursor) []inspector.Cursor {
	var out []inspector.Cursor
	for _, s := range stmts {
		nested := false
		for _, t := range stmts {
			if s != t && inside(s.Node(), t.Node()) {
				nested = true
			}
		}
		if !nested {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b inspector.Cursor) int { return int(a.Node().Pos() - b.Node().Pos()) })
	return out
}

func (c *checker) line(n ast.Node) int { return c.m.Fset.Position(n.Pos()).Line }

// wrappable says why a lock cannot be held around statement s ("" when it can): s leaves
// itself (return, break, continue, goto), may block (a channel operation, a select), starts
// or defers code, or calls a function other than a builtin, a conversion, or a function of
// a few standard packages that neither block nor call back.
func (c *checker) wrappable(s ast.Stmt) string {
	why := ""
	loops, breaks := 0, 0
	var stack []ast.Node
	ast.Inspect(s, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		if n == nil {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch top.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				loops--
				breaks--
			case *ast.SwitchStmt, *ast.TypeSwitchStmt:
				breaks--
			}
			return false
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			loops++
			breaks++
		case *ast.SwitchStmt, *ast.TypeSwitchStmt:
			breaks++
		case *ast.FuncLit:
			why = fmt.Sprintf("the statement at line %d holds a function literal", c.line(n))
		case *ast.ReturnStmt:
			why = fmt.Sprintf("the statement at line %d returns", c.line(n))
		case *ast.GoStmt, *ast.DeferStmt:
			why = fmt.Sprintf("the statement at line %d starts or defers a call", c.line(n))
		case *ast.SelectStmt, *ast.SendStmt:
			why = fmt.Sprintf("the statement at line %d may block on a channel", c.line(n))
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				why = fmt.Sprintf("the statement at line %d may block on a channel", c.line(n))
			}
		case *ast.BranchStmt:
			switch {
			case n.Label != nil || n.Tok == token.GOTO || n.Tok == token.FALLTHROUGH:
				why = fmt.Sprintf("the statement at line %d jumps", c.line(n))
			case n.Tok == token.BREAK && breaks == 0, n.Tok == token.CONTINUE && loops == 0:
				why = fmt.Sprintf("the statement at line %d leaves the statement", c.line(n))
			}
		case *ast.LabeledStmt:
			why = fmt.Sprintf("the statement at line %d is labeled", c.line(n))
		case *ast.CallExpr:
			if name, ok := c.callAllowed(n); !ok {
				why = fmt.Sprintf("the statement at line %d calls %s, which would run under the lock", c.line(n), name)
			}
		}
		return why == ""
	})
	return why
}

// safePkgs are the standard packages whose functions neither block nor call code of the
// package back.
var safePkgs = map[string]bool{"errors": true, "strconv": true, "strings": true, "unicode": true, "unicode/utf8": true,
	"math": true, "bytes": true, "slices": true, "maps": true, "time": true, "path": true, "path/filepath": false}

// callAllowed reports whether call can run under a lock held for a few statements, and
// names its function otherwise.
func (c *checker) callAllowed(call *ast.CallExpr) (string, bool) {
	info := c.m.Info
	name := types.ExprString(call.Fun)
	if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
		return name, true
	}
	switch fn := typeutil.Callee(info, call).(type) {
	case *types.Builtin:
		switch fn.Name() {
		case "append", "len", "cap", "delete", "copy", "min", "max", "clear", "make", "new", "complex", "real", "imag":
			return name, true
		}
	case *types.Func:
		if fn.Pkg() == nil {
			// error's Error method
			return name, fn.Name() == "Error"
		}
		path := fn.Pkg().Path()
		recv := fn.Signature().Recv()
		switch {
		case path == "fmt" && recv == nil:
			switch fn.Name() {
			case "Sprint", "Sprintf", "Sprintln", "Errorf":
				return name, true
			}
		case safePkgs[path] && (recv == nil || path == "time"):
			if path == "slices" || path == "maps" {
				for _, arg := range call.Args {
					if _, ok := info.TypeOf(arg).Underlying().(*types.Signature); ok {
						return name, false // calls back
					}
				}
			}
			return name, true
		}
	}
	return name, false
}

// groupLocks gathers the variables fixed with a new mutex into groups, one mutex each:
// the variables of one statement list of one function that the same goroutines use
// (transitively); the variables fixed with an existing mutex are a group of their own.
// It names each new mutex.
func (c *checker) groupLocks(finds []*finding) {
	type key struct {
		decl *model.Func
		list ast.Node
	}
	var groups []*lockGroup
	byKey := make(map[key][]*lockGroup)
	for _, f := range finds {
		if f.kind != mutex {
			continue
		}
		p := f.lock
		if p.guard != nil {
			p.group = &lockGroup{plans: []*lockPlan{p}, decl: p.v.Decl, guard: p.guard}
			groups = append(groups, p.group)
			continue
		}
		k := key{decl: p.v.Decl}
		if p.after.Valid() {
			k.list = p.after.Parent().Node()
		}
		var join *lockGroup
		for _, g := range byKey[k] {
			if sharesSpawn(g, p) {
				if join == nil {
					join = g
					g.plans = append(g.plans, p)
				} else if g != join { // p joins two groups: merge g into join
					join.plans = append(join.plans, g.plans...)
					g.plans = nil
				}
			}
		}
		if join == nil {
			join = &lockGroup{plans: []*lockPlan{p}, decl: p.v.Decl}
			byKey[k] = append(byKey[k], join)
			groups = append(groups, join)
		}
	}
	taken := make(map[*model.Func][]string)
	for _, g := range groups {
		if len(g.plans) == 0 {
			continue
		}
		for _, p := range g.plans {
			p.group = g
			if !g.after.Valid() || (p.after.Valid() && p.after.Node().Pos() > g.after.Node().Pos()) {
				g.after = p.after
			}
		}
		if g.guard != nil {
			continue
		}
		// Every statement the mutex is held around comes after its declaration.
		if g.after.Valid() {
			for _, p := range g.plans {
				for _, st := range p.stmts {
					if st.Node().Pos() < g.after.Node().End() {
						g.why = fmt.Sprintf("the goroutine at line %d starts before %s is declared", c.line(st.Node()), g.plans[len(g.plans)-1].v.Var.Name())
					}
				}
			}
		}
		names := []string{"mu"}
		for _, p := range g.plans {
			names = append(names, p.v.Var.Name()+"Mu")
		}
		for _, n := range names {
			if !slices.Contains(taken[g.decl], n) && c.nameFree(g.decl, n) {
				g.name = n
				taken[g.decl] = append(taken[g.decl], n)
				break
			}
		}
		if g.name == "" && g.why == "" {
			g.why = "no name for the mutex is free"
		}
	}
	for _, f := range finds {
		if f.kind == mutex && f.lock.group.why != "" {
			f.kind, f.why = noFix, f.lock.group.why
		}
	}
}

// sharesSpawn reports whether a goroutine accesses a variable of g and p's variable.
func sharesSpawn(g *lockGroup, p *lockPlan) bool {
	for _, q := range g.plans {
		for _, a := range goAccesses(q.v) {
			for _, b := range goAccesses(p.v) {
				if a.Spawn == b.Spawn {
					return true
				}
			}
		}
	}
	return false
}
