package lostcancel

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// A plan is a fix decided before any rewriting.
type plan struct {
	stmt      ast.Stmt   // the statement that assigns the cancel function
	owner     ast.Node   // the *ast.BlockStmt, *ast.CaseClause or *ast.CommClause listing stmt
	list      []ast.Stmt // owner's statements
	index     int        // of stmt in list
	name      string     // of the cancel variable
	rename    bool       // name the discarded `_`
	blank     *ast.Ident // the discarded `_`
	varType   ast.Expr   // for a plain assignment to `_`: the type of `var name T` (nil otherwise)
	define    bool       // turn `_, _ = ...` into `_, name := ...`
	cause     bool       // the cancel function takes an error: call it with nil
	inLoop    bool       // call it at the end of the block, not deferred
	silencers []*ast.AssignStmt
}

// fix reports d with a fix for c, or without one and a note saying why.
func (a *analyzer) fix(c *candidate, d analysis.Diagnostic) {
	if c.kind() == "stop" {
		// Stopping a signal.NotifyContext restores the signals' default behaviour: a
		// SIGINT after the function returns would end the process instead of being
		// caught. Code may rely on either (os/signal's own test keeps the notification
		// on purpose), so the choice is the maintainer's.
		fixkit.Refuse(a.pass, d, d.Pos, "stopping the notification restores the signals' default behaviour")
		return
	}
	p, refusal := a.plan(c)
	if p == nil {
		fixkit.Refuse(a.pass, d, refusal.at.Pos(), refusal.why)
		return
	}
	call := p.name + "()"
	if p.cause {
		call = p.name + "(nil)"
	}
	msg := "Add defer " + call
	if p.inLoop {
		msg = "Call " + call + " at the end of the block"
	}
	fixkit.Report(a.pass, d, msg, func(fx *fixkit.Fix) error { return a.build(fx, p) })
}

