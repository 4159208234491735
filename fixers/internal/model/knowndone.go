package model

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// KnownDone reports whether the context in variable v (or struct field v, followed as
// x.v whatever x is) is known to be done when n runs in f: on every path of f's
// control-flow graph to n, a receive from v.Done() has completed, n is in the body of a case <-v.Done(): of a select, or a condition that only holds when
// v is done was taken (v.Err() != nil, context.Cause(v) != nil, v.Err() ==
// context.Canceled, errors.Is(v.Err(), ...), err != nil after err := v.Err() in the if
// statement's header; their negations on the else branch; the exit of for v.Err() ==
// nil { ... }), and v was not assigned since (but for a context derived from it:
// ctx, cancel = context.WithTimeout(ctx, d)). A context that is done stays done, so a
// new case <-v.Done() there would be ready at once: a select with another ready case then
// picks one at random.
//
// n is a node of f's control-flow graph (a statement), a declaration statement, or a
// select statement (the state before its cases are evaluated); for any other node, or
// when f follows more than 64 contexts, KnownDone is false.
func (m *Model) KnownDone(f *Func, v *types.Var, n ast.Node) bool {
	df := m.doneFlow(f)
	i, ok := df.index[v]
	if !ok {
		return false
	}
	switch s := n.(type) {
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && len(gd.Specs) > 0 {
			n = gd.Specs[0]
		}
	case *ast.SelectStmt:
		for _, cc := range s.Body.List {
			if comm := cc.(*ast.CommClause).Comm; comm != nil {
				n = comm
				break
			}
		}
	}
	return df.at[n]&(1<<i) != 0
}

// A doneFlow is the result of the known-done dataflow of one function.
type doneFlow struct {
	index map[*types.Var]int  // the context variables followed, by bit
	at    map[ast.Node]uint64 // the contexts known done before each node of the CFG
}

func (m *Model) doneFlow(f *Func) *doneFlow {
	if v, ok := m.ctxDone.Load(f); ok {
		return v.(*doneFlow)
	}
	v, _ := m.ctxDone.LoadOrStore(f, m.newDoneFlow(f))
	return v.(*doneFlow)
}

func (m *Model) newDoneFlow(f *Func) *doneFlow {
	df := &doneFlow{index: make(map[*types.Var]int), at: make(map[ast.Node]uint64)}
	// The context variables f refers to, and the conditions and select cases of f.
	conds := make(map[ast.Expr]*ast.IfStmt) // conditions of if, for and tagless switch cases; the if for err := ctx.Err()
	comms := make(map[ast.Node]bool)        // the communications of select cases
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.Ident:
			if v, ok := m.Info.Uses[n].(*types.Var); ok && IsContext(v.Type()) {
				if _, seen := df.index[v]; !seen && len(df.index) < 64 {
					df.index[v] = len(df.index)
				}
			}
		case *ast.IfStmt:
			conds[n.Cond] = n
		case *ast.ForStmt:
			if n.Cond != nil {
				conds[n.Cond] = nil
			}
		case *ast.SwitchStmt:
			if n.Tag == nil {
				for _, cc := range n.Body.List {
					for _, e := range cc.(*ast.CaseClause).List {
						conds[e] = nil
					}
				}
			}
		case *ast.CommClause:
			if n.Comm != nil {
				comms[n.Comm] = true
			}
		}
		return true
	})
	if len(df.index) == 0 {
		return df
	}
	g := f.CFG()
	// transfer runs b from its entry state and returns its exit state, recording the
	// state before each node when record is set.
	transfer := func(b *cfg.Block, s uint64, record bool) uint64 {
		if b.Kind == cfg.KindSelectCaseBody {
			if cc, ok := b.Stmt.(*ast.CommClause); ok {
				s |= df.doneRecv(m, cc.Comm)
			}
		}
		for _, n := range b.Nodes {
			if record {
				df.at[n] = s
			}
			if comms[n] {
				continue // evaluated before the select chooses a case
			}
			s = df.node(m, n, s)
		}
		return s
	}
	in, seen := Forward(g, 0, func(b *cfg.Block, s uint64) uint64 { return transfer(b, s, false) },
		func(e ast.Expr, holds bool, s uint64) uint64 {
			if ifs, isCond := conds[e]; isCond {
				onTrue, onFalse := df.cond(m, e, ifs)
				if holds {
					return s | onTrue
				}
				return s | onFalse
			}
			return s
		}, func(a, b uint64) uint64 { return a & b })
	for _, b := range g.Blocks {
		if b.Live && seen[b.Index] {
			transfer(b, in[b.Index], true)
		}
	}
	return df
}

