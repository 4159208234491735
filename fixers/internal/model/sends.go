package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
)

// OfObject returns the class of the channel variable, field, parameter or result o, or
// nil when o is in no class (nothing assigns, passes or operates on it).
func (cs *Chans) OfObject(o types.Object) *Chan {
	if o == nil {
		return nil
	}
	return cs.byRoot[cs.root(o)]
}

// Object returns the object that stands for the channel e in the classes: a variable, a
// field, a parameter or a result of a function of the package. Nil when unknown; the
// channels of ctx.Done() are a placeholder object that is no variable of the package.
func (cs *Chans) Object(e ast.Expr) types.Object { return cs.objOf(e) }

// MaxSends returns the most sends on channels of class c that one run of f can make,
// along any path of its control-flow graph (dead branches excluded), and false when
// there is no bound: a send is in a loop. Sends in function literals that f contains
// are not counted. A loop with a constant trip count (TripCount) bounds the sends in
// it, when f has no goto statement.
func (cs *Chans) MaxSends(f *Func, c *Chan) (int64, bool) {
	sends := make(map[ast.Node]bool)
	for _, op := range c.Ops {
		if op.Kind == Send && op.Func == f {
			sends[op.Node] = true
		}
	}
	if len(sends) == 0 {
		return 0, true
	}
	if n, ok := pathSends(f, sends); ok {
		return n, true
	}
	// Sends in counted loops: each send at most the product of its loops' trip counts.
	if hasGoto(f) {
		return 0, false
	}
	var total int64
	for _, op := range c.Ops {
		if !sends[op.Node] {
			continue
		}
		n := int64(1)
		for p := op.Cursor.Parent(); p.Valid() && p.Node() != f.Body; p = p.Parent() {
			switch l := p.Node().(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				k, ok := TripCount(cs.m.Info, l)
				if !ok {
					return 0, false
				}
				n *= k
			}
		}
		total += n
	}
	return total, true
}

// pathSends returns the most nodes of sends on a path of f's graph from its entry, or
// false when a send is on a cycle. The paths followed are those that f's flags (Flags:
// local booleans that only constants assign) allow: a path that sets ok = false and
// then takes the branch of if ok { ... } is not one (etcd's Watch sends on closeCh, then
// leaves its loop through the false branch of if ok). Without flags, or when the graph
// of blocks and flag values grows past maxFlagNodes, the paths are those of the graph.
func pathSends(f *Func, sends map[ast.Node]bool) (int64, bool) {
	g := f.CFG()
	weightOf := func(b *cfg.Block) int64 {
		var w int64
		if b.Live {
			for _, node := range b.Nodes {
				if sends[node] {
					w++
				}
			}
		}
		return w
	}
	if fl := f.Flags(); fl.Len() > 0 {
		if succs, weight, ok := flagGraph(g, fl, weightOf); ok {
			return longestPath(succs, weight)
		}
	}
	n := len(g.Blocks)
	weight := make([]int64, n)
	succs := make([][]int, n)
	for _, b := range g.Blocks {
		weight[b.Index] = weightOf(b)
		for _, s := range b.Succs {
			succs[b.Index] = append(succs[b.Index], int(s.Index))
		}
	}
	return longestPath(succs, weight)
}

// maxFlagNodes bounds the graph of blocks and flag values that flagGraph builds.
const maxFlagNodes = 1 << 14

// flagGraph returns the graph whose nodes are the pairs of a block of g and the values
// of fl that a path from the entry knows there, node 0 the entry: an edge that the
// values rule out (Flags.Infeasible) is not in it. False when it has more than
// maxFlagNodes nodes.
func flagGraph(g *cfg.CFG, fl *Flags, weightOf func(*cfg.Block) int64) (succs [][]int, weight []int64, ok bool) {
	type node struct {
		b    *cfg.Block
		vals FlagValues
	}
	index := make(map[node]int)
	var nodes []node
	add := func(n node) int {
		if i, ok := index[n]; ok {
			return i
		}
		index[n] = len(nodes)
		nodes = append(nodes, n)
		succs = append(succs, nil)
		weight = append(weight, weightOf(n.b))
		return len(nodes) - 1
	}
	add(node{g.Blocks[0], Unknown()})
	for i := 0; i < len(nodes); i++ {
		if len(nodes) > maxFlagNodes {
			return nil, nil, false
		}
		n := nodes[i]
		vals := n.vals
		for _, x := range n.b.Nodes {
			fl.Apply(x, &vals)
		}
		ruledOut := fl.Infeasible(n.b, vals)
		for j, s := range n.b.Succs {
			if j == ruledOut {
				continue
			}
			k := add(node{s, vals})
			succs[i] = append(succs[i], k)
		}
	}
	return succs, weight, true
}

// longestPath returns the greatest sum of weights on a path from node 0 of the graph
// succs, or false when a node of positive weight is on a cycle. It condenses the graph
// into its strongly connected components (Tarjan's algorithm) and takes the longest
// path over them.
func longestPath(succs [][]int, weight []int64) (int64, bool) {
	n := len(succs)
	index := make([]int, n)
	low := make([]int, n)
	comp := make([]int, n) // the component of each node; edges go to lower components
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack []int
	onStack := make([]bool, n)
	var compWeight []int64
	var compCyclic []bool
	next := 0
	var strong func(v int)
	strong = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range succs[v] {
			if index[w] < 0 {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		c := len(compWeight)
		var sum int64
		size := 0
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			comp[w] = c
			sum += weight[w]
			size++
			if w == v {
				break
			}
		}
		cyclic := size > 1
		for _, w := range succs[v] {
			cyclic = cyclic || w == v
		}
		compWeight = append(compWeight, sum)
		compCyclic = append(compCyclic, cyclic)
	}
	strong(0)
	best := make([]int64, len(compWeight))
	for c := range compWeight {
		if compCyclic[c] && compWeight[c] > 0 {
			return 0, false
		}
	}
	csuccs := make([][]int, len(compWeight))
	for v := range n {
		if comp[v] < 0 {
			continue // not reachable from the entry
		}
		for _, w := range succs[v] {
			if d := comp[w]; d != comp[v] {
				csuccs[comp[v]] = append(csuccs[comp[v]], d)
			}
		}
	}
	for c := range compWeight { // successors first
		var most int64
		for _, d := range csuccs[c] {
			most = max(most, best[d])
		}
		best[c] = compWeight[c] + most
	}
	return best[comp[0]], true
}

func hasGoto(f *Func) bool { return HasGoto(f.Body) }

// HasGoto reports whether body holds a goto statement, outside function literals (a goto
// cannot leave its function): flows that follow statements in order refuse such bodies.
func HasGoto(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO {
			found = true
		}
		_, lit := n.(*ast.FuncLit)
		return !found && !lit
	})
	return found
}
