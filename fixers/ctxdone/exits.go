package ctxdone

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// lookup returns the object name denotes at pos.
func (c *checker) lookup(name string, pos token.Pos) types.Object {
	return fixkit.Lookup(c.pass.Pkg, name, pos)
}

// localVars returns the variables of function scopes visible at pos whose type
// satisfies keep, innermost first.
func (c *checker) localVars(pos token.Pos, keep func(*types.Var) bool) []*types.Var {
	var out []*types.Var
	inner := c.pass.Pkg.Scope().Innermost(pos)
	for s := inner; s != nil && s != c.pass.Pkg.Scope() && s != types.Universe; s = s.Parent() {
		if s.Parent() == c.pass.Pkg.Scope() {
			break // file scope
		}
		for _, name := range s.Names() {
			v, ok := s.Lookup(name).(*types.Var)
			if !ok || !keep(v) || c.lookup(name, pos) != v {
				continue
			}
			out = append(out, v)
		}
	}
	return out
}

// defCursor returns the cursor of the identifier that declares the local variable v.
func (c *checker) defCursor(v *types.Var) (inspector.Cursor, bool) {
	f := c.m.File(v.Pos())
	if f == nil {
		return inspector.Cursor{}, false
	}
	fc, ok := c.m.Inspector.Root().FindNode(f)
	if !ok {
		return inspector.Cursor{}, false
	}
	cur, ok := fc.FindByPos(v.Pos(), v.Pos()+token.Pos(len(v.Name())))
	if !ok {
		return cur, false
	}
	id, ok := cur.Node().(*ast.Ident)
	return cur, ok && c.info.Defs[id] == v
}

// isBackground reports whether v is defined as context.Background() or context.TODO(),
// whose Done channel is nil.
func (c *checker) isBackground(v *types.Var) bool {
	cur, ok := c.defCursor(v)
	if !ok {
		return false
	}
	id := cur.Node()
	var rhs ast.Expr
	switch p := cur.Parent().Node().(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == len(p.Rhs) {
			for i, l := range p.Lhs {
				if l == id {
					rhs = p.Rhs[i]
				}
			}
		}
	case *ast.ValueSpec:
		if len(p.Names) == len(p.Values) {
			for i, n := range p.Names {
				if n == id {
					rhs = p.Values[i]
				}
			}
		}
	}
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "context" && (fn.Name() == "Background" || fn.Name() == "TODO")
}

// exitFor decides what ends the code at pos in fn: ok is false when nothing is in
// scope (no finding); why is set when the choice is ambiguous (finding without fix).
// sent are the classes of the channels that the code at pos sends on.
func (c *checker) exitFor(fn *model.Func, pos token.Pos, isGo bool, sent []*model.Chan) (ex exit, why string, ok bool) {
	ctxs := c.localVars(pos, func(v *types.Var) bool { return model.IsContext(v.Type()) && !c.isBackground(v) })
	if len(ctxs) > 1 {
		var names []string
		for _, v := range ctxs {
			names = append(names, v.Name())
		}
		return ex, fmt.Sprintf("several contexts are in scope (%s)", strings.Join(names, ", ")), true
	}
	if len(ctxs) == 1 {
		v := ctxs[0]
		if isGo && !(fn.Node.Pos() <= v.Pos() && v.Pos() < fn.Node.End()) && !c.uses(fn, v) {
			// The goroutine lives by a context of the receiver, not by the one it captures.
			if fields := c.ctxFields(fn, pos); len(fields) == 1 {
				return fields[0], "", true
			}
			if stops := c.stopChans(fn, pos, sent); len(stops) > 0 {
				return ex, fmt.Sprintf("cannot tell whether %s or %s ends this goroutine", v.Name(), stops[0].expr), true
			}
		}
		return exit{expr: v.Name(), ctx: true, obj: v}, "", true
	}
	if !isGo {
		return ex, "", false
	}
	stops := c.stopChans(fn, pos, sent)
	switch len(stops) {
	case 0:
		// A context held in a field of the receiver, set before the goroutine started.
		// Several are no finding: the findings of field contexts come with a fix or not
		// at all (unit.quiet).
		if fields := c.ctxFields(fn, pos); len(fields) == 1 {
			return fields[0], "", true
		}
		return ex, "", false
	case 1:
		return stops[0], "", true
	}
	return ex, fmt.Sprintf("several stop channels are in scope (%s, %s)", stops[0].expr, stops[1].expr), true
}

