package ctxfirst

import (
	"cmp"
	_ "embed"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
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
	mutated map[*types.Var]bool           // local variables assigned after their declaration or whose address is taken
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
	iface string // the interface, for messages
	own   bool   // the interface is declared in the method's package, or is a type literal
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

// collectRefs records the calls of the package and every reference to a function or
// concrete method whose context parameter is misplaced, and the local variables that are
// changed after their declaration.
func (c *checker) collectRefs() {
	info := c.pass.TypesInfo
	c.mutated = make(map[*types.Var]bool)
	mark := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				c.mutated[v] = true
			}
		}
	}
	for cur := range c.insp.Root().Preorder((*ast.CallExpr)(nil), (*ast.AssignStmt)(nil), (*ast.IncDecStmt)(nil),
		(*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.CallExpr:
			fun := ast.Unparen(n.Fun)
			switch f := fun.(type) {
			case *ast.IndexExpr:
				fun = ast.Unparen(f.X)
			case *ast.IndexListExpr:
				fun = ast.Unparen(f.X)
			}
			switch f := fun.(type) {
			case *ast.Ident:
				c.calls[f] = callSite{call: n}
			case *ast.SelectorExpr:
				cs := callSite{call: n}
				if sel, ok := info.Selections[f]; ok && sel.Kind() == types.MethodExpr {
					cs.off = 1
				}
				c.calls[f.Sel] = cs
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				mark(l) // with :=, a redeclared variable is a use (Uses); new ones are Defs
			}
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(n.X)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				mark(n.Key)
				if n.Value != nil {
					mark(n.Value)
				}
			}
		}
	}
	for id, obj := range info.Uses {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		fn = fn.Origin()
		if isInterfaceMethod(fn) {
			continue
		}
		if _, _, ok := c.shape(fn.Signature()); !ok {
			continue
		}
		r := ref{id: id}
		if cs, ok := c.calls[id]; ok {
			r.callSite = cs
		}
		c.refs[fn] = append(c.refs[fn], r)
	}
	for _, rs := range c.refs {
		slices.SortFunc(rs, func(a, b ref) int { return cmp.Compare(a.id.Pos(), b.id.Pos()) })
	}
}

// scanImplements finds the methods with a misplaced context that implement an interface
// this package can see: one declared or named in it, one of the types of its expressions
// and signatures, or a constraint of a generic it instantiates. A method that implements
// an interface cannot change alone, and the conversion to the interface (in this package)
// is not a reference to the method.
func (c *checker) scanImplements() {
	s := &typeScan{c: c, seen: make(map[types.Type]bool)}
	info := c.pass.TypesInfo
	for _, tv := range info.Types {
		s.visit(tv.Type, false)
	}
	for _, obj := range info.Defs {
		if obj != nil {
			s.visit(obj.Type(), false)
		}
	}
	for id, inst := range info.Instances {
		for i := range inst.TypeArgs.Len() {
			s.visit(inst.TypeArgs.At(i), false)
		}
		var tparams *types.TypeParamList
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			tparams = obj.Signature().TypeParams()
		case *types.TypeName:
			if named, ok := obj.Type().(*types.Named); ok {
				tparams = named.TypeParams()
			}
		}
		for i := range tparams.Len() {
			s.visit(tparams.At(i).Constraint(), true)
		}
	}
	if len(s.ifaces) == 0 {
		return
	}
	names := make(map[*types.Interface]*types.Named)
	for _, ifc := range s.ifaces {
		if ifc.named != nil {
			names[ifc.typ] = ifc.named
		}
	}
	for _, ifc := range s.ifaces {
		for i := range ifc.typ.NumMethods() {
			m := ifc.typ.Method(i)
			if _, _, ok := c.shape(m.Signature()); !ok {
				continue
			}
			for _, x := range s.concrete {
				for _, t := range []types.Type{x, types.NewPointer(x)} {
					obj, _, _ := types.LookupFieldOrMethod(t, true, m.Pkg(), m.Name())
					fn, ok := obj.(*types.Func)
					if !ok || isInterfaceMethod(fn) {
						continue
					}
					fn = fn.Origin()
					if _, _, ok := c.shape(fn.Signature()); !ok {
						continue
					}
					// A constraint may mention type parameters, which Implements cannot
					// match: there, a method of the same name and shape suffices.
					if !ifc.constraint && !types.Implements(t, ifc.typ) {
						continue
					}
					named := ifc.named
					if named == nil {
						named = names[ifc.typ]
					}
					own := named == nil || named.Obj().Pkg() == fn.Pkg()
					name := "an interface"
					if named != nil {
						name = types.TypeString(named, types.RelativeTo(c.pass.Pkg))
					}
					im := implemented{iface: name, own: own}
					if !slices.Contains(c.impls[fn], im) {
						c.impls[fn] = append(c.impls[fn], im)
					}
				}
			}
		}
	}
}

