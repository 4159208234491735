// Package chanmutex defines an Analyzer that finds buffered channels used as mutexes.
//
// # Analyzer chanmutex
//
// chanmutex: channel of capacity 1 used as a mutex
//
// A channel of capacity 1 whose every operation is an acquire followed by a release
// (send then receive, or, when the channel is filled right after make, receive then
// send) is a mutex written the long way. It hides the intent from readers and tools:
// the race detector, go vet's copylocks check, and staticcheck know sync.Mutex, not the
// channel idiom, and a later edit that sends a value or selects on the channel turns the
// lock into something else without anyone noticing.
//
// The analyzer looks at struct fields and local variables of channel type that are
// initialised with make(chan T, 1) and whose every use is a statement
//
//	ch <- v        <-ch        _ = <-ch        defer func() { <-ch }()
//
// with v a constant, nil or an empty composite literal. It proves with the control-flow
// graph of every function that uses the channel (the shared model's: paths that end in a
// call that does not return, and branches that a constant condition never takes, are no
// paths to a return) that each acquire is released on every path to a return (or by a
// deferred release), and that no release can happen without its acquire.
//
// The fix turns the field or variable into a sync.Mutex (its name and comments stay),
// acquires into Lock(), releases into Unlock() (the deferred closure becomes
// defer mu.Unlock()), removes the make(chan T, 1) from composite literals and
// constructors and the send that pre-fills the channel, and imports sync.
//
// The channel is left alone, without a diagnostic, when its capacity is not 1 (a
// semaphore), when it is used in a select (a TryLock gate), with len, cap, close or
// range, when it is passed, returned, compared or assigned elsewhere, when a received
// value is used, when a function releases it without having acquired it (a signal
// between goroutines, or a lock helper), when nothing happens under the lock (every
// acquire directly followed by its release), or when an unkeyed composite literal sets
// the field. When the package is analysed without its test files and an in-package test
// file names the field or its struct, nothing is reported: the analysis of the test
// variant decides. When a Go file of the package that the build excludes (another GOOS,
// a build tag) names them, the finding is reported without a fix.
//
// The finding is reported without a fix when the struct holding the field is copied by
// value anywhere in the package (a value receiver, a dereference, a parameter, result,
// slice, map or array element, a range value: a mutex must not be copied, and a copied
// channel is shared while a copied mutex is not), when another type has the same struct
// (the two convert to each other), when the field is exported, when the channel is made
// outside a constructor, when the balance of acquires and releases cannot be proven on
// every path, or when the fix would drop a comment or leave an import unused.
//
// When every function that uses the channel acquires it before it releases it, and the
// proof fails only because returns leave it held (an error return inside the critical
// section, a case of a select loop), nothing else can release it and the next acquire
// blocks forever: the finding is reported at the first such return. The fix releases the
// lock before each of them, as unlock does for a mutex: with Unlock when the channel
// becomes a sync.Mutex in the same fix, with the channel's own release when it cannot
// (for one of the reasons above). It is offered when each return is a statement of a
// block and its results read nothing the lock may guard (the model's Unguarded:
// constants, locals not captured by a literal, unwritten package variables, the
// standard library's errors and functions over those, ctx.Err()); a bare return of named
// results is reported without a fix.
//
// A struct type that other packages can see (exported, or reachable from exported API)
// keeps the channel in an unexported field that no other package can name, but another
// package can copy a value of it (a copied channel is shared, a copied mutex is not) or
// build one without the constructors (its channel is nil). The concfix driver, which sees
// every package, fixes it when every package of the module that reaches the type, through
// its imports directly or not, was analysed and none copies a value of it (as above),
// builds one (a composite literal, new, a var without a value) or holds one by value;
// otherwise the finding names the package and the line that vetoed the fix. A driver that
// sees one package at a time (go vet, gopls) reports it without a fix. A type of an
// importable package (not main, not under an internal directory) may be copied by
// importers outside the module, which no run can see: it is fixed only with the -api flag.
package chanmutex
