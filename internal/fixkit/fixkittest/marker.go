// Package fixkittest holds an analyzer that makes fixes with the toolkit, for the tests
// of the toolkit and of the engine.
package fixkittest

import (
	"go/ast"
	"go/token"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// Marker inserts `_ = sync.Mutex{}` after every call to mark() and checks that the bridge
// keeps comments, blank lines, and unrelated (non-gofmt) lines.
var Marker = &analysis.Analyzer{
	Name: "marker",
	Doc:  "test analyzer for the dst bridge",
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				blk, ok := n.(*ast.BlockStmt)
				if !ok {
					return true
				}
				for i, s := range blk.List {
					es, ok := s.(*ast.ExprStmt)
					if !ok {
						continue
					}
					call, ok := es.X.(*ast.CallExpr)
					if !ok || len(call.Args) != 0 {
						continue
					}
					if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "mark" {
						continue
					}
					if i+1 < len(blk.List) && isMarked(blk.List[i+1]) {
						continue // fixed already
					}
					fixkit.Report(pass, analysis.Diagnostic{Pos: call.Pos(), Message: "mark"}, "Add mutex", func(fx *fixkit.Fix) error {
						name, err := fx.AddImport(call, "sync", "sync")
						if err != nil {
							return err
						}
						dblk := fx.Dst(blk).(*dst.BlockStmt)
						st := &dst.AssignStmt{
							Lhs: []dst.Expr{dst.NewIdent("_")},
							Tok: token.ASSIGN,
							Rhs: []dst.Expr{&dst.CompositeLit{Type: &dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("Mutex")}}},
						}
						prev := dblk.List[i]
						st.Decs.After = prev.Decorations().After
						prev.Decorations().After = dst.NewLine
						dblk.List = append(dblk.List[:i+1], append([]dst.Stmt{st}, dblk.List[i+1:]...)...)
						return nil
					})
				}
				return true
			})
		}
		return nil, nil
	},
}

func isMarked(s ast.Stmt) bool {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return false
	}
	_, ok = as.Rhs[0].(*ast.CompositeLit)
	return ok
}

// WithReasons returns a copy of a whose diagnostics without a fix say why in their
// message, as " (no fix: why)", so that analysistest's // want patterns can assert the
// reason as well as the finding.
func WithReasons(a *analysis.Analyzer) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) {
			if why, _, ok := fixkit.NoFix(d); ok {
				d.Message += " (no fix: " + why + ")"
			}
			pass.Report(d)
		}
		return a.Run(&inner)
	}
	return &w
}
