// Package racewrite defines an analyzer that finds variables that goroutines write with
// nothing ordering the accesses, and fixes them.
//
// # Analyzer racewrite
//
// racewrite: variable written by goroutines with no lock, atomic or channel between the accesses
//
// Goroutines started in a loop, or a goroutine and the function that starts it, that
// access the same variable, at least one of them writing it, with no lock, atomic
// operation or channel ordering the accesses, race: the counter loses increments, the
// first error is torn or lost, an append loses elements or corrupts the slice, and
// concurrent map writes crash the program. The race detector finds these only when a
// test happens to run the goroutines together; go vet has no check for them.
//
//	var firstErr error
//	for _, f := range fs {
//		wg.Add(1)
//		go func() {
//			defer wg.Done()
//			if err := f(); err != nil && firstErr == nil {
//				firstErr = err // goroutines write firstErr together
//			}
//		}()
//	}
//	wg.Wait()
//	return firstErr
//
// The analyzer reads the shared model's facts about goroutines (a function literal
// started by a go statement, by sync.WaitGroup.Go or by errgroup.Group.Go) and the
// variables they share with each other and with the function that starts them: every
// access, what it does (a read, a write, an element of a map or slice), the locks held
// on every path to it (mutexes, and channels of capacity 1 used as locks), and which
// accesses the start reaches before the function waits for the goroutine (a WaitGroup's
// Wait, an errgroup's Wait, a receive from a channel the goroutine sends on or closes
// or a ctx.Done() it cancels, a helper or local literal that does one of these,
// synctest.Wait).
// It reports a variable when two of its accesses touch the same memory (the variable, a
// field of it, or an element of a map it holds), one of them writes, they may run at the
// same time and hold no common lock, and they are not both atomic.
//
// It does not report: writes to elements of a slice or array at an index of their own
// (per-index slots), accesses under a common mutex or done with sync/atomic, values sent
// through channels, variables that goroutines only read, accesses of the starting
// function ordered by wg.Wait() (or a receive, or an errgroup's Wait) before it reads,
// goroutines serialised by a Wait inside the loop, variables declared inside the loop
// (one per iteration) or inside the goroutine, loop variables (per iteration since Go
// 1.22; go vet's loopclosure reports them before), accesses of a goroutine that may be
// ordered by what the model does not follow (past a receive from a channel that its
// starter or another goroutine signals: a start gate, a token ring; in a goroutine that
// loads, stores or swaps atomically, which can publish; after a method call on an
// object that the starter calls later, which may be what lets it return; between calls
// on an object of the package that synchronises, such as a state machine that admits one
// goroutine at a time; in the workers of a counted fan-in, whose starter has received
// one result for each job sent before it goes on), and races that a comment on the line of either
// access (or directly above it) says are meant ("racy", or a race said to be
// intentional, deliberate, on purpose or provoked), as the tests of race detectors do.
//
// The fix is the one a maintainer would write, chosen in this order:
//
//   - When each goroutine assigns the variable before it reads it and nothing reads the
//     goroutine's value afterwards (the variable is a scratch err shared by mistake),
//     the goroutine gets a variable of its own: err = f() becomes err := f() (also
//     in an if's init, or nested in the goroutine's loops, when its other uses are in
//     the new variable's scope); the declaration of the shared one goes when nothing
//     else uses it.
//   - When the variable is a plain counter or flag (int, int32, int64, uint32, uint64 or
//     bool, declared with its zero value), the goroutines only increment, add to or
//     store it, and every access of it can be converted, it becomes an atomic.Int64,
//     atomic.Int32, atomic.Uint32, atomic.Uint64 or atomic.Bool: n++ becomes n.Add(1),
//     reads become n.Load() (int(n.Load()) for an int).
//   - With -racewrite.errgroup, in a package that imports golang.org/x/sync/errgroup
//     already, the WaitGroup-and-first-error shape (wg.Add(1); go func() { defer
//     wg.Done(); if err := f(x); err != nil { if firstErr == nil { firstErr = err } }
//     }(); ...; wg.Wait()) becomes g.Go(func() error { return f(x) }) and
//     firstErr = g.Wait(): the group keeps the first error, as the capture did. Off by
//     default: it changes the code's dependencies and shape more than a lock does.
//   - When one goroutine is started per iteration of a range loop and appends one value
//     to an empty slice exactly once, the slice is preallocated and each goroutine
//     writes the slot of its index: out = append(out, r) becomes out[i] = r.
//   - Otherwise, a sync.Mutex is declared next to the variable (one for the variables
//     that the same goroutines share) and held around each statement of the goroutines
//     that accesses it; when some of these accesses already hold a mutex, or the
//     goroutines take exactly one mutex of the function, that mutex is taken around the
//     others instead (unless it may be held there already), and a section next to one
//     of its own sections joins it.
//
// Writes after the function that starts the goroutine may have returned (a goroutine
// that assigns the function's named results or captured variables and signals its end,
// while the function can return first on a timeout) are reported without a fix: a lock
// would not keep the goroutine from writing after the return; its results need a
// channel of their own. So are accesses of the starting function that run while the
// goroutines may still run (a read before the Wait): a lock would not make it wait.
//
// Races are where a wrong lock is worse than none: when the model cannot see every
// access, the finding is reported without a fix, with the reason. That is when the
// variable is at package level, its address is taken, a function literal that may run
// at any time uses it (a callback, time.AfterFunc), what it refers to is handed on to
// code the model does not follow (a map or slice passed to a function, a method called
// on it), a field of it is reached through a pointer (a receiver's field), or a
// goroutine started elsewhere uses it. The mutex fix is also refused when a statement
// to hold it around could block or run user code under the lock (a call of a function
// other than a builtin or of a few standard packages, a channel operation), or leaves
// the statement (return, break, continue, goto), or when no name for the mutex is free.
package racewrite