type typeScan struct {
	c        *checker
	seen     map[types.Type]bool
	ifaces   []scannedIface
	concrete []types.Type // named non-interface types and struct literals (which may embed)
}

type scannedIface struct {
	typ        *types.Interface
	named      *types.Named // or nil
	constraint bool
}

func (s *typeScan) visit(t types.Type, constraint bool) {
	if t == nil || s.seen[t] {
		return
	}
	s.seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		s.visit(types.Unalias(t), constraint)
	case *types.Named:
		if ifc, ok := t.Underlying().(*types.Interface); ok {
			s.iface(ifc, t, constraint)
		} else {
			s.concrete = append(s.concrete, t)
			s.visit(t.Underlying(), false)
		}
		for i := range t.TypeArgs().Len() {
			s.visit(t.TypeArgs().At(i), false)
		}
		for i := range t.TypeParams().Len() {
			s.visit(t.TypeParams().At(i).Constraint(), true)
		}
	case *types.Interface:
		s.iface(t, nil, constraint)
	case *types.Pointer:
		s.visit(t.Elem(), false)
	case *types.Slice:
		s.visit(t.Elem(), false)
	case *types.Array:
		s.visit(t.Elem(), false)
	case *types.Chan:
		s.visit(t.Elem(), false)
	case *types.Map:
		s.visit(t.Key(), false)
		s.visit(t.Elem(), false)
	case *types.Struct:
		s.concrete = append(s.concrete, t)
		for i := range t.NumFields() {
			s.visit(t.Field(i).Type(), false)
		}
	case *types.Tuple:
		for i := range t.Len() {
			s.visit(t.At(i).Type(), false)
		}
	case *types.Signature:
		s.visit(t.Params(), false)
		s.visit(t.Results(), false)
		for i := range t.TypeParams().Len() {
			s.visit(t.TypeParams().At(i).Constraint(), true)
		}
	case *types.TypeParam:
		s.visit(t.Constraint(), true)
	}
}

func (s *typeScan) iface(ifc *types.Interface, named *types.Named, constraint bool) {
	flagged := false
	for i := range ifc.NumMethods() {
		m := ifc.Method(i)
		s.visit(m.Type(), false)
		if _, _, ok := s.c.shape(m.Signature()); ok {
			flagged = true
		}
	}
	if flagged {
		s.ifaces = append(s.ifaces, scannedIface{ifc, named, constraint})
	}
}

// checkInterface reports the interface methods whose context parameter is misplaced. They
// are not fixed: every implementation and caller would have to change with them.
func (c *checker) checkInterface(it *ast.InterfaceType) {
	for _, field := range it.Methods.List {
		ft, ok := field.Type.(*ast.FuncType)
		if !ok || len(field.Names) == 0 {
			continue
		}
		fn, ok := c.pass.TypesInfo.Defs[field.Names[0]].(*types.Func)
		if !ok {
			continue
		}
		k, _, ok := c.shape(fn.Signature())
		if !ok {
			continue
		}
		name := fn.Name()
		if recv := fn.Signature().Recv(); recv != nil {
			if named, ok := types.Unalias(recv.Type()).(*types.Named); ok {
				name = named.Obj().Name() + "." + name
			}
		}
		d := c.diagnostic(ft.Params, k, "interface method "+name)
		fixkit.Refuse(c.pass, d, d.Pos, "an interface method changes with every implementation and caller")
	}
}

// diagnostic returns the diagnostic for parameter k of params.
func (c *checker) diagnostic(params *ast.FieldList, k int, what string) analysis.Diagnostic {
	field, name := paramAt(params, k)
	var pos token.Pos = field.Type.Pos()
	if name != nil {
		pos = name.Pos()
	}
	return analysis.Diagnostic{
		Pos:     pos,
		End:     field.Type.End(),
		Message: "context.Context should be the first parameter of " + what,
	}
}

