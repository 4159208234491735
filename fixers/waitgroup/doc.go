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
// wg.Done not deferred, where a return or runtime.Goexit (t.Fatal...) skips it, leaves
// wg.Wait blocked forever. So does a panic when a deferred recover stops it; an
// unrecovered panic crashes the program anyway and is not reported. The fix defers
// wg.Done() as the goroutine's first statement and removes the other Done calls. It
// refuses unless every path calls Done exactly once or leaves early without it, each
// Done is followed only by a return, the goroutine is the only one that can call Done
// for its Add (no WaitGroup passed on, no function of the package that calls Done), and
// no other deferred call may block (it now runs before Done).
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
// declared in the loop, and Waits that end batches started by an inner loop, are not
// reported.
//
// A sync.WaitGroup, Mutex, RWMutex, Once or Cond parameter passed by value makes the
// function work on a copy. The fix makes the parameter a pointer (&p in the body becomes
// p) and updates every call (x becomes &x, *p becomes p). It is made directly when every
// reference is in the package (unexported functions, commands); for exported functions
// of internal packages, the concfix driver assembles it from the Parts this analyzer
// returns for each package of the module; exported API is reported only.
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
