package waitgroup

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// neverDone reports wg.Add(1) before a go statement when nothing ever calls wg.Done
// (iterative/terraform-provider-iterative#404): wg.Wait blocks forever.
//
// The WaitGroup is a local variable (its every use is in the function that declares it
// and the literals it contains), used only as the receiver of Add with a positive
// constant, Wait and Go: no Done, no Add with another delta, never passed, stored,
// copied or its address taken. At least one Add is directly before a go statement,
// whose goroutine may end (its function, when the package has it, has a path that
// returns), and there is a Wait. `wg.Add(1); go serve(); wg.Wait()` alone can be a way to
// block forever: the goroutines counted must be several (a go statement in a loop, or
// several Adds before go statements).
//
// It is reported only: where the goroutine should call Done is its author's choice.
func (c *checker) neverDone() {
	uses := make(map[*types.Var][]inspector.Cursor)
	var order []*types.Var
	for cur := range c.insp.Root().Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || v.IsField() || !isWG(v.Type()) || v.Pkg() != c.pass.Pkg || v.Parent() == c.pass.Pkg.Scope() {
			continue
		}
		if _, seen := uses[v]; !seen {
			order = append(order, v)
		}
		uses[v] = append(uses[v], cur)
	}
	for _, v := range order {
		c.checkNeverDone(v, uses[v])
	}
}

func (c *checker) checkNeverDone(v *types.Var, uses []inspector.Cursor) {
	if c.isParam(v) {
		return // a parameter passed by value: the by-value rule's
	}
	var counted []wgCall
	var gos []*model.Go
	waits := 0
	for _, cur := range uses {
		if cur.ParentEdgeKind() != edge.SelectorExpr_X || cur.Parent().ParentEdgeKind() != edge.CallExpr_Fun {
			return // the WaitGroup used otherwise: its address passed, a copy, a method value
		}
		call := cur.Parent().Parent().Node().(*ast.CallExpr)
		w, ok := c.wgMethod(call)
		if !ok {
			return
		}
		switch w.method {
		case "Wait":
			waits++
		case "Go":
		case "Add":
			if len(call.Args) != 1 || !positive(c.info.Types[call.Args[0]].Value) {
				return
			}
			if g := c.goAfter(cur.Parent().Parent()); g != nil {
				counted = append(counted, w)
				gos = append(gos, g)
			}
		default:
			return
		}
	}
	if waits == 0 || len(counted) == 0 || len(counted) == 1 && !gos[0].InLoop {
		return
	}
	for i, w := range counted {
		if !c.mayEnd(gos[i]) {
			continue
		}
		name := types.ExprString(w.recv)
		d := analysis.Diagnostic{
			Pos:     w.call.Pos(),
			End:     w.call.End(),
			Message: fmt.Sprintf("%s.Add counts a goroutine, but nothing calls %s.Done: %s.Wait blocks forever", name, name, name),
			Related: []analysis.RelatedInformation{{Pos: gos[i].Stmt.Pos(), Message: "the goroutine counted"}},
		}
		c.reportFix(d, "where the goroutine should call Done is its author's choice", "", nil)
	}
}

// isParam reports whether v is a parameter or result of a function.
func (c *checker) isParam(v *types.Var) bool {
	for _, f := range c.m.Funcs {
		if f.Sig == nil {
			continue
		}
		for _, t := range []*types.Tuple{f.Sig.Params(), f.Sig.Results()} {
			for i := 0; i < t.Len(); i++ {
				if t.At(i) == v {
					return true
				}
			}
		}
		if r := f.Sig.Recv(); r == v {
			return true
		}
	}
	return false
}

// goAfter returns the go statement directly after the expression statement of the call
// at cur, or nil.
func (c *checker) goAfter(cur inspector.Cursor) *model.Go {
	if !c.beforeGo(cur) {
		return nil
	}
	es := cur.Parent()
	list, _ := model.StmtList(es.Parent().Node())
	g := list[indexOf(list, es.Node().(ast.Stmt))+1].(*ast.GoStmt)
	return c.goOf[g]
}

// mayEnd reports whether the goroutine of g may return: its function, when the package
// has it, has a live path that ends in a return (or runtime.Goexit); a function of
// another package may.
func (c *checker) mayEnd(g *model.Go) bool {
	if g.Runs == nil {
		return true
	}
	for _, b := range g.Runs.CFG().Blocks {
		if !b.Live || len(b.Succs) > 0 || len(b.Nodes) == 0 {
			continue
		}
		if _, ok := b.Nodes[len(b.Nodes)-1].(*ast.ReturnStmt); ok || c.terminal(b) == exitGoexit {
			return true
		}
	}
	return false
}