// plan decides the fix for c, or returns why there is none.
func (a *analyzer) plan(c *candidate) (*plan, *escape) {
	info := a.pass.TypesInfo
	p := &plan{}

	// The statement must be an element of a statement list.
	var stmt ast.Stmt
	parents := c.stack
	switch s := c.stmt.(type) {
	case *ast.AssignStmt:
		stmt = s
	case *ast.ValueSpec:
		if len(parents) < 2 {
			return nil, &escape{s, "unexpected declaration"}
		}
		ds, ok := parents[len(parents)-2].(*ast.DeclStmt)
		if !ok {
			return nil, &escape{s, "unexpected declaration"}
		}
		stmt = ds
		parents = parents[:len(parents)-2]
	}
	list, ok := model.StmtList(parents[len(parents)-1])
	if !ok {
		return nil, &escape{stmt, "the assignment is not a statement of a block (if, switch or for header, or labeled)"}
	}
	p.list = list
	p.owner = parents[len(parents)-1]
	p.stmt = stmt
	p.index = -1
	for i, s := range p.list {
		if s == stmt {
			p.index = i
		}
	}
	if p.index < 0 {
		return nil, &escape{stmt, "the assignment is not a statement of a block"}
	}

	// Is it in a loop of this function?
	for i := 0; i+1 < len(parents); i++ {
		switch l := parents[i].(type) {
		case *ast.ForStmt:
			p.inLoop = p.inLoop || parents[i+1] == l.Body
		case *ast.RangeStmt:
			p.inLoop = p.inLoop || parents[i+1] == l.Body
		}
	}

	flow, e := a.escapes(c, p.inLoop)
	if e != nil {
		return nil, e
	}

	if p.inLoop {
		// Everything that holds the context must die with the block.
		end := p.owner.End()
		inBlock := func(v *types.Var) bool { return stmt.Pos() <= v.Pos() && v.Pos() < end }
		for v := range flow.tainted {
			if !inBlock(v) {
				return nil, &escape{c.ctxExpr, fmt.Sprintf("in a loop, and %s is declared outside the block", v.Name())}
			}
		}
		if c.cancel != nil && !inBlock(c.cancel) {
			return nil, &escape{c.cancelID, fmt.Sprintf("in a loop, and %s is declared outside the block", c.cancel.Name())}
		}
		if c.cancel != nil && a.classify(c, c.fn).count() > 1 {
			// A call at the end of the block would call the last value assigned.
			return nil, &escape{c.cancelID, fmt.Sprintf("in a loop, and %s is assigned more than once", c.cancel.Name())}
		}
		if n := leaves(p.list[p.index+1:]); n != nil {
			return nil, &escape{n, "in a loop, and control can leave the block here without calling cancel"}
		}
		if last := p.list[len(p.list)-1]; isTerminating(info, last, "") {
			return nil, &escape{last, "in a loop, and the block ends in a terminating statement"}
		}
	}

	// The cancel function's type.
	sigT, ok := c.callee.Signature().Results().At(1).Type().Underlying().(*types.Signature)
	if !ok || sigT.Params().Len() > 1 {
		return nil, &escape{c.call, "unexpected cancel function type"}
	}
	p.cause = sigT.Params().Len() == 1

	if c.cancel != nil {
		p.name = c.cancel.Name()
		// Remove `_ = cancel` statements that follow in the same list, when the variable
		// is assigned only here.
		r := a.classify(c, c.fn)
		if r.count() == 1 {
			for _, s := range r.silencers {
				for _, t := range p.list[p.index+1:] {
					if t == s {
						p.silencers = append(p.silencers, s)
					}
				}
			}
		}
		return p, nil
	}

	// Name the discarded cancel function.
	p.rename, p.blank = true, c.cancelID
	scope := a.pass.Pkg.Scope().Innermost(stmt.Pos())
	if scope == nil {
		return nil, &escape{stmt, "no scope"}
	}
	p.name = a.freshName(c.top, scope, stmt.Pos(), c.kind())
	if as, ok := c.stmt.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN && isBlank(as.Lhs[0]) {
		// _, _ = ...: declare the cancel variable with :=.
		if model.HasGoto(c.body) {
			return nil, &escape{stmt, "a goto could jump over a new variable declaration"}
		}
		p.define = true
	} else if ok && as.Tok == token.ASSIGN {
		// ctx, _ = ...: declare the variable first, naming its type as the file can.
		named, ok := types.Unalias(c.callee.Signature().Results().At(1).Type()).(*types.Named)
		if !ok || !named.Obj().Exported() {
			return nil, &escape{c.call, "no name for the cancel function's type"}
		}
		switch fun := ast.Unparen(c.call.Fun).(type) {
		case *ast.SelectorExpr:
			pkgID, ok := fun.X.(*ast.Ident)
			if !ok {
				return nil, &escape{c.call, "no name for the cancel function's type"}
			}
			if pn, ok := info.Uses[pkgID].(*types.PkgName); !ok || pn.Imported() != named.Obj().Pkg() {
				return nil, &escape{c.call, "no name for the cancel function's type"}
			}
			p.varType = &ast.SelectorExpr{X: ast.NewIdent(pkgID.Name), Sel: ast.NewIdent(named.Obj().Name())}
		case *ast.Ident: // a dot import, or the context package itself
			if _, obj := scope.LookupParent(named.Obj().Name(), stmt.Pos()); obj != named.Obj() {
				return nil, &escape{c.call, "no name for the cancel function's type"}
			}
			p.varType = ast.NewIdent(named.Obj().Name())
		default:
			return nil, &escape{c.call, "no name for the cancel function's type"}
		}
		if model.HasGoto(c.body) {
			return nil, &escape{stmt, "a goto could jump over a new variable declaration"}
		}
	}
	a.reserve(c.top, p.name)
	return p, nil
}

// freshName returns a name for a new variable declared at pos in scope that shadows
// nothing, is declared nowhere else in scope, and was not given to another fix in top.
func (a *analyzer) freshName(top ast.Node, scope *types.Scope, pos token.Pos, base string) string {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s%d", base, i)
		}
		if a.reserved[top][name] || scope.Lookup(name) != nil {
			continue
		}
		if _, obj := scope.LookupParent(name, pos); obj != nil {
			continue
		}
		return name
	}
}

func (a *analyzer) reserve(top ast.Node, name string) {
	if a.reserved[top] == nil {
		a.reserved[top] = make(map[string]bool)
	}
	a.reserved[top][name] = true
}

