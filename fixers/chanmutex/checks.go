package chanmutex

import (
	"cmp"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// pkgChecks answers, for a struct type that holds a candidate field, whether a mutex may
// replace the channel: whether the struct is copied, and whether other packages can see
// it. The package-wide facts are computed once, on first use.
type pkgChecks struct {
	pass       *analysis.Pass
	m          *model.Model
	reachable  map[types.Type]bool       // types other packages can get hold of
	ignored    map[string]string         // identifiers of the package's files that the build excludes -> a file
	testIdents map[string]bool           // identifiers of in-package test files absent from this pass
	unkeyed    typeutil.Map              // types of the composite literals that list elements without keys
	copies     map[types.Type]copyReason // by owner (see index)
}

// A copyReason is where, and why, a value of a struct type is or could be copied.
type copyReason struct {
	pos token.Pos
	why string
}

func newPkgChecks(pass *analysis.Pass, m *model.Model) *pkgChecks {
	return &pkgChecks{pass: pass, m: m}
}

func (pc *pkgChecks) checkField(cd *candidate) {
	if pc.inTestFiles(cd) {
		cd.skip = true // decided when the package is analysed with its tests
		return
	}
	if name := pc.inIgnoredFiles(cd); name != "" {
		cd.setNoFix(cd.v.Pos(), "a file the build excludes ("+name+") names the field or its struct")
	}
	if pc.unkeyedLiteral(cd.owner) {
		cd.skip = true // the literal sets the channel without naming it
		return
	}
	if cd.noFix != "" {
		return
	}
	if cd.v.Exported() {
		cd.setNoFix(cd.v.Pos(), "the field is exported")
		return
	}
	if pc.exposed(cd.owner) {
		if why := pc.apiRefusal(cd); why != "" {
			cd.setNoFix(cd.v.Pos(), why)
			return
		}
		cd.api = true // the importers of the module decide (vetoImported)
	}
	if pos, why := pc.copied(cd.owner); why != "" {
		cd.setNoFix(pos, why)
	}
}

// unkeyedLiteral reports whether a composite literal of struct type t lists its
// elements without field names.
func (pc *pkgChecks) unkeyedLiteral(t types.Type) bool {
	return pc.unkeyed.At(t) != nil
}

// exposed reports whether t can be reached from the package's exported API (exported
// names, the exported fields and methods of reachable types, their signatures).
func (pc *pkgChecks) exposed(t types.Type) bool {
	pkg := pc.pass.Pkg
	if pkg.Name() == "main" {
		return false
	}
	if pc.reachable == nil {
		pc.reachable = make(map[types.Type]bool)
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if !obj.Exported() {
				continue
			}
			switch obj.(type) {
			case *types.TypeName, *types.Var, *types.Func:
				pc.reach(obj.Type())
			}
		}
	}
	if pc.reachable[t] {
		return true
	}
	if _, ok := t.(*types.Named); !ok {
		for r := range pc.reachable {
			if types.Identical(r, t) {
				return true
			}
		}
	}
	return false
}

func (pc *pkgChecks) reach(t types.Type) {
	if t == nil || pc.reachable[t] {
		return
	}
	pc.reachable[t] = true
	switch t := t.(type) {
	case *types.Alias:
		pc.reach(types.Unalias(t))
	case *types.Named:
		for i := 0; i < t.TypeArgs().Len(); i++ {
			pc.reach(t.TypeArgs().At(i))
		}
		if t.Obj().Pkg() == pc.pass.Pkg {
			for i := 0; i < t.NumMethods(); i++ {
				if m := t.Method(i); m.Exported() {
					pc.reach(m.Type())
				}
			}
			pc.reach(t.Underlying())
		}
	case *types.Pointer:
		pc.reach(t.Elem())
	case *types.Slice:
		pc.reach(t.Elem())
	case *types.Array:
		pc.reach(t.Elem())
	case *types.Chan:
		pc.reach(t.Elem())
	case *types.Map:
		pc.reach(t.Key())
		pc.reach(t.Elem())
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				pc.reach(f.Type())
			}
		}
	case *types.Signature:
		pc.reach(t.Params())
		pc.reach(t.Results())
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			pc.reach(t.At(i).Type())
		}
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			if m := t.Method(i); m.Exported() {
				pc.reach(m.Type())
			}
		}
	}
}

