package model

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A SpawnKind says how a function literal is started in a goroutine of its own.
type SpawnKind uint8

const (
	GoStmt      SpawnKind = iota // go func() { ... }()
	WaitGroupGo                  // wg.Go(func() { ... }) of sync.WaitGroup (Go 1.25)
	ErrGroupGo                   // g.Go(func() error { ... }) or g.TryGo of golang.org/x/sync/errgroup
)

func (k SpawnKind) String() string { return [...]string{"go", "WaitGroup.Go", "errgroup.Go"}[k] }

// A Spawn is a function literal that runs in a goroutine of its own, started by a go
// statement or by the Go method of a sync.WaitGroup or an errgroup.Group.
type Spawn struct {
	Kind   SpawnKind
	Node   ast.Node         // the *ast.GoStmt, or the *ast.CallExpr of the Go method
	Cursor inspector.Cursor // of Node
	Lit    *Func            // the literal the goroutine runs
	In     *Func            // the function that starts it
	Go     *Go              // the go statement, for GoStmt
	Group  ast.Expr         // the receiver of the Go method (the WaitGroup or group), for the others

	// What the goroutine does that the function starting it can wait for.
	done    bool           // it calls (*sync.WaitGroup).Done, or WaitGroup.Go started it
	sends   map[*Chan]bool // the channel classes it sends on or closes
	cancels bool           // it calls a context.CancelFunc (or CancelCauseFunc)

	sh    *Shared
	at    cfgPos                // its node in In's graph
	reach map[ast.Node]*reached // by the node that kills the path (the declaration of a variable), nil for none

	helpers                  map[*Func]bool       // functions of the package called by In: whether they wait for s
	atomicSync               bool                 // the goroutine loads, stores or swaps atomically: it may publish or wait through atomics
	gates                    [2]map[ast.Node]bool // the nodes of Lit's graph reached only past a gate (frame, goroutines)
	again, waited, mayReturn bool                 // Again, Waited, MayReturnBefore
	gatesDone                [2]bool
}

// A Timing says when the code of a function runs, relative to the function it is in.
type Timing uint8

const (
	Now     Timing = iota // where it is: a declared function, a goroutine's literal, a literal called on the spot
	AtExit                // when its function returns: a deferred literal
	Anytime               // a literal that is stored, passed or returned: it may run at any time, in any goroutine
)

func (t Timing) String() string { return [...]string{"now", "at exit", "anytime"}[t] }

// A runner says which code a function's body is part of: a goroutine's (Spawn), or the
// code of a function (Frame) that runs it on the spot or defers it.
type runner struct {
	spawn  *Spawn
	frame  *Func            // for frame code: the function whose code this is; nil for goroutine code
	anchor inspector.Cursor // for frame code in a literal: the literal's cursor, in frame (or in another literal of frame called on the spot)
	timing Timing
}

// cfgPos is a node of a function's graph.
type cfgPos struct {
	b *cfg.Block
	i int
}

func (p cfgPos) valid() bool { return p.b != nil }

// index maps the nodes of a function's graph to their block and place, and to their cursor.
type index struct {
	at     map[ast.Node]cfgPos
	cursor map[ast.Node]inspector.Cursor
	comms  map[ast.Node]bool // the communications of select cases (evaluated before the select chooses)
}

// indexOf returns the index of f's graph, built on first use (newShared runs alone).
func (sh *Shared) indexOf(f *Func) *index {
	if ix := sh.indexes[f]; ix != nil {
		return ix
	}
	ix := &index{at: make(map[ast.Node]cfgPos), cursor: make(map[ast.Node]inspector.Cursor), comms: make(map[ast.Node]bool)}
	for _, b := range f.CFG().Blocks {
		for i, n := range b.Nodes {
			ix.at[n] = cfgPos{b, i}
		}
		if b.Kind == cfg.KindSelectCaseBody {
			if cc, ok := b.Stmt.(*ast.CommClause); ok && cc.Comm != nil {
				ix.comms[cc.Comm] = true
			}
		}
	}
	for c := range f.Cursor.Preorder() {
		if _, ok := ix.at[c.Node()]; ok {
			ix.cursor[c.Node()] = c
		}
	}
	sh.indexes[f] = ix
	return ix
}

// posIn returns the node of f's graph that contains the node at c (c in f's body).
func (sh *Shared) posIn(f *Func, c inspector.Cursor) cfgPos {
	ix := sh.indexOf(f)
	for p := c; p.Valid() && p.Node() != f.Node; p = p.Parent() {
		if at, ok := ix.at[p.Node()]; ok {
			return at
		}
	}
	return cfgPos{}
}

