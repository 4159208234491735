package model

import (
	"cmp"
	"go/ast"
	"go/token"
	"slices"
)

// A CallSite is a static call of a function of the package.
type CallSite struct {
	Call   *ast.CallExpr
	Callee *Func
	Go     bool // the call of a go statement: the callee runs in a goroutine of its own
	Defer  bool // the call of a defer statement: the callee runs when the caller returns
}

// CallSites returns the static calls of the package's functions in f, outside its nested
// function literals, in source order.
func (l *Locks) CallSites(f *Func) []CallSite {
	var out []CallSite
	for _, c := range l.calls[f] {
		out = append(out, CallSite{Call: c.node, Callee: c.callee, Go: l.goCalls()[c.node], Defer: c.deferred})
	}
	return out
}

// Callers returns the functions of the package that call f statically where they run,
// not in a go or defer statement, each once, in the source order of their first call.
func (l *Locks) Callers(f *Func) []*Func {
	l.callersOnce.Do(func() {
		first := make(map[*Func]map[*Func]token.Pos)
		l.callers = make(map[*Func][]*Func)
		for _, caller := range l.m.Funcs {
			for _, c := range l.CallSites(caller) {
				if c.Go || c.Defer {
					continue
				}
				at := first[c.Callee]
				if at == nil {
					at = make(map[*Func]token.Pos)
					first[c.Callee] = at
				}
				if _, ok := at[caller]; !ok {
					at[caller] = c.Call.Pos()
					l.callers[c.Callee] = append(l.callers[c.Callee], caller)
				}
			}
		}
		for callee, cs := range l.callers {
			slices.SortFunc(cs, func(a, b *Func) int { return cmp.Compare(first[callee][a], first[callee][b]) })
		}
	})
	return l.callers[f]
}

// goCalls returns the calls of the package's go statements.
func (l *Locks) goCalls() map[*ast.CallExpr]bool {
	l.goOnce.Do(func() {
		l.goCall = make(map[*ast.CallExpr]bool, len(l.m.Gos))
		for _, g := range l.m.Gos {
			l.goCall[g.Stmt.Call] = true
		}
	})
	return l.goCall
}