// inIgnoredFiles returns the name of a Go file of the package that the build excludes
// (another GOOS, a build tag: the pass's IgnoredFiles, read through the pass) and that
// names the field or its struct type: the fix would break that build. It returns "" when
// there is none.
func (pc *pkgChecks) inIgnoredFiles(cd *candidate) string {
	if pc.ignored == nil {
		pc.ignored = make(map[string]string)
		pc.loadIgnored()
	}
	if name := pc.ignored[""]; name != "" {
		return name
	}
	if name := pc.ignored[cd.v.Name()]; name != "" {
		return name
	}
	if cd.ownerName != nil {
		return pc.ignored[cd.ownerName.Name()]
	}
	return ""
}

func (pc *pkgChecks) loadIgnored() {
	pass := pc.pass
	for _, name := range pass.IgnoredFiles {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		base := filepath.Base(name)
		src, err := pass.ReadFile(name)
		if err != nil {
			pc.ignored[""] = base // unreadable: assume every name is used
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
		if err != nil || f.Name.Name != pass.Pkg.Name() {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && pc.ignored[id.Name] == "" {
				pc.ignored[id.Name] = base
			}
			return true
		})
	}
}

// inTestFiles reports whether the package is analysed without its in-package test files
// and one of them mentions the field or its struct type by name. The analysis of the
// package with its tests then decides; here nothing is reported, so that a fix never
// misses a use in a test.
func (pc *pkgChecks) inTestFiles(cd *candidate) bool {
	if pc.testIdents == nil {
		pc.testIdents = make(map[string]bool)
		pc.loadTestIdents()
	}
	if pc.testIdents[""] || pc.testIdents[cd.v.Name()] {
		return true
	}
	return cd.ownerName != nil && pc.testIdents[cd.ownerName.Name()]
}

// The test files are read from the directories of the pass's files: the framework lists
// no test files for a package analysed without its tests, and a driver that analyses both
// variants (analysistest, singlechecker, gopls) would otherwise offer, for the package
// alone, a fix that breaks its tests. This is the analyzer's one read behind the
// framework; the concfix command and go vet never take this path (they analyse the test
// variant in place of the package).
func (pc *pkgChecks) loadTestIdents() {
	pass := pc.pass
	if len(pass.Files) == 0 {
		return
	}
	dirs := make(map[string]bool)
	for _, f := range pass.Files {
		name := pass.Fset.File(f.Pos()).Name()
		if strings.HasSuffix(name, "_test.go") {
			return // the test variant: every in-package test file is here
		}
		dirs[filepath.Dir(name)] = true
	}
	for dir := range dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		for _, name := range names {
			src, err := os.ReadFile(name)
			if err != nil {
				pc.testIdents[""] = true // unreadable: assume every name is used
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
			if err != nil || f.Name.Name != pass.Pkg.Name() {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					pc.testIdents[id.Name] = true
				}
				return true
			})
		}
	}
}

// copied returns where a value of struct type t, an owner given to index, is copied, or
// could be: a method with a value receiver, a type that holds t by value (a struct field,
// an array, slice, map or channel element, a parameter or result), another named type
// with the same struct, or an expression of type t used other than by address, by field
// or pointer-method selection, or as a fresh composite literal that defines a variable.
func (pc *pkgChecks) copied(t types.Type) (token.Pos, string) {
	r := pc.copies[t]
	return r.pos, r.why
}

