package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"sync"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// Shared are the variables that goroutines share: the variables that a spawned literal
// (Spawn) uses and does not declare, local to a function of the package or at package
// level, each with every access to it in the package.
type Shared struct {
	m       *Model
	Spawns  []*Spawn     // in source order
	Vars    []*SharedVar // in the order of their declarations
	byVar   map[*types.Var]*SharedVar
	spawnOf map[*Func]*Spawn
	runners map[*Func]runner
	indexes map[*Func]*index
	held    map[*Func]map[*cfg.Block]heldSet
	heldMu  sync.Mutex // HeldAt's additions to indexes and held

	loopScopes map[*types.Scope]bool   // the scopes of for and range statements
	closures   map[*types.Var]*Func    // local variables that hold one function literal, built on first use
	bases      map[*Spawn][]*types.Var // the captured variables whose methods each goroutine calls
	waiting    map[*types.Func]bool    // methods of the package that may wait for another goroutine (waits)
}

// A SharedVar is a variable that a goroutine's literal uses and does not declare.
type SharedVar struct {
	Var      *types.Var
	Decl     *Func      // the function that declares it; nil at package level
	DeclID   *ast.Ident // its declaring identifier, in Decl
	DeclAt   inspector.Cursor
	Result   bool      // a named result of Decl
	Accesses []*Access // in source order; the returns of Decl that set or copy out a named result among them
	declNode ast.Node  // the node of Decl's graph that declares it, when in Decl's body

	races     []Race
	unseen    string
	readAfter map[*Spawn]*Access
}

// An AccessKind says what an access does with a variable.
type AccessKind uint8

const (
	Read      AccessKind = iota // reads it (or the field)
	Write                       // assigns it (or the field): v = x, for v = range, return x for a named result
	Update                      // reads and assigns it: v++, v += x
	ElemRead                    // reads an element of the map (or, with Slice, of the slice or array) it holds: m[k], range m, len(m)
	ElemWrite                   // writes an element: m[k] = x, delete(m, k), s[i] = x, copy(s, t)
	Ref                         // hands on what it refers to (a map, slice or pointer passed to a function, copied, sent, returned), or calls a method that may use it
	AddrOf                      // takes its address (&v, outside a sync/atomic call)
	SyncUse                     // uses a sync value in it (v.mu.Lock()): not an access to data
)

func (k AccessKind) String() string {
	return [...]string{"read", "write", "update", "element read", "element write", "reference", "address", "sync"}[k]
}

// An Access is one use of a shared variable.
type Access struct {
	Node     ast.Node         // the identifier, or the *ast.ReturnStmt that sets or copies out a named result
	Cursor   inspector.Cursor // of Node
	Expr     ast.Expr         // the expression accessed: the identifier, or the selector of the field (v.f.g); nil for a return
	Kind     AccessKind
	Fields   []*types.Var // the fields selected, outermost first
	Indirect bool         // a field reached through a pointer
	Slice    bool         // an element access of a slice or array (not of a map)
	Atomic   bool         // through a sync/atomic function (&v passed to it) or method
	Func     *Func        // the innermost function that contains it
	Spawn    *Spawn       // the goroutine that runs it; nil for the code of a function
	Timing   Timing       // when Func's code runs (Now, AtExit for a deferred literal, Anytime)
	Held     []HeldLock   // the locks held on every path to it in Func

	frame *Func  // for the code of a function: that function (Func, or the function that runs the literal Func)
	at    cfgPos // for the code of a function, at Now: its node in frame's graph
}

// Frame returns the function whose code the access is when it runs outside goroutines
// (Spawn is nil): its function, or the function that calls or defers the literal it is in.
func (a *Access) Frame() *Func { return a.frame }

// Writes reports whether the access assigns the variable or the field (not an element).
func (a *Access) Writes() bool { return a.Kind == Write || a.Kind == Update }

// Shared returns the package's shared variables.
func (m *Model) Shared() *Shared {
	m.sharedOnce.Do(func() { m.shared = newShared(m) })
	return m.shared
}

// Var returns the shared variable v, or nil.
func (sh *Shared) Var(v *types.Var) *SharedVar { return sh.byVar[v] }

