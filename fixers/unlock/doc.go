// Package unlock defines an analyzer that finds mutexes left locked on some path out of
// a function, and locks released with the wrong method.
//
// # Analyzer unlock
//
// unlock: mutex left locked on some path, or released with the wrong method
//
// A function locks a sync.Mutex, sync.RWMutex or sync.Locker and releases it on its main
// path, but an early return, a break or continue out of the loop that holds it, or a goto
// leaves it locked. The next Lock of the mutex blocks forever:
//
//	func (c *Cache) Get(k string) (int, bool) {
//		c.mu.Lock()
//		v, ok := c.m[k]
//		if !ok {
//			return 0, false // c.mu stays locked: the next Get deadlocks
//		}
//		c.mu.Unlock()
//		return v, true
//	}
//
// The analyzer follows the function's control flow with a dataflow over the state of each
// mutex (not held, held for writing, held for reading; release deferred or not). A mutex
// is identified by its expression: a variable followed by field selections (s.mu, or s
// for a mutex embedded in *s); s.mu and t.mu are different mutexes. Paths that end in
// panic, os.Exit, log.Fatal, runtime.Goexit, a testing FailNow, Fatal or Skip call, or a
// call of a function of the package that never returns, are not exits, and a branch that
// a constant condition never takes (if false, if debug with a constant false debug) is
// dead code: the shared model's control flow (fixers/internal/model) decides both.
//
// It also reports releases that do not match the lock (an RLock released with Unlock,
// which aborts the program with "fatal error: sync: Unlock of unlocked RWMutex", or a
// Lock released with RUnlock) and `defer mu.Lock()` right after `mu.Lock()`, which was
// meant to be `defer mu.Unlock()`.
//
// It also reports, without a fix, a mutex locked again by the goroutine that holds it on
// every path: a call, directly or through the package's functions, of a function that
// locks it (for a field, through the receiver: c.refresh() while c.mu is held, and
// refresh locks its receiver's mu; a call of a func-typed field of c, into the literals
// the package stores in that field, c.onEvent = func() { c.get() }; a call of a
// parameter of func type, into the literals that the function's callers pass for it,
// reported at the caller: m.Range(func(k, v) bool { m.Delete(k) }) while Range holds
// m.mu, mhmtszr/concurrent-swiss-map#8), or a lock statement of the function itself.
// Under Lock a second Lock or RLock deadlocks; under RLock a Lock (an upgrade) deadlocks, and a
// second RLock deadlocks when a writer waits in between (reported when the package
// write-locks the mutex somewhere). The finding names the chain of calls
// (Cache.Get → Cache.refresh → c.mu.Lock). A function on the way that releases the
// mutex it is given (its first operation on it is a release), a lock under a condition,
// and a function started by a go statement end the search.
//
// In an HTTP handler (func(http.ResponseWriter, *http.Request)), a mutex released without
// defer while a hook of the program runs under it (a func value, or a method of an
// interface of the same repository) is left locked when the hook panics: net/http
// recovers the panic and serves the next request, which hangs on the mutex
// (hashicorp/vault#6920). So is a mutex released without defer across a panic(...) of
// a function whose panics the package recovers: the function itself, or one that calls
// it directly, defers a literal that calls recover (syncthing/syncthing#6556; a recover
// in a _test.go file does not count for the program's code). The fix defers the
// release, under the conditions of the first fix below; a mutex released mid-function
// is reported without a fix.
//
// It also reports, without a fix, a mutex held on every path to an operation that waits
// for another goroutine which locks the same mutex before it can end the wait: wg.Wait()
// while a goroutine counted by wg locks it on its way to wg.Done(), or one that wg.Go
// started locks it at all; g.Wait() of an errgroup.Group whose Go started such a
// goroutine (neilotoole/errgroup#6's shape); x.cond.Wait() while x.mu is held, where
// the cond's L is another mutex of x (every assignment of the field in the package says
// which: x.cond = sync.NewCond(&x.condMu)) and every Signal and Broadcast of that field
// locks x.mu first: Wait releases only L; a send on an
// unbuffered channel whose every receiver locks it on its way to the receive (the other
// case of its select, the handler of the previous message); a receive whose every sender
// or closer does (sensu/sensu-go#1264, viamrobotics/goutils#353). The same mutex in the
// other goroutine is a package-level variable, a variable the goroutine's literal
// captures, or the receiver of a method of the same type. Under RLock only the other
// side's Lock blocks. A send on a buffered channel blocks once the buffer is full, which
// is when it deadlocks (treeverse/lakeFS#1390); it is left alone when the function makes
// the channel and one run cannot fill it, or when the send is gated by a flag that its if
// statement checks and sets (one pending send at a time). Selects and channels that
// escape the package are left alone. Whether to release first, buffer or restructure is the maintainer's call:
// releasing early lets other callers in while the wait lasts.
//
// The fixes:
//
//   - When the function has one Lock of the mutex, as a statement of its body, and every
//     explicit release is directly followed by a return whose results call nothing (or
//     ends the body), no call is deferred after the Lock, and no release carries a
//     comment, the lock is held to the end of every path: the fix adds
//     `defer mu.Unlock()` after the Lock and removes the explicit releases.
//   - Otherwise (the mutex is released mid-function, e.g. before a callback that must
//     run unlocked, or a call is deferred after the Lock and would then run locked) the
//     fix inserts the release before each return, break, continue or goto that leaves
//     the mutex locked. The release then happens before the return's results are
//     evaluated, so this fix is offered only when they read nothing the mutex may guard:
//     constants, local variables not shared with function literals, package-level
//     variables never written after initialization, error values of the standard
//     library, and operators, conversions and standard library calls over those
//     (ctx.Err() of such a context too: it reads only the context). A
//     break or continue whose path reaches a return with the lock held gets its
//     release only when nothing runs between it and that return; otherwise the code on
//     the way runs with the lock held, and the finding is reported without a fix.
//   - A mismatched release gets the method that matches the lock, except in _test.go
//     files, where tests may provoke the fatal error on purpose (reported only).
//
// Every fix is checked by running the dataflow again on the fixed function: no exit may
// leave the mutex locked and no release may find it unlocked.
//
// Left alone (not reported): functions that take a lock and release it in another
// function (no path of the function releases it, or its main line returns with the lock
// held, or a caller in the package releases a mutex it did not lock, or a function it
// calls releases or keeps one), hand-over locking, empty critical sections, conditional
// locking (including TryLock), locks held across loop iterations, mutexes used in a
// function literal or go statement, passed elsewhere or used as a method value, mutex
// paths whose variable is reassigned or has its address taken, and any function where
// some release may find its mutex unlocked. When unlocking before the leaking exits does
// not balance the function, or the mutex's expression is not in scope there, the
// finding is reported without a fix.
package unlock
