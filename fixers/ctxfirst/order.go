package ctxfirst

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// checkCall returns why the call r cannot have its arguments reordered, or "".
func (c *checker) checkCall(r ref, sig *types.Signature, k, t int) string {
	args := r.call.Args
	at := c.where(r.call.Pos())
	if len(args) == 1+r.off && sig.Params().Len() > 1 {
		return fmt.Sprintf("the call at %s passes a multi-value expression", at)
	}
	if len(args) <= r.off+k {
		return fmt.Sprintf("the call at %s has too few arguments", at)
	}
	ctx, jumped := args[r.off+k], args[r.off+t:r.off+k]
	pureArgs := c.pure(ctx) && !slices.ContainsFunc(jumped, func(e ast.Expr) bool { return !c.pure(e) })
	if !pureArgs && !c.stable(ctx) && slices.ContainsFunc(jumped, func(e ast.Expr) bool { return !c.stable(e) }) {
		return fmt.Sprintf("moving the context argument of the call at %s could change the order of side effects", at)
	}
	var items []ast.Node
	for _, a := range args {
		items = append(items, a)
	}
	if why := c.commentsMovable(r.call.Lparen, r.call.Rparen, items); why != "" {
		return fmt.Sprintf("the call at %s has %s", at, why)
	}
	return ""
}

// checkLayout returns why the parameter list cannot be rewritten, or "".
func (c *checker) checkLayout(params *ast.FieldList, k, t int) string {
	var items []ast.Node
	for _, f := range params.List {
		items = append(items, f)
	}
	if why := c.commentsMovable(params.Opening, params.Closing, items); why != "" {
		return "its parameter list has " + why
	}
	field, _ := paramAt(params, k)
	if len(field.Names) > 1 && c.hasComment(field.Pos(), field.End()) {
		return "its parameter list has comments inside a group of parameters"
	}
	return ""
}

func (c *checker) hasComment(pos, end token.Pos) bool {
	f := c.file(pos)
	if f == nil {
		return false
	}
	for _, cg := range f.Comments {
		if cg.Pos() < end && cg.End() > pos {
			return true
		}
	}
	return false
}

// commentsMovable checks the comments between open and close that are not inside one of
// items: the fix moves a comment with the item it belongs to, which is clear for a line
// comment that ends an item's line and for a comment on lines of its own before an item.
// Other comments (a block comment between two items on one line, a comment after the last
// item) have no clear owner.
func (c *checker) commentsMovable(open, close token.Pos, items []ast.Node) string {
	f := c.file(open)
	if f == nil {
		return "no file"
	}
	tf := c.pass.Fset.File(open)
	line := tf.Line
	for _, cg := range f.Comments {
		if cg.End() <= open || cg.Pos() >= close {
			continue
		}
		for _, cm := range cg.List {
			if cm.End() <= open || cm.Pos() >= close {
				continue
			}
			if slices.ContainsFunc(items, func(n ast.Node) bool { return n.Pos() <= cm.Pos() && cm.End() <= n.End() }) {
				continue
			}
			var prev, next ast.Node
			for _, n := range items {
				if n.End() <= cm.Pos() {
					prev = n
				} else if next == nil && n.Pos() >= cm.End() {
					next = n
				}
			}
			trailing := strings.HasPrefix(cm.Text, "//") && prev != nil && line(prev.End()) == line(cm.Pos())
			prevLine := line(open)
			if prev != nil {
				prevLine = line(prev.End())
			}
			leading := next != nil && prevLine < line(cm.Pos()) && line(cm.End()) < line(next.Pos())
			if !trailing && !leading {
				return "a comment at " + c.where(cm.Pos()) + " that belongs to no single argument"
			}
		}
	}
	return ""
}

// pure reports whether evaluating e has no side effects: no calls (other than conversions
// and context.Background and TODO) and no receives.
func (c *checker) pure(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // creating a closure runs nothing
		case *ast.CallExpr:
			if !c.harmlessCall(n) {
				ok = false
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// harmlessCall reports whether call is a conversion or context.Background() or TODO().
func (c *checker) harmlessCall(call *ast.CallExpr) bool {
	if tv, ok := c.pass.TypesInfo.Types[call.Fun]; ok && tv.IsType() {
		return true
	}
	fun := ast.Unparen(call.Fun)
	var id *ast.Ident
	switch f := fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	}
	if id == nil {
		return false
	}
	fn, ok := c.pass.TypesInfo.Uses[id].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "context" && (fn.Name() == "Background" || fn.Name() == "TODO")
}

// stable reports whether e has no side effects and its value cannot be changed by the
// evaluation of other arguments: constants, literals, closures, local variables that
// only their declaring function's statements assign and whose address is not taken
// (collectRefs), context.Background() and TODO(), and conversions and operations on those.
func (c *checker) stable(e ast.Expr) bool {
	info := c.pass.TypesInfo
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return true
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.stable(e.X)
	case *ast.BasicLit, *ast.FuncLit:
		return true
	case *ast.Ident:
		switch obj := info.Uses[e].(type) {
		case *types.Nil, *types.Const:
			return true
		case *types.Var:
			return !obj.IsField() && obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope() && !c.mutated[obj]
		}
		return false
	case *ast.CallExpr:
		if !c.harmlessCall(e) {
			return false
		}
		return !slices.ContainsFunc(e.Args, func(a ast.Expr) bool { return !c.stable(a) })
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && e.Op != token.AND && c.stable(e.X)
	case *ast.BinaryExpr:
		return c.stable(e.X) && c.stable(e.Y)
	}
	return false
}