func newShared(m *Model) *Shared {
	sh := &Shared{m: m, byVar: make(map[*types.Var]*SharedVar), spawnOf: make(map[*Func]*Spawn),
		runners: make(map[*Func]runner), bases: make(map[*Spawn][]*types.Var), waiting: make(map[*types.Func]bool), indexes: make(map[*Func]*index), held: make(map[*Func]map[*cfg.Block]heldSet)}
	sh.collectSpawns()
	for _, s := range sh.Spawns {
		r := s.reachFrom(nil)
		s.again, s.waited, s.mayReturn = r.has(s.at), r.stopped, r.exit
	}
	if len(sh.Spawns) == 0 {
		return sh
	}
	// The variables that spawned functions use and do not declare: those that an
	// identifier of a spawned function uses, in no spawned function nested in it (whose
	// own identifiers are its), and declared outside it.
	cand := make(map[*types.Var]bool)
	for _, f := range m.Funcs {
		if sh.spawnOf[f] == nil {
			continue
		}
		f.Cursor.Inspect([]ast.Node{(*ast.FuncLit)(nil), (*ast.Ident)(nil)}, func(cur inspector.Cursor) bool {
			switch n := cur.Node().(type) {
			case *ast.FuncLit:
				return n == f.Node || sh.spawnOf[m.FuncOf(n)] == nil
			case *ast.Ident:
				if v, ok := m.Info.Uses[n].(*types.Var); ok && !cand[v] && sh.sharable(v) && (v.Pos() < f.Node.Pos() || v.Pos() >= f.Node.End()) {
					cand[v] = true
				}
			}
			return true
		})
	}
	if len(cand) == 0 {
		return sh
	}
	// Their declarations and accesses: in the declarations that declare them, or in the
	// whole package for a package-level variable.
	sh.walkIdents(sh.declsOf(cand), func(id *ast.Ident, cur inspector.Cursor, stack []*Func) {
		if v, ok := m.Info.Defs[id].(*types.Var); ok && cand[v] {
			sv := sh.varOf(v)
			sv.DeclID, sv.DeclAt = id, cur
			if len(stack) > 0 && v.Parent() != m.Pkg.Scope() {
				sv.Decl = stack[len(stack)-1]
			}
			return
		}
		v, ok := m.Info.Uses[id].(*types.Var)
		if !ok || !cand[v] || len(stack) == 0 {
			return
		}
		a := &Access{Node: id, Cursor: cur, Expr: id, Func: stack[len(stack)-1]}
		sh.classify(a, v)
		sh.varOf(v).Accesses = append(sh.varOf(v).Accesses, a)
	})
	for _, sv := range sh.Vars {
		sh.complete(sv)
	}
	// Every answer is computed here: the caches the computation fills are never written
	// once the model is published to several fixers.
	for _, sv := range sh.Vars {
		sv.races = sh.races(sv)
		sv.unseen = sh.unseen(sv)
		sv.readAfter = make(map[*Spawn]*Access)
		for _, a := range sv.Accesses {
			if s := a.Spawn; s != nil {
				if _, done := sv.readAfter[s]; !done {
					sv.readAfter[s] = sh.readAfter(s, sv)
				}
			}
		}
	}
	return sh
}

func (sh *Shared) varOf(v *types.Var) *SharedVar {
	sv := sh.byVar[v]
	if sv == nil {
		sv = &SharedVar{Var: v}
		sh.byVar[v] = sv
		sh.Vars = append(sh.Vars, sv)
	}
	return sv
}

// walkIdents calls visit for each identifier under roots (top-level declarations, in
// source order; nil for the whole package) with the functions that contain it, outermost
// first.
func (sh *Shared) walkIdents(roots []inspector.Cursor, visit func(*ast.Ident, inspector.Cursor, []*Func)) {
	if roots == nil {
		roots = []inspector.Cursor{sh.m.Inspector.Root()}
	}
	var stack []*Func
	for _, root := range roots {
		stack = stack[:0]
		for cur := range root.Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.Ident)(nil)) {
			n := cur.Node()
			stack = popOutside(stack, n)
			switch n := n.(type) {
			case *ast.FuncDecl, *ast.FuncLit:
				if f := sh.m.FuncOf(n); f != nil {
					stack = append(stack, f)
				}
			case *ast.Ident:
				visit(n, cur, stack)
			}
		}
	}
}

// declsOf returns the cursors of the outermost functions that declare vars, in source
// order, or nil (the whole package) when one of them is declared at package level.
func (sh *Shared) declsOf(vars map[*types.Var]bool) []inspector.Cursor {
	outer := make(map[*Func]bool)
	for v := range vars {
		f := sh.m.declaringFunc(v)
		if f == nil {
			return nil
		}
		for f.Outer != nil {
			f = f.Outer
		}
		outer[f] = true
	}
	var roots []inspector.Cursor
	for _, f := range sh.m.Funcs { // in source order
		if outer[f] {
			roots = append(roots, f.Cursor)
		}
	}
	return roots
}

