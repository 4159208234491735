package model

import "go/ast"

// A CallSite is a static call of a function of the package.
type CallSite struct {
	Call   *ast.CallExpr
	Callee *Func
	Go     bool // the call of a go statement: the callee runs in a goroutine of its own
}

// CallSites returns the static calls of the package's functions in f, outside its nested
// function literals, in source order.
func (l *Locks) CallSites(f *Func) []CallSite {
	var out []CallSite
	for _, c := range l.calls[f] {
		out = append(out, CallSite{Call: c.node, Callee: c.callee, Go: l.goCalls()[c.node]})
	}
	return out
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
