package ctxfirst

import (
	_ "embed"
	"flag"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:       "ctxfirst",
	Doc:        fixkit.Doc(docGo, "ctxfirst"),
	URL:        fixkit.URL("ctxfirst"),
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	Run:        run,
	ResultType: fixkit.PartsType,
}

var (
	allowFlag = typeList{"*testing.T", "*testing.B", "*testing.F", "testing.TB"}
	apiFlag   bool
)

func init() {
	Analyzer.Flags.Var(&allowFlag, "allow",
		"comma-separated `types` that may precede the context.Context parameter (package path qualified, e.g. *testing.T,*example.com/p.T)")
	Analyzer.Flags.BoolVar(&apiFlag, "api", false,
		"also fix exported functions and methods of importable packages, changing their API")
}

// typeList is a flag.Value holding a comma-separated list of type strings.
type typeList []string

func (l *typeList) String() string { return strings.Join(*l, ",") }

func (l *typeList) Set(s string) error {
	*l = nil
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			*l = append(*l, t)
		}
	}
	return nil
}

var _ flag.Value = (*typeList)(nil)

type checker struct {
	pass    *analysis.Pass
	insp    *inspector.Inspector
	allowed map[string]bool
	api     bool

	calls   map[*ast.Ident]callSite       // the identifier naming the callee of a call
	refs    map[*types.Func][]ref         // references to functions with a misplaced context, by origin
	impls   map[*types.Func][]implemented // methods with a misplaced context that implement an interface
	mutated map[*types.Var]bool           // variables an argument's evaluation may change: addressed, or written by closures
	other   map[string]string             // identifiers of the files this build ignores, and assembly symbols: name -> file
	parts   *fixkit.Parts
}

type callSite struct {
	call *ast.CallExpr
	off  int // index of the argument of the first parameter: 1 for a method expression T.M(recv, ...)
}

// A ref is a use of a function: a call when call is set, a value use otherwise.
type ref struct {
	id *ast.Ident
	callSite
}

type implemented struct {
	iface     string // the interface, for messages
	own       bool   // the interface is declared in the method's package, or is a type literal
	generated bool   // the interface is declared in a generated file (a gRPC or mock stub)
}

// pinned reports whether the method's signature is dictated by an interface it cannot
// change: one of another package, or one in a generated file (regenerating it would
// undo the change). Such a method is not reported; an interface of another package is
// reported there, a generated one nowhere.
func pinned(impls []implemented) bool {
	return len(impls) > 0 && !slices.ContainsFunc(impls, func(im implemented) bool { return im.own && !im.generated })
}

// generated reports whether pos is in a generated file of the package.
func (c *checker) generated(pos token.Pos) bool {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return ast.IsGenerated(f)
		}
	}
	return false
}

func run(pass *analysis.Pass) (any, error) {
	parts := &fixkit.Parts{}
	if !reaches(pass.Pkg, "context") {
		return parts, nil // no context.Context in sight
	}
	c := &checker{
		pass:    pass,
		insp:    pass.ResultOf[inspect.Analyzer].(*inspector.Inspector),
		allowed: make(map[string]bool),
		api:     apiFlag,
		calls:   make(map[*ast.Ident]callSite),
		refs:    make(map[*types.Func][]ref),
		impls:   make(map[*types.Func][]implemented),
		parts:   parts,
	}
	for _, t := range allowFlag {
		c.allowed[t] = true
	}
	c.collectRefs()
	c.scanImplements()
	for cur := range c.insp.Root().Preorder((*ast.FuncDecl)(nil), (*ast.InterfaceType)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.FuncDecl:
			c.checkFunc(n)
		case *ast.InterfaceType:
			c.checkInterface(n)
		}
	}
	c.foreignParts()
	return parts, nil
}

// reaches reports whether pkg imports the package path, directly or indirectly.
func reaches(pkg *types.Package, path string) bool {
	seen := make(map[*types.Package]bool)
	var visit func(p *types.Package) bool
	visit = func(p *types.Package) bool {
		if p.Path() == path {
			return true
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		return slices.ContainsFunc(p.Imports(), visit)
	}
	return visit(pkg)
}

func isContext(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == "context" && obj.Name() == "Context"
}

func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Path() })
}

// shape returns the index k of the first context.Context parameter of sig and the index t
// it should move to (the number of leading parameters of allowed types), and whether it is
// misplaced (t < k).
func (c *checker) shape(sig *types.Signature) (k, t int, ok bool) {
	params := sig.Params()
	k = -1
	for i := range params.Len() {
		if isContext(params.At(i).Type()) {
			k = i
			break
		}
	}
	if k <= 0 {
		return k, 0, false
	}
	for t < k && c.allowed[typeString(params.At(t).Type())] {
		t++
	}
	return k, t, t < k
}

func isInterfaceMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}