// sharable reports whether v is a variable of the package whose accesses the model
// follows: not a sync or sync/atomic value (those synchronise), not a loop variable (per
// iteration from Go 1.22, and go vet's loopclosure before).
func (sh *Shared) sharable(v *types.Var) bool {
	if v.Pkg() != sh.m.Pkg || v.IsField() || v.Name() == "_" || isSyncType(v.Type()) {
		return false
	}
	if v.Parent() == sh.m.Pkg.Scope() {
		return true
	}
	return !sh.loopVar(v)
}

// loopVar reports whether v is declared by the header of a for or range statement.
func (sh *Shared) loopVar(v *types.Var) bool {
	if sh.loopScopes == nil {
		sh.loopScopes = make(map[*types.Scope]bool)
		for n, s := range sh.m.Info.Scopes {
			switch n.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				sh.loopScopes[s] = true
			}
		}
	}
	return sh.loopScopes[v.Parent()]
}

// isSyncType reports whether t (or what it points to) is a named type of sync or
// sync/atomic.
func isSyncType(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	path := n.Obj().Pkg().Path()
	return path == "sync" || path == "sync/atomic"
}

// isRef reports whether values of t refer to memory that copies share: pointers, maps
// and slices.
func isRef(t types.Type) bool {
	if t == nil {
		return false
	}
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Map, *types.Slice:
		return true
	case *types.Basic:
		return t.Underlying().(*types.Basic).Kind() == types.UnsafePointer
	}
	return false
}

// classify sets what the access at a.Node (an identifier of v) does.
func (sh *Shared) classify(a *Access, v *types.Var) {
	info := sh.m.Info
	c := a.Cursor
	var e ast.Expr = a.Node.(*ast.Ident)
	// The field path: v.f.g, through parentheses.
path:
	for {
		p := c.Parent()
		switch pn := p.Node().(type) {
		case *ast.ParenExpr:
			c, e = p, pn
		case *ast.SelectorExpr:
			if c.ParentEdgeKind() != edge.SelectorExpr_X {
				break path
			}
			sel := info.Selections[pn]
			if sel == nil {
				break path
			}
			switch sel.Kind() {
			case types.FieldVal:
				a.Fields = append(a.Fields, EmbeddedFields(sel.Recv(), sel.Index())...)
				a.Indirect = a.Indirect || sel.Indirect()
				c, e = p, pn
			default: // a method
				fn, _ := sel.Obj().(*types.Func)
				switch {
				case fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "sync":
					a.Kind = SyncUse
				case fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic":
					a.Atomic = true
					a.Kind = Write
					if strings.HasPrefix(fn.Name(), "Load") {
						a.Kind = Read
					}
				default:
					a.Kind = Ref
				}
				a.Expr = e
				return
			}
		default:
			break path
		}
	}
	a.Expr = e
	t := info.TypeOf(e)
	ref := isRef(t)
	switch c.ParentEdgeKind() {
	case edge.AssignStmt_Lhs:
		if as := c.Parent().Node().(*ast.AssignStmt); as.Tok == token.ASSIGN || as.Tok == token.DEFINE {
			a.Kind = Write
		} else {
			a.Kind = Update
		}
	case edge.IncDecStmt_X:
		a.Kind = Update
	case edge.RangeStmt_Key, edge.RangeStmt_Value:
		a.Kind = Write
	case edge.RangeStmt_X:
		a.Kind = Read
		switch under(t).(type) {
		case *types.Map:
			a.Kind = ElemRead
		case *types.Slice, *types.Array, *types.Pointer:
			a.Kind, a.Slice = ElemRead, true
		}
	case edge.UnaryExpr_X:
		u := c.Parent().Node().(*ast.UnaryExpr)
		if u.Op != token.AND {
			a.Kind = Read
			return
		}
		a.Kind = AddrOf
		if kind, ok := sh.atomicArg(c.Parent()); ok {
			a.Kind, a.Atomic = kind, true
		}
	case edge.IndexExpr_X:
		ic := c.Parent()
		switch under(t).(type) {
		case *types.Map:
			a.Kind = ElemRead
			if k := ic.ParentEdgeKind(); k == edge.AssignStmt_Lhs || k == edge.IncDecStmt_X {
				a.Kind = ElemWrite
			}
		case *types.Slice, *types.Array, *types.Pointer:
			a.Kind, a.Slice = ElemRead, true
			if elemWritten(ic) {
				a.Kind = ElemWrite
			}
		default:
			a.Kind = Read
		}
	case edge.CallExpr_Args:
		call := c.Parent().Node().(*ast.CallExpr)
		a.Kind = Read
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok {
				sh.builtinArg(a, b.Name(), call, t)
				return
			}
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return // a conversion
		}
		if ref {
			a.Kind = Ref
		}
	case edge.SendStmt_Value, edge.AssignStmt_Rhs, edge.ValueSpec_Values, edge.CompositeLit_Elts,
		edge.KeyValueExpr_Value, edge.ReturnStmt_Results, edge.StarExpr_X:
		a.Kind = Read
		if ref {
			a.Kind = Ref
		}
	case edge.SliceExpr_X:
		a.Kind = Read
		if _, ok := under(t).(*types.Array); ok {
			a.Kind = Ref
		}
	default:
		a.Kind = Read
	}
}

