// Package ctxfirst defines an analyzer that finds context.Context parameters that are not
// first, and moves them to the front.
//
// # Analyzer ctxfirst
//
// ctxfirst: context.Context is not the first parameter
//
// A function, method or interface method takes a context.Context after other parameters:
//
//	func fetch(url string, retries int, ctx context.Context) error
//
// By convention (the context package's documentation, Go Code Review Comments) the context
// is the first parameter of the functions that take one, so that readers and callers always
// find it in the same place and it is hard to forget to pass one on. Test helpers may take
// *testing.T, *testing.B, *testing.F or testing.TB before it; the -allow flag sets that
// list (types qualified by their package path, as in *testing.T or example.com/p.T).
//
// The fix moves the parameter to the front, after the allowed leading parameters (a group
// such as `a, b string, ctx context.Context` or `ctx, parent context.Context` is split as
// needed), and rewrites every call in the same order, keeping each argument and its
// comments. Calls in go and defer statements, calls of generic functions with explicit type
// arguments and calls of promoted methods are calls like the others.
//
// Moving a parameter changes every caller, so it is a whole-program decision. Under go vet
// or gopls, which see one package at a time, only unexported functions and methods are
// fixed, when every reference to them in their package (its test files included) is a call.
// The concfix driver, which sees every package, also fixes exported functions and methods:
// each package contributes the edits of its own calls (see fixkit.Parts), and the fix is
// made only when every package of the module that refers to the function was analysed and
// none refused. Exported API of an importable package (not main, not under an internal
// directory, not declared in a test file) is left alone unless the -api flag allows
// changing it, since importers outside the module would break.
//
// The diagnostic is reported without a fix when
//
//   - the function is used as a value anywhere: assigned, passed, stored, a method value or
//     a method expression that is not called;
//   - the method implements an interface the analyzer can see (an interface of the package,
//     one among the types of its expressions and signatures, or a constraint of a generic it
//     instantiates): the interface and every implementation would have to change together.
//     A method whose signature is dictated by an interface of another package is not
//     reported at all; the interface is. Nor is a method that implements an interface
//     declared in a generated file (a gRPC or mock stub), nor such an interface:
//     regenerating it would undo the change;
//   - it is an interface method;
//   - a call passes a multi-value expression f(g());
//   - moving the context argument before the arguments it jumps over could change the order
//     of side effects: the move is made when all of them are free of calls and receives, or
//     when the context argument (or else every jumped argument) cannot be changed by the
//     others: a constant, a local variable whose address is not taken and that is
//     assigned only by the statements of the function declaring it (not by a function
//     literal an argument could call, nor in the body of a range-over-func loop, which the
//     iterator runs), context.Background() or context.TODO();
//   - a comment between the arguments or parameters has no clear owner (a block comment
//     between two of them on one line, a comment after the last one);
//   - the function has no body, a //go:linkname or //export directive, or is called from a
//     cgo file.
package ctxfirst