// leaves returns a statement in stmts that transfers control out of them (return, goto
// to a label outside, break or continue to a statement outside, fallthrough), or nil.
func leaves(stmts []ast.Stmt) ast.Node {
	labels := make(map[string]bool) // labels of statements within stmts
	for _, s := range stmts {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.LabeledStmt:
				labels[n.Label.Name] = true
			}
			return true
		})
	}
	var out ast.Node
	for _, s := range stmts {
		ast.PreorderStack(s, nil, func(n ast.Node, stack []ast.Node) bool {
			if out != nil {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				out = n
			case *ast.BranchStmt:
				if n.Label != nil {
					if !labels[n.Label.Name] {
						out = n
					}
					return false
				}
				loops, breakables := 0, 0
				for _, a := range stack {
					switch a.(type) {
					case *ast.ForStmt, *ast.RangeStmt:
						loops++
						breakables++
					case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
						breakables++
					}
				}
				switch n.Tok {
				case token.BREAK:
					if breakables == 0 {
						out = n
					}
				case token.CONTINUE:
					if loops == 0 {
						out = n
					}
				case token.FALLTHROUGH:
					// fallthrough ends a case clause: it stays within stmts only inside
					// a switch statement of stmts.
					inner := false
					for _, a := range stack {
						if _, ok := a.(*ast.SwitchStmt); ok {
							inner = true
						}
					}
					if !inner {
						out = n
					}
				case token.GOTO:
					out = n
				}
			}
			return out == nil
		})
		if out != nil {
			return out
		}
	}
	return nil
}

// isTerminating reports whether s is a terminating statement (Go spec), after which a
// statement would be unreachable. label is s's label, if any.
func isTerminating(info *types.Info, s ast.Stmt, label string) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO || s.Tok == token.FALLTHROUGH || s.Tok == token.BREAK || s.Tok == token.CONTINUE
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
					return true
				}
			}
		}
	case *ast.BlockStmt:
		return len(s.List) > 0 && isTerminating(info, s.List[len(s.List)-1], "")
	case *ast.IfStmt:
		return s.Else != nil && isTerminating(info, s.Body, "") && isTerminating(info, s.Else, "")
	case *ast.LabeledStmt:
		return isTerminating(info, s.Stmt, s.Label.Name)
	case *ast.ForStmt:
		return s.Cond == nil && !hasBreak(s.Body, label)
	case *ast.SwitchStmt:
		return clausesTerminate(info, s.Body, label, true)
	case *ast.TypeSwitchStmt:
		return clausesTerminate(info, s.Body, label, true)
	case *ast.SelectStmt:
		return clausesTerminate(info, s.Body, label, false)
	}
	return false
}

func clausesTerminate(info *types.Info, body *ast.BlockStmt, label string, needDefault bool) bool {
	hasDefault := false
	for _, cl := range body.List {
		var list []ast.Stmt
		switch cl := cl.(type) {
		case *ast.CaseClause:
			list = cl.Body
			hasDefault = hasDefault || cl.List == nil
		case *ast.CommClause:
			list = cl.Body
		}
		if len(list) == 0 || !isTerminating(info, list[len(list)-1], "") {
			return false
		}
		for _, s := range list {
			if hasBreak(s, label) {
				return false
			}
		}
	}
	return hasDefault || !needDefault
}

// hasBreak reports whether n contains a break that refers to the statement enclosing n
// (an unlabeled break outside nested breakable statements, or break label).
func hasBreak(n ast.Node, label string) bool {
	found := false
	ast.PreorderStack(n, nil, func(n ast.Node, stack []ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if n.Tok != token.BREAK {
				break
			}
			if n.Label != nil {
				found = found || n.Label.Name == label
				break
			}
			inner := false
			for _, a := range stack {
				switch a.(type) {
				case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
					inner = true
				}
			}
			found = found || !inner
		}
		return !found
	})
	return found
}

// span is a synthetic node that covers a range of lines, for Fix.Touch.
type span struct{ pos, end token.Pos }

func (s span) Pos() token.Pos { return s.pos }
func (s span) End() token.Pos { return s.end }

