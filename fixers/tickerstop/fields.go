package tickerstop

import (
	"fmt"
	"go/ast"
	"go/types"
	"go/version"
	"slices"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// A tickerField is an unexported struct field of the package that holds a *time.Ticker,
// with every place the package stores or uses it.
type tickerField struct {
	v       *types.Var
	stores  []inspector.Cursor // the time.NewTicker calls stored in it
	readers []inspector.Cursor // the field selections received from (x.f.C)
	bad     bool               // stored otherwise, stopped, or handed on: not ours to judge
}

// checkFields reports tickers kept in a struct field that nothing in the package stops,
// read by a goroutine that can return: once it has, the ticker ticks forever before Go
// 1.23. It is fixed with `defer r.f.Stop()` in that goroutine's method when the method is
// the field's only reader, is only ever started by go statements, each in a function
// that has just stored a new ticker in the field, and no interface of the package names
// it (so every run has a ticker of its own that nothing else reads).
func checkFields(pass *analysis.Pass, m *model.Model) {
	info := pass.TypesInfo
	fields := make(map[*types.Var]*tickerField)
	field := func(v *types.Var) *tickerField {
		if v == nil || !v.IsField() || v.Exported() || v.Pkg() != pass.Pkg || !isTicker(v.Type()) {
			return nil
		}
		tf := fields[v]
		if tf == nil {
			tf = &tickerField{v: v}
			fields[v] = tf
		}
		return tf
	}
	for c := range m.Inspector.Root().Preorder((*ast.SelectorExpr)(nil), (*ast.KeyValueExpr)(nil)) {
		switch n := c.Node().(type) {
		case *ast.KeyValueExpr:
			key, ok := n.Key.(*ast.Ident)
			if !ok {
				continue
			}
			v, _ := info.Uses[key].(*types.Var)
			if tf := field(v); tf != nil {
				tf.store(info, c.ChildAt(edge.KeyValueExpr_Value, -1))
			}
		case *ast.SelectorExpr:
			s := info.Selections[n]
			if s == nil || s.Kind() != types.FieldVal {
				continue
			}
			tf := field(s.Obj().(*types.Var))
			if tf == nil {
				continue
			}
			if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
				as := c.Parent().Node().(*ast.AssignStmt)
				if len(as.Lhs) != len(as.Rhs) {
					tf.bad = true
					continue
				}
				tf.store(info, c.Parent().ChildAt(edge.AssignStmt_Rhs, c.ParentEdgeIndex()))
				continue
			}
			switch use(info, c) {
			case useStop, useEscape:
				tf.bad = true
			case useOK:
				if readsC(c, true) {
					tf.readers = append(tf.readers, c)
				}
			}
		}
	}
	for _, tf := range fields {
		if tf.bad || len(tf.stores) == 0 || len(tf.readers) == 0 {
			continue
		}
		reportField(pass, m, tf)
	}
}

// store records the value stored in the field at c: a time.NewTicker call, or anything
// else, which makes the field not ours to judge.
func (tf *tickerField) store(info *types.Info, c inspector.Cursor) {
	if call, ok := ast.Unparen(c.Node().(ast.Expr)).(*ast.CallExpr); ok && isTimeFunc(info, call, "NewTicker") {
		for c.ParentEdgeKind() == edge.ParenExpr_X {
			c = c.Parent()
		}
		tf.stores = append(tf.stores, c)
		return
	}
	tf.bad = true
}

