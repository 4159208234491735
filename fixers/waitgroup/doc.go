// Package waitgroup defines an Analyzer that finds misplaced sync.WaitGroup Add, Done and
// Wait calls, and sync values passed by value, and fixes them.
//
// # Analyzer waitgroup
//
// waitgroup: misplaced sync.WaitGroup Add, Done and Wait, and sync values passed by value
//
// wg.Add inside the goroutine it counts (anywhere in its body: go vet and staticcheck
// SA2000 only look at the first statement) races with wg.Wait, which may return before
// the goroutine has run its Add. The fix moves the Add directly before the go statement
// (for `go f(&wg)`, from f's body to its caller). It refuses when the Add does not run
// exactly once on every path of the goroutine before any Done, when the count depends on
// values of the goroutine, when the WaitGroup outside may be another object (a pointer
// that is reassigned, a copy), or when f is started by several go statements or also
// called directly. When a return (or runtime.Goexit) of the goroutine also skips its
// wg.Done, moving the Add alone would turn the race into a certain deadlock: the fix then
// moves the Add and defers the Done together (the Done finding points to it), or, when
// the Done cannot be deferred, refuses both. An Add followed in the goroutine by a go
// statement whose goroutine may call Done (a closure, a function value, a function that
// calls Done, anything given the WaitGroup) is that goroutine's Add, before its go
// statement: it is not reported.
//
// wg.Add in a goroutine that wg does not count, while another goroutine may call wg.Wait,
// races with that Wait: an Add made when the counter is zero must happen before Wait.
// It is reported, without a fix, when wg is a sync.WaitGroup field of a struct type of
// the package (of any value of that type) or a package-level variable; the Add's
// function runs only in goroutines (it is started by go statements, or called only
// from functions that are, through functions that are unexported, no interface of the
// package names, never used as values, and call no Done on wg themselves); one go
// statement that roots that chain has no Add on wg before it in its function; no mutex
// is held at the Add, and a mutex held at a call of the chain is one that the Wait's
// function does not take; the chain (and the package's functions it calls) sends,
// closes and calls Done on nothing, a signal the Wait's side could wait for; the
// Wait's side sends on no channel that the chain receives from (a stop request that
// the loop adding takes before it returns: robfig/cron's Stop); and the Wait is outside
// the chain. Whether to count the outer goroutine or to make the Add under a lock after
// a stopping check (etcd's goAttach) is its author's choice.
//
// wg.Done not deferred, where a return or runtime.Goexit (t.Fatal..., or a testify
// require check that fails: it calls t.FailNow) skips it, leaves wg.Wait blocked forever. So does a panic when a deferred recover stops it; an
// unrecovered panic crashes the program anyway and is not reported. The fix defers
// wg.Done() as the goroutine's first statement and removes the other Done calls. It
// refuses unless every path calls Done exactly once or leaves early without it, each
// Done is followed only by a return, the goroutine is the only one that can call Done
// for its Add (no WaitGroup passed on, no function of the package that may call Done),
// and no other deferred call may block (it now runs before Done). A function of the
// package given what holds the WaitGroup (a deferred g.handlePanic() whose receiver has
// the WaitGroup field) may call Done when its body, or that of a function of the package
// it calls (statically, as a value, or as an interface method a type of the package
// implements), calls Done or Add with a delta that is not a positive constant, or hands
// such a value to code it cannot see or stores it.
//
// wg.Done deferred inside a loop of a goroutine that one wg.Add(1) counts defers one
// Done per iteration; they all run when the goroutine returns, and the second makes the
// counter negative (a panic). It is reported when a path runs the defer again, the
// goroutine uses the WaitGroup for nothing else (nor hands it on), and every Add on it in
// the package is a goroutine's Add(1) directly before its go statement (an exported field
// outside package main is left alone). The fix moves the defer before the loop when the
// loop is for { ... } (its body runs whenever it is reached), the defer is its first
// statement and the loop is in no other loop of the goroutine; otherwise it is reported
// only.
//
// wg.Add(1) before go statements on a local WaitGroup on which nothing calls Done (its
// only uses are Add with a positive constant, Wait and Go) leaves wg.Wait blocked
// forever. It is reported, without a fix (where each goroutine should call Done is its
// author's choice), when the goroutines counted are several (a go statement in a loop, or
// several go statements) and may return: one Add before one go statement, and goroutines
// that never return, can be a way to block forever.
//
// wg.Wait as the last statement of a loop that starts goroutines counted by wg makes them
// run one at a time. The fix moves the Wait after the loop (or removes it when the loop
// is already followed by one). It is reported without a fix when parallel goroutines
// could race or the serial order looks deliberate: when they write variables they share
// (other than an element s[i] of a slice at an index of their own), when they use a
// variable of the enclosing code that is not an immutable plain value, a context, a
// channel or a sync value (a shared *strings.Builder, a func value...), when the rest of
// the loop or its header uses a variable they use, when they capture loop variables
// before go1.22, when they recover a panic or call runtime.Goexit (isolation), when the
// goroutine is a named function, or when a return or goto leaves the loop. A WaitGroup
// declared in the loop, Waits that end batches started by an inner loop, and loops in a
// benchmark (a function with a *testing.B or *testing.PB parameter, whose iterations
// are what it times) are not reported.
//
// A sync.WaitGroup, Mutex, RWMutex, Once or Cond parameter passed by value makes the
// function work on a copy. The fix makes the parameter a pointer (&p in the body becomes
// p) and updates every call (x becomes &x, *p becomes p). It is made directly when every
// reference is in the package (unexported functions, commands); for exported functions
// of internal packages, the concfix driver assembles it from the Parts this analyzer
// returns for each package of the module; exported API is reported only. The parameter
// may only be the receiver of method calls, a field's operand, the operand of &, or the
// same argument of a recursive call; an argument that is not addressable (a call's
// result, a map element) is refused.
//
// The same goes for the parameters of a function literal: go func(wg sync.WaitGroup)
// {...}(wg) counts a copy, and wg.Wait never returns. A literal called where it is
// written (plainly, by go or by defer) is fixed with its call; a literal used as a value,
// or whose argument is itself a parameter passed by value (that function's fix comes
// first), is reported only.
//
// A parameter whose type holds a lock by value (a struct or array with a sync.Mutex,
// RWMutex, WaitGroup, Once, Cond, Map, Pool or sync/atomic value in it, not behind a
// pointer, map, slice or channel: go vet's copylocks types), or that is a sync.Map, Pool
// or atomic value itself, is reported only when the function calls a method of that lock
// through it (s.mu.Lock(), c.n.Add(1)): that is where the copy is a bug. A struct that
// merely holds a lock and is only read (a config) is go vet's copylocks finding, not
// ours. The fix is the same, but its callers must not be go or defer statements (they
// copy the value when they run; a pointer would see later changes), and exported
// functions of internal packages are reported only.
//
// A method with a value receiver whose type holds a lock that the method uses through
// the receiver (func (c counter) Inc() { c.mu.Lock(); c.n++; ... }) locks, and writes, a
// copy. The fix makes the receiver a pointer. It refuses when the type is exported
// (outside package main), when the method may be called through reflection (String,
// Error, Format, GoString, Value, Scan, Unwrap, Is, As, Marshal..., Unmarshal...,
// Append...), when the receiver is assigned or used as a value in the method, when a
// call of the method is a go or defer statement or has a receiver that is not
// addressable (m[k].Inc(), f().Inc()), when the method value or method expression is
// used, or when the method set of a value that has the method can matter: such a value
// converted to an interface (fmt.Println(c)) or used where the check cannot follow it,
// a type argument, or reachable from exported API. A value receiver that does not use
// its lock (a builder that sets a field and returns the copy) is not reported.
//
// With -go, in files at go1.25 or later, wg.Add(1) directly followed by
// go func() { defer wg.Done(); ... }() becomes wg.Go(func() { ... }). This is a
// modernization, off by default. A fix of the Add or the Done whose result has that shape
// is written as wg.Go at once, so that one run reaches the fixpoint.
//
// Paths that end in a call that does not return (the shared model's policy: panic,
// os.Exit, log.Fatal, runtime.Goexit, testing's FailNow/Fatal/Skip, and the package's own
// functions that never return) and branches that a constant condition never takes are
// followed as the model's control-flow graphs say.
package waitgroup