// build rewrites the file for p.
func (a *analyzer) build(fx *fixkit.Fix, p *plan) error {
	dstmt, ok := fx.Dst(p.stmt).(dst.Stmt)
	if !ok {
		return fmt.Errorf("statement has no dst twin")
	}
	list := stmtList(fx.DstFile(p.stmt), dstmt)
	if list == nil {
		return fmt.Errorf("statement list not found")
	}
	if p.rename {
		blank := p.blank
		if blank == nil {
			return fmt.Errorf("no blank identifier to name")
		}
		id, ok := fx.Dst(blank).(*dst.Ident)
		if !ok || id.Name != "_" {
			return fmt.Errorf("blank identifier has no dst twin")
		}
		id.Name = p.name
		if p.define {
			dstmt.(*dst.AssignStmt).Tok = token.DEFINE
		}
	}

	var args []dst.Expr
	if p.cause {
		args = []dst.Expr{dst.NewIdent("nil")}
	}
	call := &dst.CallExpr{Fun: dst.NewIdent(p.name), Args: args}

	// Remove the silencers first: positions in list are found by identity.
	for _, s := range p.silencers {
		ds, ok := fx.Dst(s).(*dst.AssignStmt)
		if !ok || len(ds.Decs.Start) > 0 || len(ds.Decs.End) > 0 || len(ds.Decs.Tok) > 0 {
			continue // it carries a comment: leave it
		}
		remove(list, ds)
	}

	if p.varType != nil {
		var typ dst.Expr
		switch t := p.varType.(type) {
		case *ast.SelectorExpr:
			typ = &dst.SelectorExpr{X: dst.NewIdent(t.X.(*ast.Ident).Name), Sel: dst.NewIdent(t.Sel.Name)}
		case *ast.Ident:
			typ = dst.NewIdent(t.Name)
		}
		decl := &dst.DeclStmt{Decl: &dst.GenDecl{
			Tok:   token.VAR,
			Specs: []dst.Spec{&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(p.name)}, Type: typ}},
		}}
		decs := dstmt.Decorations()
		decl.Decs.Before = decs.Before
		decl.Decs.Start = decs.Start
		decl.Decs.After = dst.NewLine
		decs.Before = dst.NewLine
		decs.Start = nil
		insertAt(list, indexOf(*list, dstmt), decl)
	}

	if p.inLoop {
		last := p.list[len(p.list)-1]
		fx.Touch(span{last.Pos(), p.owner.End()})
		st := &dst.ExprStmt{X: call}
		st.Decs.Before = dst.NewLine
		st.Decs.After = dst.NewLine
		if n := len(*list); n > 0 {
			(*list)[n-1].Decorations().After = dst.NewLine
		}
		*list = append(*list, st)
		return nil
	}
	st := &dst.DeferStmt{Call: call}
	decs := dstmt.Decorations()
	st.Decs.Before = dst.NewLine
	st.Decs.After = decs.After
	decs.After = dst.NewLine
	insertAt(list, indexOf(*list, dstmt)+1, st)
	return nil
}

// stmtList returns the statement list of f that contains s.
func stmtList(f *dst.File, s dst.Stmt) *[]dst.Stmt {
	var res *[]dst.Stmt
	dst.Inspect(f, func(n dst.Node) bool {
		if res != nil {
			return false
		}
		if l := fixkit.StmtList(n); l != nil && indexOf(*l, s) >= 0 {
			res = l
		}
		return res == nil
	})
	return res
}

func indexOf(list []dst.Stmt, s dst.Stmt) int {
	for i, t := range list {
		if t == s {
			return i
		}
	}
	return -1
}

func insertAt(list *[]dst.Stmt, i int, s dst.Stmt) {
	*list = append(*list, nil)
	copy((*list)[i+1:], (*list)[i:])
	(*list)[i] = s
}

// remove deletes s from list, keeping the blank lines around it as they were.
func remove(list *[]dst.Stmt, s dst.Stmt) {
	i := indexOf(*list, s)
	if i < 0 {
		return
	}
	decs := s.Decorations()
	if i > 0 {
		prev := (*list)[i-1].Decorations()
		switch {
		case i+1 == len(*list):
			prev.After = dst.NewLine // no blank line before the closing brace
		case decs.After == dst.EmptyLine:
			prev.After = dst.EmptyLine
		}
	}
	if i+1 < len(*list) {
		next := (*list)[i+1].Decorations()
		if decs.Before == dst.EmptyLine && i == 0 {
			next.Before = dst.EmptyLine
		}
	}
	*list = append((*list)[:i], (*list)[i+1:]...)
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}