// collectSpawns finds the spawns of the package and what their goroutines signal.
func (sh *Shared) collectSpawns() {
	m := sh.m
	for _, g := range m.Gos {
		if g.Runs != nil && g.Runs.Obj == nil && g.In != nil {
			sh.addSpawn(&Spawn{Kind: GoStmt, Node: g.Stmt, Cursor: g.Cursor, Lit: g.Runs, In: g.In, Go: g})
		}
	}
	var dones, atomics, cancels []*Func
	for _, cur := range m.Calls {
		call := cur.Node().(*ast.CallExpr)
		if isCancelFunc(m.Info.TypeOf(call.Fun)) {
			if f := m.Enclosing(cur); f != nil {
				cancels = append(cancels, f)
			}
			continue
		}
		fn, ok := typeutil.Callee(m.Info, call).(*types.Func)
		if !ok {
			continue
		}
		if fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && atomicSyncs(fn.Name()) {
			if f := m.Enclosing(cur); f != nil {
				atomics = append(atomics, f)
			}
		}
		switch {
		case IsMethod(fn, "sync", "WaitGroup", "Done"):
			if f := m.Enclosing(cur); f != nil {
				dones = append(dones, f)
			}
		case GoMethod(fn):
			if len(call.Args) != 1 {
				continue
			}
			lit, ok := ast.Unparen(call.Args[0]).(*ast.FuncLit)
			if !ok {
				continue
			}
			in := m.Enclosing(cur)
			if in == nil {
				continue
			}
			s := &Spawn{Kind: ErrGroupGo, Node: call, Cursor: cur, Lit: m.FuncOf(lit), In: in}
			if fn.Pkg().Path() == "sync" {
				s.Kind, s.done = WaitGroupGo, true
			}
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				s.Group = sel.X
			}
			sh.addSpawn(s)
		}
	}
	// Order the spawns as in the source: go statements and Go calls were found apart.
	sortSpawns(sh.Spawns)
	for _, f := range dones {
		if r := sh.runnerOf(f); r.spawn != nil && r.timing != Anytime {
			r.spawn.done = true
		}
	}
	for _, f := range cancels {
		if r := sh.runnerOf(f); r.spawn != nil && r.timing != Anytime {
			r.spawn.cancels = true
		}
	}
	for _, f := range atomics {
		if r := sh.runnerOf(f); r.spawn != nil && r.timing != Anytime {
			r.spawn.atomicSync = true
		}
	}
	cs := m.Chans()
	for _, op := range cs.Ops {
		if op.Kind != Send && op.Kind != Close || op.Func == nil {
			continue
		}
		if r := sh.runnerOf(op.Func); r.spawn != nil && r.timing != Anytime {
			if c := cs.Of(op.Ch); c != nil {
				r.spawn.sends[c] = true
			}
		}
	}
	for _, s := range sh.Spawns {
		s.at = sh.posIn(s.In, s.Cursor)
	}
}

func (sh *Shared) addSpawn(s *Spawn) {
	if s.Lit == nil || sh.spawnOf[s.Lit] != nil {
		return
	}
	s.sh = sh
	s.sends = make(map[*Chan]bool)
	s.reach = make(map[ast.Node]*reached)
	s.helpers = make(map[*Func]bool)
	sh.Spawns = append(sh.Spawns, s)
	sh.spawnOf[s.Lit] = s
}

func sortSpawns(ss []*Spawn) {
	// Insertion sort: the two runs are each sorted already, and spawns are few.
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j].Node.Pos() < ss[j-1].Node.Pos(); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

// isMethod reports whether fn is the method name of the named type pkg.typ (or of a
// pointer to it).
// GoMethod reports whether fn starts its function argument in a goroutine of its own:
// (*sync.WaitGroup).Go, (*errgroup.Group).Go or TryGo.
func GoMethod(fn *types.Func) bool {
	return IsMethod(fn, "sync", "WaitGroup", "Go") || IsMethod(fn, "golang.org/x/sync/errgroup", "Group", "Go") ||
		IsMethod(fn, "golang.org/x/sync/errgroup", "Group", "TryGo")
}

// Imports reports whether pkg imports path directly.
func Imports(pkg *types.Package, path string) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == path {
			return true
		}
	}
	return false
}

