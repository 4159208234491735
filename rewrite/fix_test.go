package rewrite_test

import (
	"go/ast"
	"go/token"
	"testing"

	"github.com/concfix/concfix/rewrite"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// marker inserts `_ = sync.Mutex{}` after every call to mark() and checks that the bridge
// keeps comments, blank lines, and unrelated (non-gofmt) lines.
var marker = &analysis.Analyzer{
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
					rewrite.Report(pass, analysis.Diagnostic{Pos: call.Pos(), Message: "mark"}, "Add mutex", func(fx *rewrite.Fix) error {
						name := fx.AddImport(call, "sync", "sync")
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

func TestBridge(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), marker, "bridge")
}

func isMarked(s ast.Stmt) bool {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return false
	}
	_, ok = as.Rhs[0].(*ast.CompositeLit)
	return ok
}
