package singlesend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// A write is a variable of the spawning function that a sender writes, and why that
// write races with the function once it may return without receiving.
type write struct {
	v   *types.Var
	why string // "" when the function never reads or writes v while the sender runs
}

// writes returns the variables declared outside the sender's literal (not at package
// level) that it assigns, increments, ranges into or takes the address of, in the order
// of their first write, with whether each races with the spawning function: buffering
// the channel stops the leak, but a goroutine that outlives its spawner and still writes
// what the spawner or its caller reads is a data race.
func (ck *check) writes(s *sender, fa *flow) []write {
	info := ck.info
	var out []write
	seen := make(map[*types.Var]bool)
	add := func(e ast.Expr) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || seen[v] || v.Parent() == nil || v.Parent() == ck.pass.Pkg.Scope() || inside(s.lit, v.Pos()) {
			return
		}
		seen[v] = true
		out = append(out, write{v: v})
	}
	ast.Inspect(s.lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				add(l)
			}
		case *ast.IncDecStmt:
			add(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				add(n.X)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				if n.Key != nil {
					add(n.Key)
				}
				if n.Value != nil {
					add(n.Value)
				}
			}
		}
		return true
	})
	if len(out) == 0 {
		return nil
	}
	// Where the function refers to each variable, outside the sender.
	refs := make(map[*types.Var][]ast.Node) // the CFG nodes that refer to v
	inLit := make(map[*types.Var]bool)      // v is referred to by another function literal
	addrOf := make(map[*types.Var]bool)     // &v outside the sender
	for _, b := range fa.g.Blocks {
		if !b.Live {
			continue
		}
		for _, n := range b.Nodes {
			ast.Inspect(n, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.FuncLit:
					if m != s.lit {
						ast.Inspect(m.Body, func(k ast.Node) bool {
							if id, ok := k.(*ast.Ident); ok {
								if v, ok := info.Uses[id].(*types.Var); ok && seen[v] {
									inLit[v] = true
								}
							}
							return true
						})
					}
					return false
				case *ast.UnaryExpr:
					if m.Op == token.AND {
						if id, ok := ast.Unparen(m.X).(*ast.Ident); ok {
							if v, ok := info.Uses[id].(*types.Var); ok && seen[v] {
								addrOf[v] = true
							}
						}
					}
				case *ast.Ident:
					if v, ok := info.ObjectOf(m).(*types.Var); ok && seen[v] {
						refs[v] = append(refs[v], n)
					}
				}
				return true
			})
		}
	}
	for i := range out {
		w := &out[i]
		v := w.v
		switch {
		case !inside(ck.fn.Node, v.Pos()):
			w.why = fmt.Sprintf("the goroutine writes %s, a variable of an enclosing function", v.Name())
		case isResult(ck.fn.Sig, v):
			w.why = fmt.Sprintf("the goroutine writes the result %s, which the function returns without waiting for it", v.Name())
		case addrOf[v]:
			w.why = fmt.Sprintf("the goroutine writes %s, whose address the function takes", v.Name())
		case inLit[v]:
			w.why = fmt.Sprintf("the goroutine writes %s, which another function literal uses", v.Name())
		default:
			for _, n := range refs[v] {
				if fa.running[n] {
					w.why = fmt.Sprintf("the goroutine writes %s, which the function uses after it may have returned without receiving", v.Name())
					break
				}
			}
		}
	}
	return out
}

// racing returns the writes that race, and a reason naming them.
func racing(ws []write) ([]write, string) {
	var out []write
	for _, w := range ws {
		if w.why != "" {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, ""
	}
	if len(out) == 1 {
		return out, out[0].why + ": buffering would keep the data race"
	}
	var names []string
	for _, w := range out {
		names = append(names, w.v.Name())
	}
	return out, fmt.Sprintf("the goroutine writes %s, which the function may use after returning without receiving: buffering would keep the data race", strings.Join(names, ", "))
}

func inside(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }

func isResult(sig *types.Signature, v *types.Var) bool {
	return slices.Contains(slices.Collect(sig.Results().Variables()), v)
}