// goesOn reports whether a function other than fn that receives from stop may receive
// from sent afterwards.
func (c *checker) goesOn(stop, sent *model.Chan, fn *model.Func) bool {
	targets := make(map[ast.Node]bool)
	for _, op := range sent.Ops {
		if op.Kind == model.Recv || op.Kind == model.Range {
			targets[op.Node] = true
		}
	}
	for _, op := range stop.Ops {
		if op.Kind != model.Recv && op.Kind != model.Range || op.Func == nil || op.Func == fn {
			continue
		}
		if op.Func.ReachesAfter(op.Node, targets) {
			return true
		}
	}
	return false
}

// uses reports whether fn refers to v.
func (c *checker) uses(fn *model.Func, v types.Object) bool {
	found := false
	ast.Inspect(fn.Node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// stopChans returns the stop channels of fn visible at pos: chan struct{} parameters,
// captured variables and fields of the method receiver, closed elsewhere in the package
// and never sent on.
//
// A channel whose receivers go on receiving from a channel of sent (those the goroutine
// blocks on sending to) after they see it closed is not a stop channel: it
// says that something finished (the workers, a phase), not that the receivers left, and
// a select on it would drop values they still take.
func (c *checker) stopChans(fn *model.Func, pos token.Pos, sent []*model.Chan) []exit {
	var out []exit
	isStop := func(o types.Object) bool {
		ch := c.cs.OfObject(o)
		if ch == nil {
			return false
		}
		closedOutside := false
		for _, op := range ch.Ops {
			switch op.Kind {
			case model.Send:
				return false
			case model.Close:
				if fn.Node.Pos() <= op.Node.Pos() && op.Node.End() <= fn.Node.End() {
					return false // fn closes it itself: it says fn is finished
				}
				closedOutside = true
			}
		}
		if !closedOutside {
			return false
		}
		if len(c.cs.Assigned(o)) > 0 {
			// Set again: read by a goroutine while another sets it, or nil; unless the
			// field is set only while its value is built, or (when fn already refers to
			// it) by the method that then starts fn.
			f, isVar := o.(*types.Var)
			if !isVar || !f.IsField() || !c.initOnly(f, fn, c.refersToField(fn, f)) {
				return false
			}
		}
		for _, to := range sent {
			if c.goesOn(ch, to, fn) {
				return false
			}
		}
		return true
	}
	body := fn.Body
	for _, v := range c.localVars(pos, func(v *types.Var) bool { return isEmptyStructChan(v.Type()) }) {
		if body.Pos() <= v.Pos() && v.Pos() < body.End() {
			continue // a local variable of fn
		}
		if isStop(v) {
			out = append(out, exit{expr: v.Name()})
		}
	}
	// Fields of the receiver of fn or of its enclosing method.
	rid, _, st, ok := c.receiver(fn, pos)
	if !ok {
		return out
	}
	for f := range st.Fields() {
		if !f.Embedded() && isEmptyStructChan(f.Type()) && isStop(f) {
			out = append(out, exit{expr: rid.Name + "." + f.Name()})
		}
	}
	return out
}

// returnFor returns the results of the return statement that ends fn at pos.
func (c *checker) returnFor(fn *model.Func, ex exit, pos token.Pos) ([]string, string) {
	res := fn.Sig.Results()
	n := res.Len()
	if n == 0 {
		return nil, ""
	}
	discarded := fn.OnlyStartedByGo() // a declared function's results
	if _, lit := fn.Node.(*ast.FuncLit); lit {
		discarded = fn.IsGoroutine()
	}
	last := res.At(n - 1)
	lastErr := types.Identical(last.Type(), types.Universe.Lookup("error").Type())
	if !discarded {
		if !lastErr {
			return nil, "the last result is not an error"
		}
		if !ex.ctx {
			return nil, fmt.Sprintf("no error to return when %s is closed", ex.expr)
		}
	}
	file := c.m.File(pos)
	out := make([]string, n)
	for i := range n {
		v := res.At(i)
		if i == n-1 && lastErr && ex.ctx {
			out[i] = ex.expr + ".Err()"
			continue
		}
		if v.Name() != "" && v.Name() != "_" && c.lookup(v.Name(), pos) == v {
			out[i] = v.Name()
			continue
		}
		z, ok := c.zero(v.Type(), pos, file)
		if !ok {
			return nil, fmt.Sprintf("cannot write the zero value of %s", types.TypeString(v.Type(), types.RelativeTo(c.pass.Pkg)))
		}
		out[i] = z
	}
	return out, ""
}
