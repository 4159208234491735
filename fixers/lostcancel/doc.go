// Package lostcancel defines an analyzer that finds cancel functions of derived contexts
// that are never called, and calls them.
//
// # Analyzer lostcancel
//
// lostcancel: cancel function of a derived context is not called on every path
//
// context.WithCancel, WithTimeout, WithDeadline, WithCancelCause, WithTimeoutCause,
// WithDeadlineCause and signal.NotifyContext return a context and the function that
// cancels it (the derivations of the shared model's Contexts). Until that
// function is called, the parent keeps a reference to the child, and a timer (for the
// timeout and deadline variants) keeps running: each call whose cancel function is lost
// leaks the context until its parent is cancelled, which for context.Background() is
// never. The analyzer reports the cancel function when it is
//
//   - discarded by assigning it to _;
//   - never called, including the case that go vet misses, where the variable is only
//     silenced with `_ = cancel`;
//   - not called on some path from the assignment to a return statement, or overwritten
//     before being called (a second assignment, or the next iteration of a loop);
//   - kept in an unexported field of a struct type of the package (t.cancel = cancel,
//     ctx, t.cancel = context.WithCancel(...), &T{cancel: cancel}) that no code of the
//     package reads or hands on (it only stores it, compares it with nil and calls it),
//     and that either nothing calls (the context lives as long as its parent), or that
//     only code away from the owner's end of life calls: the end-of-life method does not
//     release it, so the context of a healthy component lives on after it.
//
// The owner's end-of-life method is the first of Close, Stop and Shutdown in its method
// set; failing those, the Wait of a group in x/sync's errgroup sense, whose contract is
// that Wait cancels the context it derived: a function of the package returns the
// derived context together with the owner (func WithContext(ctx) (*Group,
// context.Context)), a method of the owner starts goroutines, and Wait calls a
// sync.WaitGroup's Wait. Resign is not one (etcd's concurrency.Election can Campaign
// again after it), nor is a Wait of any other type. A call of the field (or of the
// variable the derivation assigned it to before storing it) is away from the end of
// life when
//
//   - neither the end-of-life method nor what it calls or refers to in the package,
//     transitively (up to 200 functions), makes it, and the end-of-life method calls no
//     interface method of the name of the method that makes it;
//   - it runs under a condition (if, switch, loop, select case) that the end of life
//     cannot bring about: the condition does not receive from a channel or refer to a
//     field the end-of-life method refers to (but its mutexes, wait groups and onces),
//     directly, through the values of the local variables it names or through the
//     package's functions it calls (two levels); a select case receives from a timer, a
//     ticker, time.After, a context's Done or a field's channel that the method does not
//     refer to; a guard `if t.cancel != nil` is no condition. An unconditional call
//     releases the context whenever its function returns (a goroutine's defer
//     t.cancel(), which Close may end by closing its stop channel), unless the function
//     assigns the field again after it (a restart that replaces the context);
//   - it runs in a goroutine, or where its function is called (a literal called on the
//     spot, deferred, or run by a sync.Once's Do), and not in a callback (a literal
//     passed or stored, a method value), which may run at any time.
//
// Any other call, an owner without an end-of-life method, a NotifyContext's stop
// function, and a derivation whose parent context refers to a field of the owner or of
// a component (a value with a Close, Stop, Shutdown or Wait method), which may be the
// owner's own context that its end of life cancels (etcd's lessor derives each
// keepalive stream's context from l.stopCtx), leave the finding out; a field of an
// options or config value does not. The fix calls the
// field when the method returns, with `if t.cancel != nil { defer t.cancel() }` at its
// start, so that the method's own work still runs under the live context; in a group's
// Wait it calls it right after the top-level g.wg.Wait(), as x/sync does (`if g.cancel
// != nil { g.cancel(nil) }`; the first cause set wins). When nothing calls the field
// and the owner has no end-of-life method, the finding has no fix; nor has it when the
// field is assigned by a goroutine or by a function that takes a lock, since the
// release would read it without that lock; nor, but for a group's Wait, when another
// method of the owner that derives none of its contexts starts goroutines and refers to
// a context field of the owner: it may run again after the end of life (Start after
// Stop) under the context the release would have cancelled; nor when the method (or
// what it calls) closes or sends on a channel field without waiting itself, and a
// goroutine ranges over that channel or, having received from it, refers to a context in
// the rest of its block: it works on after the signal (a flusher draining its queue),
// and the release could cut that work short.
//
// Control flow is followed as in go vet's lostcancel, over the control-flow graph of the
// shared model (fixers/internal/model), whose no-return policy knows panic, os.Exit,
// log.Fatal*, runtime.Goexit, testing's FailNow/Fatal*/Skip* and the package's own
// functions that never return, without facts from other packages, so that the concfix
// command and go vet -vettool report the same paths (a helper of another package that
// never returns is not known to either); a constant false condition is a dead branch.
// Unlike go vet, a path ends well where the context of a context.With* call is known to be
// done (after <-ctx.Done(), in case <-ctx.Done():, where ctx.Err() != nil holds): a done
// context has already released its timer and left its parent. Nor does a path take the
// branch of `if _, ok := X.Deadline(); !ok` (or the else of `ok`) while X, a variable or
// a field path, still holds the context of a WithTimeout or WithDeadline call, which has
// a deadline: the default timeout derived there cannot overwrite that call's cancel
// (nothing assigns X or its prefix in between, nor, for a field or a variable whose
// address is taken, calls anything). A release function
// discarded with _ under a comment that speaks of it (a leak, the cancel, //nolint:govet;
// on its line or directly above) is deliberate, and not reported.
// Any reference to the variable other than `_ = cancel` or
// an assignment to it counts as a use, since a cancel function that is stored, returned or
// handed to another function is somebody else's to call. Returning from main.main ends the
// process, so main.main is not checked.
//
// The fix calls the cancel function when the function ends: it inserts `defer cancel()`
// (`defer cancel(nil)` for WithCancelCause, whose cancel function takes an error) directly
// after the assignment, naming a discarded `_` with a fresh name (cancel, or cancel2, ...
// when that is taken). A plain assignment `ctx, _ = ...` gets a `var cancel
// context.CancelFunc` declaration before it. Existing calls stay: calling cancel twice is
// harmless. A `_ = cancel` that only silenced the compiler is removed when it follows the
// assignment in the same statement list and carries no comment. Inside a loop, a defer
// would pile up until the function returns, so the fix instead calls `cancel()` at the end
// of the block that contains the assignment, once per iteration.
//
// The diagnostic is reported without a fix (and a related note says why) when
//
//   - the context, or a value derived from it, escapes: it is returned, stored in a field,
//     a global, a variable of an enclosing function, a map, a slice or a pointer, sent on a
//     channel, used by a go statement, or captured by a function literal that is not
//     simply called (for example one that is passed to another function, whose caller
//     may run it later). Values are followed through assignments to local variables,
//     whatever their type, as long as the type can hold a context. Passing the context
//     itself as an argument is not an escape: by convention, functions do not retain the
//     context they are given;
//   - the cancel function is used in any way other than calling it, comparing it with nil
//     or `_ = cancel` (it is then somebody else's too);
//   - in a loop, control can leave the block after the assignment by return, break,
//     continue, goto or fallthrough, a variable holding the context is declared outside
//     the block, or a deferred call uses the context;
//   - the assignment is the init statement of an if, switch or for statement, or some
//     other position that has no statement list to add to.
//
// The stop function of signal.NotifyContext is checked like a cancel function, and
// reported without a fix: stopping the notification restores the signals' default
// behaviour (a later SIGINT ends the process instead of being caught), which code may
// rely on either way. A
// function literal that calls cancel and is assigned to a local variable that the
// function only ever calls (cleanup := func() { cancel(); ... }; ...; cleanup()) is not a
// use where it is written: each call of the variable is, so a cancel called only by a
// clean-up closure on the error paths is reported, and fixed like the others. Nor is a
// deferred literal that holds every reference to cancel and calls it only under `if err
// != nil`, for a named error result err, a release of the returns that may succeed (that
// return nil, or an error variable not known to be non-nil there): those are reported.
//
// A cancel variable declared by an enclosing function and only assigned in a function
// literal is reported (without a fix) only when the enclosing function never uses it.
package lostcancel