// index computes, in one walk of the package, the composite literals without keys and
// where each of the owners (the struct types of candidate fields) is copied: asked per
// field, each answer walked the whole package.
func (pc *pkgChecks) index(owners []types.Type) {
	info := pc.pass.TypesInfo
	for c := range pc.m.Inspector.Root().Preorder((*ast.CompositeLit)(nil)) {
		lit := c.Node().(*ast.CompositeLit)
		if len(lit.Elts) == 0 {
			continue
		}
		if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); keyed {
			continue
		}
		if lt := info.TypeOf(lit); lt != nil {
			pc.unkeyed.Set(lt, true)
		}
	}
	pc.copies = make(map[types.Type]copyReason)
	if len(owners) == 0 {
		return
	}
	// The owners by type (identical types are one owner), and by their struct.
	var byType, byStruct typeutil.Map
	var distinct []types.Type
	for _, t := range owners {
		if byType.At(t) == nil {
			byType.Set(t, len(distinct))
			distinct = append(distinct, t)
			list, _ := byStruct.At(t.Underlying()).([]int)
			byStruct.Set(t.Underlying(), append(list, len(distinct)-1))
		}
	}
	reasons := make([]copyReason, len(distinct))
	left := len(distinct)
	set := func(k int, pos token.Pos, why string) {
		if reasons[k].why == "" {
			reasons[k] = copyReason{pos, why}
			left--
		}
	}
	// is reports whether u is owner k: the same named type, or an identical struct.
	is := func(k int, u types.Type) bool {
		t := distinct[k]
		if _, ok := t.(*types.Named); ok {
			return u == t
		}
		return u != nil && types.Identical(u, t)
	}
	ownerOf := func(u types.Type) int {
		if u == nil {
			return -1
		}
		if k, ok := byType.At(u).(int); ok && is(k, u) {
			return k
		}
		return -1
	}
	sameStruct := func(u types.Type) []int {
		if u == nil {
			return nil
		}
		list, _ := byStruct.At(u.Underlying()).([]int)
		return list
	}

	for k, t := range distinct {
		if named, ok := t.(*types.Named); ok {
			for i := 0; i < named.NumMethods(); i++ {
				m := named.Method(i)
				if _, ptr := m.Type().(*types.Signature).Recv().Type().(*types.Pointer); !ptr {
					set(k, m.Pos(), "method "+m.Name()+" has a value receiver, which copies the struct")
					break
				}
			}
		}
	}
	h := holder{ownerOf: ownerOf, memo: make(map[types.Type]*heldSet), tops: make(map[types.Type]*heldSet)}
	// The definitions in source order, so that the reason given is the first one.
	defs := make([]*ast.Ident, 0, len(info.Defs))
	for id, obj := range info.Defs {
		if obj != nil {
			defs = append(defs, id)
		}
	}
	slices.SortFunc(defs, func(a, b *ast.Ident) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, id := range defs {
		if left == 0 {
			break
		}
		obj := info.Defs[id]
		self := -1 // a struct holding itself (through a slice of itself): its field says where
		if tn, ok := obj.(*types.TypeName); ok {
			self = ownerOf(tn.Type())
		}
		if tn, ok := obj.(*types.TypeName); ok && !tn.IsAlias() {
			for _, k := range sameStruct(tn.Type()) {
				if tn.Type() != distinct[k] {
					set(k, id.Pos(), "type "+tn.Name()+" has the same struct: the two convert to each other")
				}
			}
		}
		for _, k := range h.holds(obj.Type()).owners() {
			if k != self {
				set(k, id.Pos(), obj.Name()+" holds the struct by value")
			}
		}
	}
	for _, obj := range info.Implicits {
		if v, ok := obj.(*types.Var); ok {
			if k := ownerOf(v.Type()); k >= 0 {
				set(k, v.Pos(), "a type switch copies the struct")
			}
		}
	}
	if left > 0 {
		for c := range pc.m.Inspector.Root().Preorder() {
			if left == 0 {
				break
			}
			e, ok := c.Node().(ast.Expr)
			if !ok {
				continue
			}
			tv, ok := info.Types[e]
			if !ok || !tv.IsValue() {
				continue
			}
			for _, k := range h.holds(tv.Type).owners() {
				set(k, e.Pos(), "an expression holds the struct by value")
			}
			if k := ownerOf(tv.Type); k >= 0 {
				if !copyFree(info, c) {
					set(k, e.Pos(), "the struct is copied here")
				}
			}
			// Another type with the same struct, or a pointer to one: a conversion from
			// or to an owner would no longer compile.
			u := tv.Type
			cands := sameStruct(u)
			if p, ok := u.Underlying().(*types.Pointer); ok {
				cands = append(slices.Clip(cands), sameStruct(p.Elem())...)
			}
			for _, k := range cands {
				if is(k, tv.Type) {
					continue
				}
				u := tv.Type
				if p, ok := u.Underlying().(*types.Pointer); ok && !is(k, p.Elem()) {
					u = p.Elem()
				}
				if !is(k, u) && types.Identical(u.Underlying(), distinct[k].Underlying()) {
					set(k, e.Pos(), "a value of the same struct type converts to it here")
				}
			}
		}
	}
	for _, t := range owners {
		pc.copies[t] = reasons[byType.At(t).(int)]
	}
}