func under(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

// elemWritten reports whether the index expression at ic is assigned: directly, through
// field selections (s[i].f = x), or by taking its address (&s[i]).
func elemWritten(ic inspector.Cursor) bool {
	for c := ic; ; {
		switch c.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key, edge.RangeStmt_Value:
			return true
		case edge.UnaryExpr_X:
			return c.Parent().Node().(*ast.UnaryExpr).Op == token.AND
		case edge.SelectorExpr_X, edge.ParenExpr_X, edge.IndexExpr_X:
			c = c.Parent()
		default:
			return false
		}
	}
}

// builtinArg classifies an argument of a builtin call.
func (sh *Shared) builtinArg(a *Access, name string, call *ast.CallExpr, t types.Type) {
	first := len(call.Args) > 0 && ast.Unparen(call.Args[0]) == a.Expr
	_, isMap := under(t).(*types.Map)
	switch name {
	case "delete", "clear":
		if first {
			a.Kind, a.Slice = ElemWrite, !isMap
		}
	case "copy":
		a.Kind, a.Slice = ElemRead, true
		if first {
			a.Kind = ElemWrite
		}
	case "len", "cap":
		if isMap {
			a.Kind = ElemRead
		}
	}
}

// atomicArg reports whether the &v at c is the first argument of a sync/atomic function,
// and whether that function reads or writes.
func (sh *Shared) atomicArg(c inspector.Cursor) (AccessKind, bool) {
	if c.ParentEdgeKind() != edge.CallExpr_Args {
		return 0, false
	}
	call := c.Parent().Node().(*ast.CallExpr)
	if len(call.Args) == 0 || call.Args[0] != c.Node() {
		return 0, false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return 0, false
	}
	fn, ok := sh.m.Info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" || fn.Signature().Recv() != nil {
		return 0, false
	}
	if strings.HasPrefix(fn.Name(), "Load") {
		return Read, true
	}
	return Write, true
}

// complete adds the returns that set or copy out a named result, and says where each
// access runs and which locks it holds.
func (sh *Shared) complete(sv *SharedVar) {
	idx := -1 // the index of sv among the results
	var res *types.Tuple
	if sv.Decl != nil {
		res = sv.Decl.Sig.Results()
		for i := range res.Len() {
			if res.At(i) == sv.Var {
				sv.Result, idx = true, i
			}
		}
		if sv.DeclAt.Valid() && sv.Decl.Body.Pos() <= sv.DeclID.Pos() && sv.DeclID.Pos() < sv.Decl.Body.End() {
			if p := sh.posIn(sv.Decl, sv.DeclAt); p.valid() {
				sv.declNode = p.b.Nodes[p.i]
			}
		}
	}
	if sv.Result {
		ix := sh.indexOf(sv.Decl)
		var rets []*Access
		for n, cur := range ix.cursor {
			ret, ok := n.(*ast.ReturnStmt)
			if !ok {
				continue
			}
			a := &Access{Node: ret, Cursor: cur, Kind: Read, Func: sv.Decl}
			if len(ret.Results) > 0 {
				a.Kind = Write
				if idx < len(ret.Results) && len(ret.Results) == res.Len() {
					if id, ok := ast.Unparen(ret.Results[idx]).(*ast.Ident); ok && sh.m.Info.Uses[id] == sv.Var {
						a.Kind = Read // return ..., v, ...: v is copied out as it is
					}
				}
			}
			rets = append(rets, a)
		}
		sv.Accesses = mergeByPos(sv.Accesses, rets)
	}
	for _, a := range sv.Accesses {
		r := sh.runnerOf(a.Func)
		a.Spawn, a.Timing = r.spawn, r.timing
		if r.spawn == nil {
			a.frame = r.frame
			if a.Timing == Now {
				anchor := a.Cursor
				if r.anchor.Valid() {
					anchor = r.anchor
				}
				a.at = sh.posIn(a.frame, anchor)
			}
		}
		a.Held = sh.heldAt(a.Func, a.Cursor)
	}
}

// mergeByPos merges two lists of accesses sorted by position (rets in any order).
func mergeByPos(as, rets []*Access) []*Access {
	for _, r := range rets {
		i := len(as)
		for i > 0 && as[i-1].Node.Pos() > r.Node.Pos() {
			i--
		}
		as = append(as, nil)
		copy(as[i+1:], as[i:])
		as[i] = r
	}
	return as
}