// node returns the state after node n, from the state s before it.
func (df *doneFlow) node(m *Model, n ast.Node, s uint64) uint64 {
	switch n := n.(type) {
	case *ast.ExprStmt:
		s |= df.doneRecv(m, n)
	case *ast.AssignStmt:
		if b := df.doneRecv(m, n); b != 0 {
			return s | b
		}
		for i, l := range n.Lhs {
			id := ctxIdent(l)
			if id == nil {
				continue
			}
			v, ok := m.Info.ObjectOf(id).(*types.Var)
			if !ok {
				continue
			}
			bit, followed := df.index[v]
			if !followed {
				continue
			}
			// A context derived from a context known done is done.
			derivedDone := false
			if len(n.Rhs) == 1 && i == 0 || len(n.Rhs) == len(n.Lhs) {
				rhs := n.Rhs[0]
				if len(n.Rhs) == len(n.Lhs) {
					rhs = n.Rhs[i]
				}
				if parent := derivedFrom(m, rhs); parent != nil {
					if pb, ok := df.index[parent]; ok && s&(1<<pb) != 0 {
						derivedDone = true
					}
				}
			}
			if derivedDone {
				s |= 1 << bit
			} else {
				s &^= 1 << bit
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			v, ok := m.Info.Defs[id].(*types.Var)
			if !ok {
				continue
			}
			bit, followed := df.index[v]
			if !followed || len(n.Values) == 0 {
				continue
			}
			rhs := n.Values[0]
			if len(n.Values) == len(n.Names) {
				rhs = n.Values[i]
			} else if i != 0 {
				continue
			}
			s &^= 1 << bit
			if parent := derivedFrom(m, rhs); parent != nil {
				if pb, ok := df.index[parent]; ok && s&(1<<pb) != 0 {
					s |= 1 << bit
				}
			}
		}
	}
	return s
}

// doneRecv returns the bit of the context whose Done channel the statement receives
// from (<-ctx.Done(), x := <-ctx.Done(), case <-ctx.Done():), or 0.
func (df *doneFlow) doneRecv(m *Model, s ast.Stmt) uint64 {
	operand := RecvOperand(s)
	if operand == nil {
		return 0
	}
	return df.ctxCall(m, operand, "Done")
}

// ctxCall returns the bit of v when e is v.name() for a followed context variable v.
func (df *doneFlow) ctxCall(m *Model, e ast.Expr, name string) uint64 {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return 0
	}
	fn, ok := typeutil.Callee(m.Info, call).(*types.Func)
	if !ok || !IsContextMethod(fn, name) {
		return 0
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return 0
	}
	return df.bitOf(m, sel.X)
}

func (df *doneFlow) bitOf(m *Model, e ast.Expr) uint64 {
	id := ctxIdent(e)
	if id == nil {
		return 0
	}
	v, ok := m.Info.Uses[id].(*types.Var)
	if !ok {
		return 0
	}
	if i, ok := df.index[v]; ok {
		return 1 << i
	}
	return 0
}

// ctxIdent returns the identifier that denotes the context variable of e: e itself, or
// the field name of a selector x.f (a context held in a field is followed by its field:
// two bases of one field share a bit, which can only make more contexts known done).
func ctxIdent(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// errOf returns the bit of the context whose error e is: v.Err() or context.Cause(v), or
// a variable declared as err := v.Err() in the header of ifs.
func (df *doneFlow) errOf(m *Model, e ast.Expr, ifs *ast.IfStmt) uint64 {
	if b := df.ctxCall(m, e, "Err"); b != 0 {
		return b
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 {
		if fn, ok := typeutil.Callee(m.Info, call).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "context" && fn.Name() == "Cause" {
			return df.bitOf(m, call.Args[0])
		}
	}
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok || ifs == nil {
		return 0
	}
	as, ok := ifs.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
		return 0
	}
	for i, l := range as.Lhs {
		if lid, ok := l.(*ast.Ident); ok && m.Info.Defs[lid] != nil && m.Info.Defs[lid] == m.Info.Uses[id] {
			return df.ctxCall(m, as.Rhs[i], "Err")
		}
	}
	return 0
}

// cond returns the contexts known done when condition e is true, and when it is false.
func (df *doneFlow) cond(m *Model, e ast.Expr, ifs *ast.IfStmt) (whenTrue, whenFalse uint64) {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			t, f := df.cond(m, e.X, ifs)
			return f, t
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			xt, _ := df.cond(m, e.X, ifs)
			yt, _ := df.cond(m, e.Y, ifs)
			return xt | yt, 0
		case token.LOR:
			_, xf := df.cond(m, e.X, ifs)
			_, yf := df.cond(m, e.Y, ifs)
			return 0, xf | yf
		case token.EQL, token.NEQ:
			x, y := e.X, e.Y
			if df.errOf(m, x, ifs) == 0 {
				x, y = y, x
			}
			b := df.errOf(m, x, ifs)
			if b == 0 || isNil(m, y) == isNonNil(m, y) {
				return 0, 0
			}
			// err != nil and err == <a non-nil error> hold only when the context is done.
			done := isNil(m, y) == (e.Op == token.NEQ)
			if done {
				return b, 0
			}
			return 0, b
		}
	case *ast.CallExpr:
		// errors.Is(ctx.Err(), target) with a target that is not nil.
		if fn, ok := typeutil.Callee(m.Info, e).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "errors" && fn.Name() == "Is" && len(e.Args) == 2 {
			if b := df.errOf(m, e.Args[0], ifs); b != 0 && isNonNil(m, e.Args[1]) {
				return b, 0
			}
		}
	}
	return 0, 0
}

func isNil(m *Model, e ast.Expr) bool {
	tv, ok := m.Info.Types[e]
	return ok && tv.IsNil()
}

// isNonNil reports whether e is context.Canceled or context.DeadlineExceeded.
func isNonNil(m *Model, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	v, ok := m.Info.Uses[sel.Sel].(*types.Var)
	return ok && v.Pkg() != nil && v.Pkg().Path() == "context" && (v.Name() == "Canceled" || v.Name() == "DeadlineExceeded")
}

// derivedFrom returns the variable holding the parent context of a call of a context
// derivation (context.WithCancel(ctx), WithTimeout, WithValue...), or nil.
func derivedFrom(m *Model, e ast.Expr) *types.Var {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return nil
	}
	fn, ok := typeutil.Callee(m.Info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "context" || len(fn.Name()) < 4 || fn.Name()[:4] != "With" {
		return nil
	}
	id, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := m.Info.Uses[id].(*types.Var)
	return v
}