// IsMethod reports whether fn is the method name of type typ (or *typ) of package pkg.
func IsMethod(fn *types.Func, pkg, typ, name string) bool {
	if fn.Name() != name || fn.Pkg() == nil || fn.Pkg().Path() != pkg {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == typ
}

// SpawnOf returns the spawn whose literal is f, or nil.
func (sh *Shared) SpawnOf(f *Func) *Spawn { return sh.spawnOf[f] }

// runnerOf says which code the body of f is part of.
func (sh *Shared) runnerOf(f *Func) runner {
	if r, ok := sh.runners[f]; ok {
		return r
	}
	var r runner
	switch {
	case f.Obj != nil || f.Outer == nil:
		r = runner{frame: f}
	case sh.spawnOf[f] != nil:
		r = runner{spawn: sh.spawnOf[f]}
	default:
		outer := sh.runnerOf(f.Outer)
		deferred := f.Cursor.ParentEdgeKind() == edge.CallExpr_Fun && f.Cursor.Parent().ParentEdgeKind() == edge.DeferStmt_Call
		switch {
		case outer.timing == Anytime:
			r = outer
		case deferred:
			r = outer
			if outer.spawn == nil {
				r.timing = AtExit
			}
		case f.Called:
			r = outer
			if outer.spawn == nil && outer.timing == Now && !outer.anchor.Valid() {
				r.anchor = f.Cursor // frame code at the call of the outermost literal called on the spot
			}
		default:
			r = runner{spawn: outer.spawn, frame: outer.frame, timing: Anytime}
		}
	}
	sh.runners[f] = r
	return r
}

// A reached is what a goroutine's start reaches in the graph of the function that
// starts it before anything waits for the goroutine: the nodes that may run while it
// runs.
type reached struct {
	nodes   map[*cfg.Block][]bool // the nodes reached, by block
	stopped bool                  // a wait stops some path
	exit    bool                  // a return may run while the goroutine runs
}

func (r *reached) has(p cfgPos) bool {
	if !p.valid() {
		return false
	}
	ns := r.nodes[p.b]
	return ns != nil && ns[p.i]
}

// reachFrom computes what s reaches, the paths stopped by waits for s and by the node
// kill (the declaration of a variable inside a loop: past it, a new variable).
func (s *Spawn) reachFrom(kill ast.Node) *reached {
	if r, ok := s.reach[kill]; ok {
		return r
	}
	r := &reached{nodes: make(map[*cfg.Block][]bool)}
	s.reach[kill] = r
	if !s.at.valid() {
		return r
	}
	type item struct {
		b *cfg.Block
		i int
	}
	ix := s.sh.indexOf(s.In)
	work := []item{{s.at.b, s.at.i + 1}}
	entered := make(map[*cfg.Block]bool)
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		ns := r.nodes[it.b]
		if ns == nil {
			ns = make([]bool, len(it.b.Nodes))
			r.nodes[it.b] = ns
		}
		if it.i == 0 {
			if entered[it.b] {
				continue
			}
			entered[it.b] = true
			if s.blockWaits(it.b, ix) {
				r.stopped = true
				continue
			}
		}
		stopped := false
		for j := it.i; j < len(it.b.Nodes); j++ {
			if ns[j] {
				stopped = true // scanned already, from an earlier node
				break
			}
			n := it.b.Nodes[j]
			if n == kill || s.waits(n, ix) {
				r.stopped = r.stopped || n != kill
				stopped = true
				break
			}
			ns[j] = true
			if _, ok := n.(*ast.ReturnStmt); ok {
				r.exit = true
			}
		}
		if !stopped {
			for _, succ := range it.b.Succs {
				work = append(work, item{succ, 0})
			}
		}
	}
	return r
}

// Again reports whether the go statement (or Go call) of s may run again while an earlier
// goroutine it started still runs: it is in a loop that does not wait for the goroutine
// before starting the next.
func (s *Spawn) Again() bool { return s.again }

// MayReturnBefore reports whether the function that starts s may return while s's
// goroutine still runs.
func (s *Spawn) MayReturnBefore() bool { return s.mayReturn }

// Waited reports whether the function that starts s waits for it on some path: the
// goroutine signals its end in a way that function waits for somewhere after the start.
func (s *Spawn) Waited() bool { return s.waited }

// atomicSyncs reports whether the sync/atomic function or method name orders memory for
// other variables in the way code relies on: a load, store, swap or compare-and-swap
// (a flag that publishes data). Add, And and Or are counters.
func atomicSyncs(name string) bool {
	for _, p := range []string{"Load", "Store", "Swap", "CompareAndSwap"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