func reportField(pass *analysis.Pass, m *model.Model, tf *tickerField) {
	info := pass.TypesInfo
	store := tf.stores[0]
	if v := info.FileVersions[m.File(store.Node().Pos())]; v == "" || version.Compare(v, collected) >= 0 {
		return
	}
	var readers []*model.Func
	returns := false
	for _, r := range tf.readers {
		f := m.Enclosing(r)
		if f == nil {
			return
		}
		if !slices.Contains(readers, f) {
			readers = append(readers, f)
		}
		if canReturn(info, m, f, r.Node()) {
			returns = true
		}
	}
	if !returns {
		return // its readers run as long as the program: so does the ticker
	}
	call := store.Node()
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: fmt.Sprintf("ticker kept in field %s is never stopped: before Go 1.23 it ticks forever once its reader returns", tf.v.Name()),
	}
	site, why := fieldFix(pass, m, tf, readers)
	if why != "" {
		fixkit.Refuse(pass, d, call.Pos(), why)
		return
	}
	fixkit.Report(pass, d, fmt.Sprintf("Add defer %s.%s.Stop() to %s", site.recv, tf.v.Name(), site.f.Obj.Name()), func(fx *fixkit.Fix) error {
		list := fixkit.StmtList(fx.Dst(site.f.Body))
		if list == nil {
			return fmt.Errorf("body not found")
		}
		stop := &dst.DeferStmt{Call: &dst.CallExpr{Fun: &dst.SelectorExpr{
			X:   &dst.SelectorExpr{X: dst.NewIdent(site.recv), Sel: dst.NewIdent(tf.v.Name())},
			Sel: dst.NewIdent("Stop"),
		}}}
		stop.Decs.Before = dst.NewLine
		stop.Decs.After = dst.NewLine
		*list = slices.Insert(*list, 0, dst.Stmt(stop))
		return nil
	})
}

type fieldSite struct {
	f    *model.Func // the reader method
	recv string      // its receiver's name
}

// fieldFix returns where the deferred Stop goes, or why there is no fix.
func fieldFix(pass *analysis.Pass, m *model.Model, tf *tickerField, readers []*model.Func) (fieldSite, string) {
	info := pass.TypesInfo
	if len(readers) != 1 {
		return fieldSite{}, "more than one function receives from the ticker"
	}
	r := readers[0]
	decl, ok := r.Node.(*ast.FuncDecl)
	if !ok || decl.Recv == nil || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 || r.Obj.Exported() {
		return fieldSite{}, "the ticker is not read by an unexported method"
	}
	recvID := decl.Recv.List[0].Names[0]
	recv, _ := info.Defs[recvID].(*types.Var)
	if recv == nil || recvID.Name == "_" {
		return fieldSite{}, "the method's receiver has no name"
	}
	for _, c := range tf.readers {
		x, ok := ast.Unparen(c.Node().(*ast.SelectorExpr).X).(*ast.Ident)
		if !ok || info.Uses[x] != recv {
			return fieldSite{}, "the method reads the ticker of another value than its receiver"
		}
	}
	for n := range ast.Preorder(r.Body) {
		if as, ok := n.(*ast.AssignStmt); ok && slices.ContainsFunc(as.Lhs, func(e ast.Expr) bool {
			id, ok := e.(*ast.Ident)
			return ok && info.Uses[id] == recv
		}) {
			return fieldSite{}, "the method assigns its receiver"
		}
	}
	if len(r.Started) == 0 || r.Refs != len(r.Started) {
		return fieldSite{}, "the method is not only started by go statements"
	}
	if namedByInterface(pass.Pkg, r.Obj.Name()) {
		return fieldSite{}, "an interface of the package names the method"
	}
	// Each go statement follows a store of a new ticker in the same function, so no run
	// of the method shares its ticker with an earlier one.
	for _, g := range r.Started {
		if g.InLoop || !slices.ContainsFunc(tf.stores, func(s inspector.Cursor) bool {
			return m.Enclosing(s) == g.In && s.Node().End() <= g.Stmt.Pos()
		}) {
			return fieldSite{}, "a go statement of the method does not follow a store of a new ticker"
		}
	}
	// Nothing but the method itself stores a ticker in the field after it starts.
	for _, s := range tf.stores {
		if f := m.Enclosing(s); f == r {
			return fieldSite{}, "the method stores a new ticker in the field itself"
		}
	}
	return fieldSite{f: r, recv: recvID.Name}, ""
}

// isTicker reports whether t is *time.Ticker.
func isTicker(t types.Type) bool { return isTimeType(t, "Ticker") }

// namedByInterface reports whether an interface type declared in pkg has a method name.
func namedByInterface(pkg *types.Package, name string) bool {
	for _, n := range pkg.Scope().Names() {
		tn, ok := pkg.Scope().Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		if it, ok := tn.Type().Underlying().(*types.Interface); ok {
			for i := range it.NumMethods() {
				if it.Method(i).Name() == name {
					return true
				}
			}
		}
	}
	return false
}
