package model

import (
	"go/ast"
	"go/types"
)

// OfObject returns the class of the channel variable, field, parameter or result o, or
// nil when o is in no class (nothing assigns, passes or operates on it).
func (cs *Chans) OfObject(o types.Object) *Chan {
	if o == nil {
		return nil
	}
	return cs.byRoot[cs.root(o)]
}

// Object returns the object that stands for the channel e in the classes: a variable, a
// field, a parameter or a result of a function of the package. Nil when unknown; the
// channels of ctx.Done() are a placeholder object that is no variable of the package.
func (cs *Chans) Object(e ast.Expr) types.Object { return cs.objOf(e) }