// copyFree reports whether the expression at c, of the struct type, is used without a
// copy: &x, x.f, x.m() with a pointer receiver, or a composite literal that defines a new
// variable (x := T{...}, var x = T{...}).
func copyFree(info *types.Info, c inspector.Cursor) bool {
	_, isLit := c.Node().(*ast.CompositeLit)
	for c.ParentEdgeKind() == edge.ParenExpr_X {
		c = c.Parent()
	}
	switch c.ParentEdgeKind() {
	case edge.UnaryExpr_X:
		return c.Parent().Node().(*ast.UnaryExpr).Op == token.AND
	case edge.SelectorExpr_X:
		sel := info.Selections[c.Parent().Node().(*ast.SelectorExpr)]
		if sel == nil {
			return false
		}
		switch sel.Kind() {
		case types.FieldVal:
			return true
		case types.MethodVal:
			_, ptr := sel.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer)
			return ptr
		}
		return false
	case edge.AssignStmt_Rhs:
		return isLit && c.Parent().Node().(*ast.AssignStmt).Tok == token.DEFINE
	case edge.ValueSpec_Values:
		return isLit
	}
	return false
}

// holder decides which owners a type holds by value below its top level.
type holder struct {
	ownerOf func(types.Type) int    // the owner a type is, or -1
	memo    map[types.Type]*heldSet // inner, by type
	tops    map[types.Type]*heldSet // holds, by type
}

// A heldSet is a set of owners, by index.
type heldSet struct {
	bits     []uint64
	visiting bool
}

func (s *heldSet) add(k int) {
	for len(s.bits) <= k/64 {
		s.bits = append(s.bits, 0)
	}
	s.bits[k/64] |= 1 << (k % 64)
}

func (s *heldSet) union(o *heldSet) {
	for i, b := range o.bits {
		if b != 0 {
			for len(s.bits) <= i {
				s.bits = append(s.bits, 0)
			}
			s.bits[i] |= b
		}
	}
}

// owners returns the indexes in s, in order.
func (s *heldSet) owners() []int {
	var out []int
	for i, b := range s.bits {
		for j := 0; b != 0; j++ {
			if b&1 != 0 {
				out = append(out, i*64+j)
			}
			b >>= 1
		}
	}
	return out
}

// holds returns the owners that t holds by value below its top level (t itself aside).
func (h *holder) holds(t types.Type) *heldSet {
	if s, ok := h.tops[t]; ok {
		return s
	}
	s := h.holdsOnce(t)
	h.tops[t] = s
	return s
}

func (h *holder) holdsOnce(t types.Type) *heldSet {
	out := new(heldSet)
	switch t := t.(type) {
	case *types.Named:
		for i := 0; i < t.TypeArgs().Len(); i++ {
			out.union(h.inner(t.TypeArgs().At(i)))
		}
		out.union(h.below(t.Underlying()))
		return out
	case *types.Alias:
		return h.holds(types.Unalias(t))
	}
	return h.below(t)
}

// inner returns the owners that t is or holds by value.
func (h *holder) inner(t types.Type) *heldSet {
	if t == nil {
		return new(heldSet)
	}
	if s, ok := h.memo[t]; ok {
		if s.visiting {
			// A cycle (type T struct{ ts []T }): what T holds below is found where it
			// started; T itself is here.
			own := new(heldSet)
			if k := h.ownerOf(t); k >= 0 {
				own.add(k)
			}
			return own
		}
		return s
	}
	s := &heldSet{visiting: true}
	h.memo[t] = s
	if k := h.ownerOf(t); k >= 0 {
		s.add(k)
	}
	s.union(h.holds(t))
	s.visiting = false
	return s
}

// below returns the owners that t's components are or hold by value.
func (h *holder) below(t types.Type) *heldSet {
	out := new(heldSet)
	switch t := t.(type) {
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			out.union(h.inner(t.Field(i).Type()))
		}
	case *types.Array:
		out.union(h.inner(t.Elem()))
	case *types.Slice:
		out.union(h.inner(t.Elem()))
	case *types.Chan:
		out.union(h.inner(t.Elem()))
	case *types.Map:
		out.union(h.inner(t.Key()))
		out.union(h.inner(t.Elem()))
	case *types.Signature:
		if r := t.Recv(); r != nil {
			if k := h.ownerOf(r.Type()); k >= 0 {
				out.add(k)
			}
		}
		out.union(h.tuple(t.Params()))
		out.union(h.tuple(t.Results()))
	case *types.Tuple:
		out.union(h.tuple(t))
	}
	return out
}

func (h *holder) tuple(t *types.Tuple) *heldSet {
	out := new(heldSet)
	if t == nil {
		return out
	}
	for i := 0; i < t.Len(); i++ {
		out.union(h.inner(t.At(i).Type()))
	}
	return out
}
