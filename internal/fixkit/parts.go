package fixkit

import (
	"go/token"
	"reflect"

	"golang.org/x/tools/go/analysis"
)

// Parts is the Result of an analyzer whose fixes span packages, such as moving a parameter,
// which changes every caller. One package at a time (go vet, gopls) such an analyzer
// reports, and fixes only what is provably local; the concfix driver, which has every root
// package loaded, collects the Parts of all packages and assembles whole-program fixes.
//
// An analyzer that returns Parts sets ResultType to PartsType.
type Parts struct {
	List []Part
}

// PartsType is the ResultType of analyzers that return *Parts.
var PartsType = reflect.TypeFor[*Parts]()

// A Part is one package's share of a whole-program fix of the declaration named by Key.
//
// The declaring package contributes the Part with Decl set: Pos is the position of the
// diagnostic it reported (without a fix) for the declaration. Every package that refers
// to the declaration (the declaring package included) contributes a Part with its edits,
// or with Veto set when it holds a reference the fix cannot rewrite (the function used as
// a value, a call whose arguments cannot be reordered safely...).
//
// The driver applies all edits of a Key together, as one fix, only when the declaring Part
// is present, no Part vetoes, and every package that may refer to the declaration was
// analysed; otherwise it keeps the diagnostic without a fix. An unexported declaration is
// referenced only from its own package. For an exported one (Exported), the driver checks
// that every package of the module that imports the declaring package, directly or not,
// was analysed. The analyzer itself refuses (reports without Parts) API that importers
// outside the module may use, unless the user allowed API changes with one of its flags.
type Part struct {
	Key string // identity of the declaration, e.g. "example.com/p.F" or "example.com/p.T.M"

	Decl     bool      // this package declares it; Pos is the diagnostic's position
	Pos      token.Pos // with Decl
	Exported bool      // with Decl: other packages of the module may refer to it
	Message  string    // with Decl: the fix's message, e.g. "Move ctx to the front"

	Edits []analysis.TextEdit // this package's share of the fix
	Veto  string              // non-empty: why the fix cannot be made (reported to the user)
}
