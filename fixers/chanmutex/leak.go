package chanmutex

import (
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
)

// A channel lock left held by a return (issue 13, class 1, a channel used as the lock).
// Every function that uses the channel acquires it before it releases it, so no other
// function can release a lock that a return leaves held, and the next acquire blocks
// forever. The fix releases it before each such return, as unlock does for a mutex:
// when the channel becomes a sync.Mutex, with Unlock in the same fix; when it stays a
// channel (the conversion is refused), with the channel's own release.

// leaksFixable returns why a release cannot be inserted before each leaking return, or
// "": the return must be a statement of a list, its results must read nothing the lock
// may guard (they are evaluated after the release), and the channel expression of the
// function's acquire must mean the same at the return.
func leaksFixable(m *model.Model, cd *candidate, leaks []leak) string {
	for _, l := range leaks {
		c, ok := l.fn.Cursor.FindNode(l.ret)
		if !ok {
			return "cannot find the return"
		}
		switch c.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		default:
			return "the return is not a statement of a block"
		}
		if len(l.ret.Results) == 0 && l.fn.Sig.Results().Len() > 0 {
			return "a bare return reads the named results after the release"
		}
		for _, e := range l.ret.Results {
			if !m.Unguarded(l.fn, e) {
				return fmt.Sprintf("the results of the return at line %d may read what the lock guards", m.Fset.Position(l.ret.Pos()).Line)
			}
		}
		if !chanPath(l.acquire.ch) || !m.InScope(l.acquire.ch, l.ret.Pos()) {
			return "the channel's expression does not name it at the return"
		}
	}
	return ""
}

// chanPath reports whether e is a variable followed by field selections, which a fix
// can evaluate again.
func chanPath(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return chanPath(e.X)
	}
	return false
}

// leakDiagnostic is the finding at the first return that leaves the lock held.
func leakDiagnostic(cd *candidate) analysis.Diagnostic {
	ret := cd.leaks[0].ret
	msg := fmt.Sprintf("channel lock %s is still held at this return: the next acquire blocks forever", cd.name())
	if n := len(cd.leaks) - 1; n > 0 {
		msg += fmt.Sprintf(" (and at %d more)", n)
	}
	return analysis.Diagnostic{Pos: ret.Pos(), End: ret.End(), Message: msg}
}

// reportLeak reports the leaking returns of a channel lock that is not turned into a
// mutex: with the fix that releases the channel before each, when it can be inserted.
func reportLeak(pass *analysis.Pass, cd *candidate) {
	d := leakDiagnostic(cd)
	if cd.leakWhy != "" {
		fixkit.Refuse(pass, d, d.Pos, cd.leakWhy)
		return
	}
	msg := "Release the channel lock before the return"
	if len(cd.leaks) > 1 {
		msg += "s that leave it held"
	}
	fixkit.Report(pass, d, msg, func(fx *fixkit.Fix) error {
		return insertReleases(fx, cd, func(ch dst.Expr) dst.Stmt {
			if cd.prefilled {
				return &dst.SendStmt{Chan: ch, Value: releaseValue(fx, cd)}
			}
			return &dst.ExprStmt{X: &dst.UnaryExpr{Op: token.ARROW, X: ch}}
		})
	})
}

// releaseValue returns a copy of the value that a release of a pre-filled channel sends.
func releaseValue(fx *fixkit.Fix, cd *candidate) dst.Expr {
	for _, o := range cd.ops {
		if send, ok := o.stmt.(*ast.SendStmt); ok {
			return dst.Clone(fx.Dst(send.Value)).(dst.Expr)
		}
	}
	return &dst.CompositeLit{Type: &dst.StructType{Fields: &dst.FieldList{}}}
}

// insertReleases inserts release(ch) before each leaking return, ch a copy of the
// channel expression of its function's acquire. The release takes the return's leading
// blank line and comments, as unlock's does.
func insertReleases(fx *fixkit.Fix, cd *candidate, release func(ch dst.Expr) dst.Stmt) error {
	for _, l := range cd.leaks {
		c, _ := l.fn.Cursor.FindNode(l.ret)
		ch := dst.Clone(fx.Dst(l.acquire.ch)).(dst.Expr)
		ch.Decorations().Start.Clear()
		ch.Decorations().End.Clear()
		if err := fx.InsertBefore(c.Parent().Node(), l.ret, release(ch)); err != nil {
			return err
		}
	}
	return nil
}

// leakLines names the lines of the leaking returns, for a fix's message.
func leakLines(pass *analysis.Pass, cd *candidate) string {
	pos := pass.Fset.Position(cd.leaks[0].ret.Pos())
	return fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
}
