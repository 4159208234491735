package ctxfirst

import (
	"fmt"
	"go/ast"
	"slices"

	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
)

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