// paramAt returns the field of parameter k and its name (nil if unnamed).
func paramAt(params *ast.FieldList, k int) (*ast.Field, *ast.Ident) {
	i := 0
	for _, f := range params.List {
		if len(f.Names) == 0 {
			if i == k {
				return f, nil
			}
			i++
			continue
		}
		for _, n := range f.Names {
			if i == k {
				return f, n
			}
			i++
		}
	}
	panic("no parameter")
}

func fixMessage(sig *types.Signature, k int) string {
	if name := sig.Params().At(k).Name(); name != "" && name != "_" {
		return "Move " + name + " to the front"
	}
	return "Move the context.Context parameter to the front"
}

func funcName(fn *types.Func) string {
	if recv := fn.Signature().Recv(); recv != nil {
		t := types.Unalias(recv.Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		if named, ok := t.(*types.Named); ok {
			return named.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Name()
}

// key identifies a function or method across the packages of a program.
func key(fn *types.Func) string {
	fn = fn.Origin()
	if fn.Pkg() == nil {
		return ""
	}
	return fn.Pkg().Path() + "." + funcName(fn)
}

// checkFunc reports a function or method declaration whose context parameter is misplaced,
// with a fix when it is provably local, or with a Part of a whole-program fix.
func (c *checker) checkFunc(decl *ast.FuncDecl) {
	fn, ok := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	if !ok {
		return
	}
	sig := fn.Signature()
	k, t, ok := c.shape(sig)
	if !ok {
		return
	}
	impls := c.impls[fn]
	if len(impls) > 0 && !slices.ContainsFunc(impls, func(im implemented) bool { return im.own }) {
		return // its signature is dictated by an interface of another package, reported there
	}
	what := "function " + fn.Name()
	if sig.Recv() != nil {
		what = "method " + funcName(fn)
	}
	d := c.diagnostic(decl.Type.Params, k, what)
	msg := fixMessage(sig, k)
	refuse := func(pos token.Pos, why string) {
		fixkit.Refuse(c.pass, d, pos, why)
	}
	if decl.Body == nil {
		refuse(d.Pos, "it has no body: its implementation is elsewhere")
		return
	}
	if c.hasDirective(decl) {
		refuse(d.Pos, "it has a //go:linkname or //export directive")
		return
	}
	if file := c.mentionedElsewhere(fn.Name()); file != "" {
		refuse(d.Pos, fmt.Sprintf("%s is mentioned in %s, which this build does not compile", fn.Name(), file))
		return
	}
	if len(impls) > 0 {
		refuse(d.Pos, fmt.Sprintf("it implements %s: the interface and every implementation would have to change together", impls[0].iface))
		return
	}
	exported := fn.Exported()
	if exported && c.importable(fn) && !c.api {
		refuse(d.Pos, fmt.Sprintf("%s is API of importable package %s (flag -%s.api allows changing it)", funcName(fn), fn.Pkg().Path(), "ctxfirst"))
		return
	}
	refs := c.refs[fn]
	if pos, why := c.checkRefs(fn, refs, k, t); why != "" {
		refuse(pos, why)
		return
	}
	if why := c.checkLayout(decl.Type.Params, k, t); why != "" {
		refuse(d.Pos, why)
		return
	}
	build := func(fx *fixkit.Fix) error {
		if err := c.moveParam(fx, decl.Type.Params, k, t); err != nil {
			return err
		}
		return c.moveArgs(fx, refs, k, t)
	}
	if !exported {
		fixkit.Report(c.pass, d, msg, build)
		return
	}
	// Exported: other packages may call it. Only a driver that sees them all can fix it.
	sf, err := fixkit.Build(c.pass, msg, build)
	if err != nil {
		refuse(d.Pos, err.Error())
		return
	}
	c.parts.List = append(c.parts.List, fixkit.Part{
		Key: key(fn), Decl: true, Pos: d.Pos, Exported: true, Message: msg, Edits: sf.TextEdits,
	})
	fixkit.Refuse(c.pass, d, d.Pos, "it is exported: only a run over every package that refers to it can change them all")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// importable reports whether packages outside the module may refer to fn: it is declared in
// a package other than main, not under an internal directory, not in a test file.
func (c *checker) importable(fn *types.Func) bool {
	pkg := fn.Pkg()
	if pkg.Name() == "main" || strings.HasSuffix(pkg.Name(), "_test") {
		return false
	}
	if slices.Contains(strings.Split(pkg.Path(), "/"), "internal") {
		return false
	}
	if strings.HasSuffix(c.pass.Fset.Position(fn.Pos()).Filename, "_test.go") {
		return false
	}
	return true
}

// hasDirective reports whether a //go:linkname or //export directive names decl's function.
func (c *checker) hasDirective(decl *ast.FuncDecl) bool {
	if decl.Recv != nil {
		return false
	}
	name := decl.Name.Name
	for _, f := range c.pass.Files {
		for _, cg := range f.Comments {
			for _, cm := range cg.List {
				fields := strings.Fields(cm.Text)
				if len(fields) >= 2 && (fields[0] == "//go:linkname" || fields[0] == "//export") && fields[1] == name {
					return true
				}
			}
		}
	}
	return false
}

// checkRefs returns why the references refs of fn in this package cannot all be rewritten,
// and where, or "".
func (c *checker) checkRefs(fn *types.Func, refs []ref, k, t int) (token.Pos, string) {
	for _, r := range refs {
		if r.call == nil {
			return r.id.Pos(), fmt.Sprintf("%s is used as a value at %s", funcName(fn), c.where(r.id.Pos()))
		}
		if why := c.checkCall(r, fn.Signature(), k, t); why != "" {
			return r.call.Pos(), why
		}
		if f := c.file(r.call.Pos()); f != nil && importsC(f) {
			return r.call.Pos(), fmt.Sprintf("the call at %s is in a cgo file", c.where(r.call.Pos()))
		}
	}
	return token.NoPos, ""
}

func importsC(f *ast.File) bool {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

func (c *checker) where(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	name := p.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return fmt.Sprintf("%s:%d", name, p.Line)
}

func (c *checker) file(pos token.Pos) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

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
// evaluation of other arguments: constants, literals, closures, local variables never
// assigned after their declaration nor addressed, context.Background() and TODO(), and
// conversions and operations on those.
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

// moveParam moves parameter k of params to position t (a group boundary), splitting its
// group if it has several names.
func (c *checker) moveParam(fx *fixkit.Fix, params *ast.FieldList, k, t int) error {
	fk, ft := -1, -1
	i := 0
	for j, f := range params.List {
		if i == t {
			ft = j
		}
		if i == k {
			fk = j
		}
		i += max(1, len(f.Names))
	}
	if fk < 0 || ft < 0 || ft >= fk {
		return fmt.Errorf("unexpected parameter grouping")
	}
	dl := fx.Dst(params).(*dst.FieldList)
	field := dl.List[fk]
	if len(field.Names) > 1 {
		name := field.Names[0]
		name.Decs = dst.IdentDecorations{}
		moved := &dst.Field{Names: []*dst.Ident{name}, Type: dst.Clone(field.Type).(dst.Expr)}
		field.Names = field.Names[1:]
		moved.Decs.Before, moved.Decs.After = dl.List[ft].Decs.Before, dl.List[ft].Decs.After
		dl.List = slices.Insert(dl.List, ft, moved)
		return nil
	}
	fields := make([]dst.Node, len(dl.List))
	for j, f := range dl.List {
		fields[j] = f
	}
	permute(fields, fk, ft)
	for j, n := range fields {
		dl.List[j] = n.(*dst.Field)
	}
	return nil
}

// moveArgs moves argument k of every call among refs to position t.
func (c *checker) moveArgs(fx *fixkit.Fix, refs []ref, k, t int) error {
	for _, r := range refs {
		if r.call == nil {
			return fmt.Errorf("not a call")
		}
		dc := fx.Dst(r.call).(*dst.CallExpr)
		args := make([]dst.Node, len(dc.Args))
		for j, a := range dc.Args {
			args[j] = a
		}
		permute(args, r.off+k, r.off+t)
		for j, n := range args {
			dc.Args[j] = n.(dst.Expr)
		}
	}
	return nil
}

// permute moves l[k] to l[t] (t < k), shifting l[t:k] right. The line breaks stay where
// they were (they belong to the positions in the list); comments move with their node.
func permute(l []dst.Node, k, t int) {
	type space struct{ before, after dst.SpaceType }
	spaces := make([]space, len(l))
	for i, n := range l {
		spaces[i] = space{n.Decorations().Before, n.Decorations().After}
	}
	n := l[k]
	copy(l[t+1:k+1], l[t:k])
	l[t] = n
	for i, n := range l {
		n.Decorations().Before, n.Decorations().After = spaces[i].before, spaces[i].after
	}
}

// foreignParts contributes this package's share of the whole-program fixes of functions
// and methods declared in other packages: the edits of its calls, or a veto.
func (c *checker) foreignParts() {
	seen := make(map[*types.Func]bool)
	var fns []*types.Func
	for fn := range c.refs {
		fns = append(fns, fn)
	}
	for fn := range c.impls {
		fns = append(fns, fn)
	}
	slices.SortFunc(fns, func(a, b *types.Func) int { return cmp.Compare(key(a), key(b)) })
	for _, fn := range fns {
		if seen[fn] || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg || !fn.Exported() {
			continue
		}
		seen[fn] = true
		if c.importable(fn) && !c.api {
			continue // the declaring package refuses it
		}
		part := fixkit.Part{Key: key(fn)}
		k, t, _ := c.shape(fn.Signature())
		if file := c.mentionedElsewhere(fn.Name()); file != "" {
			part.Veto = fmt.Sprintf("%s is mentioned in %s, which this build does not compile", fn.Name(), file)
		} else if impls := c.impls[fn]; len(impls) > 0 {
			part.Veto = fmt.Sprintf("%s implements %s in package %s", funcName(fn), impls[0].iface, c.pass.Pkg.Path())
		} else if _, why := c.checkRefs(fn, c.refs[fn], k, t); why != "" {
			part.Veto = why + " (package " + c.pass.Pkg.Path() + ")"
		} else {
			sf, err := fixkit.Build(c.pass, fixMessage(fn.Signature(), k), func(fx *fixkit.Fix) error {
				return c.moveArgs(fx, c.refs[fn], k, t)
			})
			if err != nil {
				part.Veto = firstLine(err.Error())
			} else {
				part.Edits = sf.TextEdits
			}
		}
		c.parts.List = append(c.parts.List, part)
	}
}

// mentionedElsewhere returns the name of a file of the package that this build does not
// compile (excluded by build constraints) or an assembly file, and that mentions name, or
// "". Calls there would not be rewritten, and no type checker would see them; a mention
// by name is enough to refuse.
func (c *checker) mentionedElsewhere(name string) string {
	if c.other == nil {
		c.other = make(map[string]string)
		fset := token.NewFileSet()
		for _, filename := range c.pass.IgnoredFiles {
			if !strings.HasSuffix(filename, ".go") {
				continue
			}
			src, err := c.pass.ReadFile(filename)
			if err != nil {
				continue
			}
			f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
			if f == nil {
				c.other["*"] = filepath.Base(filename) // unreadable: refuse everything
				continue
			}
			_ = err // a partial syntax tree still names what it mentions
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if _, seen := c.other[id.Name]; !seen {
						c.other[id.Name] = filepath.Base(filename)
					}
				}
				return true
			})
		}
		for _, filename := range c.pass.OtherFiles {
			if !strings.HasSuffix(filename, ".s") {
				continue
			}
			src, err := c.pass.ReadFile(filename)
			if err != nil {
				continue
			}
			// Assembly names Go symbols ·name, followed by (SB), <ABIInternal>(SB) or +off(SB).
			text := string(src)
			for i := strings.Index(text, "·"); i >= 0; {
				j := i + len("·")
				k := j
				for k < len(text) && (text[k] == '_' || text[k] >= '0' && text[k] <= '9' || text[k] >= 'a' && text[k] <= 'z' || text[k] >= 'A' && text[k] <= 'Z' || text[k] >= 0x80) {
					k++
				}
				if _, seen := c.other[text[j:k]]; !seen {
					c.other[text[j:k]] = filepath.Base(filename)
				}
				next := strings.Index(text[k:], "·")
				if next < 0 {
					break
				}
				i = k + next
			}
		}
	}
	if f, ok := c.other["*"]; ok {
		return f
	}
	return c.other[name]
}
