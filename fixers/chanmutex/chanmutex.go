package chanmutex

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var docGo string

// Analyzer finds channels of capacity 1 used as a mutex and replaces them with sync.Mutex.
var Analyzer = &analysis.Analyzer{
	Name:       "chanmutex",
	Doc:        fixkit.Doc(docGo, "chanmutex"),
	URL:        fixkit.URL("chanmutex"),
	Requires:   []*analysis.Analyzer{model.Analyzer},
	Run:        run,
	ResultType: fixkit.PartsType,
}

var apiFlag bool

func init() {
	Analyzer.Flags.BoolVar(&apiFlag, "api", false,
		"also fix types of importable packages that other packages can see, when the module's own packages neither copy nor build them")
}

// A candidate is a struct field or a local variable initialised with make(chan T, 1).
type candidate struct {
	v     *types.Var
	field bool

	decl inspector.Cursor // the declaring identifier

	// Fields only.
	astField   *ast.Field
	structType *ast.StructType
	owner      types.Type      // the struct type that declares the field (named, or *types.Struct)
	ownerName  *types.TypeName // owner's name, or nil for an anonymous struct

	inits []*initSite
	ops   []*op

	skip      bool              // not a mutex (or not one we understand): no diagnostic
	noFix     string            // why the finding is reported without a fix
	noFixP    token.Pos         // where, for the related information
	fills     map[ast.Stmt]bool // the sends that pre-fill the channel
	prefilled bool              // receive acquires and send releases
	api       bool              // the struct is visible outside the package: a whole-program fix (Parts)

	leaks   []leak // returns that leave the lock held, when they are what keeps it from balancing
	leakWhy string // why a release cannot be inserted before each of them ("" when it can)
}

// acquires reports whether o acquires the lock (rather than releasing it).
func (cd *candidate) acquires(o *op) bool {
	return (o.kind == opSend) != cd.prefilled
}

type initKind int

const (
	initKeyValue initKind = iota // T{ch: make(chan T, 1)}
	initAssign                   // x.ch = make(chan T, 1)
	initDefine                   // ch := make(chan T, 1)
	initVarSpec                  // var ch = make(chan T, 1)
)

// An initSite is where the channel is made.
type initSite struct {
	kind initKind
	make *ast.CallExpr
	node ast.Node          // *ast.KeyValueExpr, *ast.AssignStmt or *ast.ValueSpec
	lit  *ast.CompositeLit // initKeyValue: the literal
	stmt inspector.Cursor  // the statement that makes the channel (may be invalid for package-level literals)
	fill *ast.SendStmt     // the send that fills the channel right after, or nil
}

type opKind int

const (
	opSend opKind = iota
	opRecv
)

// An op is a statement that sends to or receives from the channel.
type op struct {
	kind   opKind
	stmt   ast.Stmt         // *ast.SendStmt, *ast.ExprStmt or *ast.AssignStmt (_ = <-ch)
	cur    inspector.Cursor // cursor of stmt
	ch     ast.Expr         // the channel operand
	fn     *model.Func      // the function in whose flow the op takes effect
	defer_ *ast.DeferStmt   // for a release in a deferred closure: the defer statement
	lit    *ast.FuncLit     // and its closure
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	in := m.Inspector
	info := pass.TypesInfo
	parts := new(fixkit.Parts)
	pc := newPkgChecks(pass, m)
	imported := pc.importedOwners()

	// Seeds, and the fast exit: calls make(chan T, 1) that initialise a field or a
	// local variable.
	cands := make(map[*types.Var]*candidate)
	var order []*candidate
	for _, c := range m.Calls {
		call := c.Node().(*ast.CallExpr)
		if !isMakeChan1(info, call) {
			continue
		}
		v, field := madeFor(pass, c)
		if v == nil || cands[v] != nil {
			continue
		}
		cd := &candidate{v: v, field: field, fills: make(map[ast.Stmt]bool)}
		cands[v] = cd
		order = append(order, cd)
	}
	if len(order) == 0 {
		if len(imported) > 0 {
			pc.index(ownerTypes(nil, imported))
			pc.vetoImported(imported, parts)
		}
		return parts, nil
	}

	// Every reference to a candidate.
	for c := range in.Root().Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		obj := info.Defs[id]
		if obj == nil {
			obj = info.Uses[id]
		}
		v, ok := obj.(*types.Var)
		if !ok {
			continue
		}
		cd := cands[v]
		if cd == nil || cd.skip {
			continue
		}
		if info.Defs[id] != nil {
			if cd.decl.Valid() {
				cd.skip = true
				continue
			}
			cd.decl = c
			continue
		}
		classify(pass, m, cd, c)
	}

	var decided []*candidate // in order, those whose checks are left
	for _, cd := range order {
		if cd.skip || !cd.decl.Valid() {
			continue
		}
		if cd.field {
			if !fieldDecl(pass, cd) {
				continue
			}
		} else if !localDecl(pass, cd) {
			continue
		}
		if cd.skip || !findFills(pass, cd) {
			continue
		}
		if len(cd.ops) == 0 || onlyEmptyRegions(cd) {
			continue // never locked, or nothing under the lock: not a mutex
		}
		ok, mutexy, leaks := balanced(cd)
		if !ok {
			if !mutexy {
				continue // a signal between functions or goroutines, or a lock helper
			}
			if leaks != nil {
				cd.leaks, cd.leakWhy = leaks, leaksFixable(m, cd, leaks)
			} else {
				cd.setNoFix(cd.v.Pos(), "cannot prove that every acquire is released on every path")
			}
		}
		decided = append(decided, cd)
	}
	// The checks of the fields' structs, for all of them at once: each walks the package.
	var owners []types.Type
	for _, cd := range decided {
		if cd.field {
			owners = append(owners, cd.owner)
		}
	}
	pc.index(ownerTypes(owners, imported))
	pc.vetoImported(imported, parts)
	for _, cd := range decided {
		if cd.field {
			pc.checkField(cd)
		}
		if !cd.skip {
			report(pass, cd, parts)
		}
	}
	return parts, nil
}

// ownerTypes returns the struct types of local candidates and the imported owners.
func ownerTypes(local []types.Type, imported []importedOwner) []types.Type {
	for _, o := range imported {
		local = append(local, o.tn.Type())
	}
	return local
}

func (cd *candidate) setNoFix(pos token.Pos, why string) {
	if cd.noFix == "" {
		cd.noFix, cd.noFixP = why, pos
	}
}

func (cd *candidate) name() string {
	if cd.field {
		if cd.ownerName != nil {
			return cd.ownerName.Name() + "." + cd.v.Name()
		}
		return "field " + cd.v.Name()
	}
	return cd.v.Name()
}

func report(pass *analysis.Pass, cd *candidate, parts *fixkit.Parts) {
	d := analysis.Diagnostic{
		Pos:     cd.v.Pos(),
		End:     cd.v.Pos() + token.Pos(len(cd.v.Name())),
		Message: fmt.Sprintf("channel %s of capacity 1 is used as a mutex", cd.name()),
	}
	if len(cd.leaks) > 0 {
		if cd.noFix != "" || cd.leakWhy != "" {
			reportLeak(pass, cd)
			return
		}
		d = leakDiagnostic(cd) // the fix makes the mutex and releases it before the returns
	}
	if cd.noFix != "" {
		fixkit.Refuse(pass, d, cd.noFixP, cd.noFix)
		return
	}
	if cd.api {
		reportAPIFix(pass, cd, d, parts)
		return
	}
	reportFix(pass, cd, d)
}
