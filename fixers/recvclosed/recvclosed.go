package recvclosed

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "recvclosed",
	Doc:      fixkit.Doc(docGo, "recvclosed"),
	URL:      fixkit.URL("recvclosed"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// A form is the shape of the statement that receives.
type form uint8

const (
	exprForm   form = iota // <-ch
	defineForm             // v := <-ch, or v, _ := <-ch
	assignForm             // v = <-ch
	nestedForm             // a receive inside the statement's expression
)

// A finding is a receive in an endless loop from a closed channel.
type finding struct {
	op    *model.ChanOp
	stmt  ast.Stmt         // the statement of the loop's body that receives
	loop  inspector.Cursor // the *ast.ForStmt
	form  form
	close *model.ChanOp
}

type checker struct {
	pass *analysis.Pass
	m    *model.Model
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	cs := m.Chans()
	c := &checker{pass: pass, m: m}
	for _, op := range cs.Ops {
		if op.Kind != model.Recv || op.Select != nil || op.Func == nil {
			continue
		}
		ch := cs.Of(op.Ch)
		if ch == nil || ch.Done || !ch.Closed() {
			continue
		}
		f := c.find(op)
		if f == nil {
			continue
		}
		for _, o := range ch.Ops {
			if o.Kind == model.Close && !c.afterLoop(o, f) {
				f.close = o
				break
			}
		}
		if f.close != nil {
			c.report(f)
		}
	}
	return nil, nil
}

// find returns the finding of receive op, when it is in a statement of an endless
// loop's body (directly, not in a nested statement).
func (c *checker) find(op *model.ChanOp) *finding {
	f := &finding{op: op, form: nestedForm}
	cur := op.Cursor
	// Up to the statement, through expressions only; the right operand of && and || may
	// not run.
	for {
		p := cur.Parent()
		if _, ok := p.Node().(ast.Stmt); ok {
			break
		}
		switch p.Node().(type) {
		case *ast.FuncLit:
			return nil
		case *ast.BinaryExpr:
			if cur.ParentEdgeKind() == edge.BinaryExpr_Y {
				if b := p.Node().(*ast.BinaryExpr); b.Op == token.LAND || b.Op == token.LOR {
					return nil
				}
			}
		}
		cur = p
	}
	st := cur.Parent()
	switch n := st.Node().(type) {
	case *ast.ExprStmt:
		if ast.Unparen(n.X) == op.Node {
			f.form = exprForm
		}
	case *ast.AssignStmt:
		if len(n.Rhs) != 1 || ast.Unparen(n.Rhs[0]) != op.Node {
			if cur.ParentEdgeKind() == edge.AssignStmt_Lhs {
				return nil
			}
			break
		}
		if len(n.Lhs) == 2 {
			if id, ok := n.Lhs[1].(*ast.Ident); !ok || id.Name != "_" {
				return nil // v, ok := <-ch
			}
		}
		if _, ok := n.Lhs[0].(*ast.Ident); !ok {
			break
		}
		switch n.Tok {
		case token.DEFINE:
			f.form = defineForm
		case token.ASSIGN:
			f.form = assignForm
		}
	case *ast.SendStmt, *ast.IncDecStmt:
	case *ast.IfStmt, *ast.SwitchStmt:
		// A receive in the condition, the tag or the init of a statement of the body.
		if cur.ParentEdgeKind() == edge.IfStmt_Body || cur.ParentEdgeKind() == edge.IfStmt_Else {
			return nil
		}
	default:
		return nil
	}
	if st.ParentEdgeKind() != edge.BlockStmt_List || st.Parent().ParentEdgeKind() != edge.ForStmt_Body {
		return nil
	}
	f.stmt = st.Node().(ast.Stmt)
	f.loop = st.Parent().Parent()
	if !c.m.Endless(f.loop) {
		return nil
	}
	return f
}

func (c *checker) report(f *finding) {
	ch := types.ExprString(f.op.Ch)
	d := analysis.Diagnostic{
		Pos:     f.op.Node.Pos(),
		End:     f.op.Node.End(),
		Message: fmt.Sprintf("receive from %s in a loop that nothing ends: once %s is closed, it yields zero values and the loop spins forever", ch, ch),
	}
	if f.close != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: f.close.Node.Pos(), End: f.close.Node.End(), Message: ch + " is closed here"})
	}
	fn := f.op.Func
	if fn.Sig.Results().Len() > 0 {
		fixkit.Refuse(c.pass, d, d.Pos, fmt.Sprintf("%s returns results: what it returns once %s is closed is for its author to decide", fn.Name(), ch))
		return
	}
	if c.rangeable(f) {
		fixkit.Report(c.pass, d, "Range over "+ch, func(fx *fixkit.Fix) error { return c.buildRange(fx, f) })
		return
	}
	if why := c.okable(f); why != "" {
		fixkit.Refuse(c.pass, d, d.Pos, why)
		return
	}
	if f.form == nestedForm || f.form == assignForm {
		fixkit.Report(c.pass, d, fmt.Sprintf("Receive from %s into %s and return once it is closed", ch, c.valueName(f)), func(fx *fixkit.Fix) error { return c.buildOK(fx, f) })
		return
	}
	fixkit.Report(c.pass, d, fmt.Sprintf("Return once %s is closed", ch), func(fx *fixkit.Fix) error { return c.buildOK(fx, f) })
}

// afterLoop reports whether the close o can only run once the loop of f has ended, which
// it never does: it is in the loop's function, deferred or after the loop.
func (c *checker) afterLoop(o *model.ChanOp, f *finding) bool {
	if o.Func != f.op.Func {
		return false
	}
	return o.Cursor.ParentEdgeKind() == edge.DeferStmt_Call || o.Node.Pos() >= f.loop.Node().End()
}
