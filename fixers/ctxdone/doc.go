// Package ctxdone defines an analyzer that finds goroutine loops and sends that
// cannot return when their context is done, and makes them select on ctx.Done().
//
// # Analyzer ctxdone
//
// ctxdone: channel operations that cannot return when ctx is done
//
// Every goroutine needs a known exit path. A goroutine that blocks on a channel
// operation with no way out leaks when nobody is left on the other end: the caller
// cancelled its context and went away, but the producer still waits to send. The
// analyzer reports, in goroutines (function literals started by a go statement and
// functions of the package started by one) and in functions with a context.Context in
// scope:
//
//   - a loop that never ends (for { ... } or for true { ... }, with no return, no break
//     or continue out of it and no goto, dead code aside: a return under if false or a
//     constant false debug, or after a call that does not return, is no way out) and
//     blocks on channel operations: each blocking
//     send and receive is wrapped in select { case <op>: case <-ctx.Done(): return ... },
//     and each select without a default case gains a case <-ctx.Done(): return ...;
//   - a blocking send in a function with a context.Context parameter (also inside
//     for v := range src and outside loops), and in a loop of a goroutine (a function
//     literal or a function or method of the package started with go) that has a context
//     or a stop channel in scope: the same select;
//   - a blocking send outside loops of a goroutine literal that captures exactly one
//     context of the function starting it, when nothing but deferred calls runs after
//     the send, the starting function waits for the goroutine (or the goroutine already
//     uses the context: its work lives by it, and the send is not a delivery meant to
//     outlive the call), and the channel is not made by the starting function (a
//     channel made there and sent on once is singlesend's, which makes it buffered):
//     the same select (rhosocial/go-dag#10);
//   - in any function, an unlabelled break that ends the body of a select case receiving
//     from a channel that stays ready once closed, when the select is in a for or range
//     loop of the same function that nothing leaves for elsewhere than the statement
//     after it (no return, no goto, no break or continue of an outer statement; the
//     loop's own breaks go where the fix goes): the break leaves only the select, so
//     after the close every iteration takes the case again and the loop spins
//     (staticcheck's SA4011; DataDog/datadog-agent#47044, gocraft/health#8). The
//     channel is x.Done() of a value whose type implements context.Context (or a
//     variable holding such a channel), or a channel of the package that is closed (by
//     another function, or in the loop) and never sent on, whose variable the loop does
//     not set (s.stop = nil disables the case, ctx = fresh resets it); a case that
//     receives v, ok := <-ch is left alone. The fix labels the loop (or reuses its
//     label; a new label is loop, or loop2... when the function has one by that name)
//     and writes break Label: execution goes on after the loop, which is what the break
//     was written for.
//
// Abandoned producers: a goroutine literal, started once outside loops by a function
// F, sends in a loop, blocking (not in a select), on a local channel ch that F makes
// with ch := make(...) outside loops; the goroutine is ch's only sender, ch is not a
// chan struct{} (a signal, of which the receiver may want only the first), is not set
// again, and every other use of it is one receive loop of F, outside F's loops: a
// range over ch, or a for { } whose receives from ch (statements, assignments, select
// cases) are all inside it. ch is not stored, returned, passed to a call or captured by
// another literal, so once F has left that loop nothing receives from it any more. F
// can leave it before ch is closed: a return, a goto, a break of the loop or of a
// statement around it, a continue of an outer loop, in live code; a way out under
// if !ok, where v, ok := <-ch set ok, follows the close and does not count, and with
// single-valued receives the goroutine must not close ch (a zero value may be how F sees
// the close). Then the goroutine blocks on its next send forever (the pipelines leak of
// the Go blog; seqsense/s3sync#248, topfreegames/pitaya#315). Left alone: a capacity
// that the model proves covers the sends (as above), a goroutine whose send is its last
// statement or followed by a return (a sentinel, or the value that makes F leave, may
// end the stream), a value sent that carries an error, a drain after the way out (any
// other receive of ch), and sends that the rules above already report (a context or a
// stop channel in scope). The finding reads "the goroutine blocks forever on ch <- v once
// F returns early: F stops receiving from ch at the return on line N, and nothing else
// receives from it". The fix makes done := make(chan struct{}) and defer close(done)
// right after the make of ch (done2... when F spells done) and turns the send into
// select { case ch <- v: case <-done: return }: done is closed only when F returns, when
// nothing can receive from ch any more. The safety rules below apply, except that the
// early return may skip the close of ch itself (its one receiver has left), and F's own
// receives are not peers that would block. Handing ch to a call the model cannot see
// into (a func-typed field or parameter, an interface method, a function of another
// package: envoyproxy/go-control-plane#370) is not reported by this rule: whether that
// consumer stops before ch is closed is not visible, and real code gave nothing to
// measure such a rule on. The stop-flag rule below reports that case when the spawner
// says, by a flag, that the goroutine must end when it returns.
//
// Stop flags checked between sends: a goroutine literal G, started once outside loops
// by a function F, sends in a loop, blocking (not in a select), on a channel ch that F
// makes with ch := make(...) outside loops; G is ch's only sender (and closer), ch is not
// set again, and F's only other uses of ch are arguments of synchronous calls (no go
// statement, no other literal, no field, variable, return or send): a func value, an
// interface method, a function of another package, or a function of the package whose
// parameter is used only to receive, in one receive loop that it can leave before ch is
// closed (as above). The loop of G around the send has an if whose condition reads a stop
// flag (atomic.LoadInt32(&x) != 0 or == 1, and LoadInt64, LoadUint32, LoadUint64;
// x.Load() of an atomic.Bool, x.Load() != 0 or == 1 of an atomic.Int32, Int64, Uint32,
// Uint64; either side of ||) and whose body returns; x is a local variable of F or a
// field, and F sets it to a non-zero constant (atomic.StoreInt32(&x, 1), x.Store(true))
// on its way out: in a deferred call, a statement of a deferred literal, or a statement
// of its body outside loops and literals after the go statement. The flag says that G
// must end when F returns, but G reads it only between sends: once F has returned,
// nothing receives from ch, and G blocks on the send without seeing the flag
// (envoyproxy/go-control-plane#370, found by gRPC-Go's leak checker). The finding reads
// "the goroutine checks x, which F sets when it returns, only between sends: once F has
// returned, nothing receives from ch and it blocks on ch <- v forever (select on a done
// channel that F closes instead)", without a fix: the consumer is code that cannot be
// seen, or, when it is the package's, the rule only reports. Left alone: a capacity that
// the model proves covers the sends, a flag set only inside a loop, only by another
// function, to zero, or before the go statement, a flag read whose if does not return,
// a channel stored or started with go, a consumer of the package that drains until the
// close or passes the channel on, and sends the rules above report.
//
// The same flag can be the stop signal of a type: a goroutine G, a function or method of
// the package started by a go statement (go r.run()) or a literal, whose loop has an if
// that reads the flag as above (a field, or a local variable of its spawner) and
// returns, where the flag is a field that an end-of-life method of its type sets to a
// non-zero constant, itself or in a method it calls (Close, Stop, Shutdown, Cancel, Quit,
// Terminate, or a name that starts with one; or, for a literal, its spawner on its way
// out, as above). Inside that loop, before it reads the flag again, G makes a blocking
// send (not in a select) in its own body or in a function of the package that the loop
// calls statically (two levels at most), on an unbuffered channel held in a field that
// the end-of-life method (with its literals and the functions it calls, two levels)
// never refers to, that nothing of the package receives from but its tests (the
// receiver is out of view), and that the model does not prove has room. The flag cannot
// reach the blocked send, and nothing the end-of-life method does unblocks it
// (moby/moby#51301: the ring logger's run blocked in the wrapped logger's Log on
// l.c <- msg after Close). The finding, at the call in G's loop (or at the send),
// reads "run returns when r.closed is set, which Close does, but it blocks in
// channelLogger.Log on l.c <- msg, where the flag cannot reach it: nothing Close does
// unblocks that send", without a fix: the send is in another function, whose other
// callers a done channel would change, or its receiver is out of view. Left alone: an
// end-of-life method that closes, sends on or passes on the send's channel (or one of
// its class), a callee whose send is in a select, a flag set only by another method
// (Pause) or to zero, a flag read whose if does not return, a buffered channel, a local
// channel (a consumer in view is stopflag's), and a channel that the goroutine or any
// other code of the package receives from.
//
// Goroutines with no context in scope use a stop channel instead when exactly one is in
// scope: a chan struct{} parameter, captured variable or field of the receiver that is
// closed somewhere in the package and never sent on, and never assigned but while its
// value is built (x := &T{...}; x.stop = make(...) before x is used otherwise) or, when
// the goroutine already refers to it, by the method that then starts the goroutine.
//
// With neither, a goroutine uses a context held in a field of the receiver (the etcd3
// watcher's wc.ctx, kubernetes/kubernetes#25331) when exactly one qualifies: an
// unexported context.Context field whose methods the goroutine already calls (or that
// it passes on), that some value other than context.Background() sets, and whose every
// write is in a composite literal, or an assignment while its value is built, or one by
// a method of the receiver that then starts the goroutine: it is set before the
// goroutine can read it, so the new reads race with no write. Such a field is preferred
// to a captured context the goroutine does not use. Findings on these field contexts
// and one-shot sends are reported only with their fix.
//
// The return statement is bare in functions without results; with results the last
// result must be an error and receives ctx.Err(), the others their current value when
// named, their zero value otherwise. Functions whose results are discarded (goroutine
// literals, functions only started with go) return zero values.
//
// Breaks left alone: a break in an if of the case (it may skip the rest of the case on
// purpose, and not every path through the case reaches it), in a case on a ticker or
// any channel that is sent on, in a select outside loops, in a loop that has an exit to
// elsewhere (if ctx.Err() != nil { return } at its top ends it: the label would bypass
// that exit), or in a loop whose condition reads what the case sets or the case's
// context or channel (for !complete { ... complete = true; break }, for ctx.Err() ==
// nil: the condition ends the loop, and the break is only redundant).
//
// Left alone: loops with an exit, loops that already receive from a Done channel or a
// stop channel, select statements with a default case, for v := range ch loops without
// blocking sends (closing is the sender's job), one-shot sends (outside loops) on
// channels made buffered, other one-shot sends of goroutines without a context
// parameter, sends that cannot block because the channel's capacity covers
// every send that can be made on it (the shared model's proof: a goroutine that sends its
// first error and returns, on a channel of capacity one; a fan-out of one goroutine per
// item, each sending once, on a channel of capacity len(items); a local channel of
// constant capacity sent on only in its function, a bounded number of times, or filled
// right after its make, like a semaphore's prefill; a send whose one sender checks that
// the buffer has room, as for m := range in { ch <- m; if len(ch) == N { return } } on a
// channel of capacity N, or sends at most cap(ch) - len(ch) more, counting them, after the
// function that made it stopped sending; a goroutine's sends, at most the capacity, when
// the other senders start only after a receive from a channel that it alone sends on
// once it is done sending; a channel that only the run of the function making it can
// send on, which it returns or hands on receive-only, with at most capacity sends per
// run, like etcd's Watch sending once on closeCh before it returns it), semaphore acquires (a buffered
// channel whose receives are all in goroutines started by the sending function), and
// operations where the context is known to be done (right after <-ctx.Done(), in the body
// of case <-ctx.Done():, where ctx.Err() != nil holds, after for ctx.Err() == nil { ... }):
// a case <-ctx.Done() there would be ready at once, and the select would choose between
// it and the operation at random.
//
// When the function already has a select case on the same Done or stop channel that
// only returns, the fix returns the same values.
//
// The finding is reported without a fix when the fix could change more than the leak:
//
//   - more than one context (or stop channel) is in scope, or a goroutine's captured
//     context is not used by it while a stop channel is also in scope;
//   - no correct return can be written (a last result that is not an error, a stop
//     channel in a function whose error result is used, a zero value that cannot be
//     named);
//   - the operation is not a statement that can be wrapped (a receive inside an
//     expression, in an if or for header, a range over a channel inside the loop);
//   - for an ineffective break: the loop ranges over a channel or receives from one
//     outside select statements (leaving it would stop draining the channel, and its
//     senders could block: kubernetes/kubernetes#141243), or ranges over an iterator
//     function, or the select is inside a switch or another select of the loop (the
//     break may be meant to leave that);
//   - the function already has a select case on the same Done or stop channel, or on a
//     variable holding that Done channel (`ctxCh := ctx.Done()`), that does more than
//     return (cleanup the fix would skip, or a drain that must finish: franz-go's fetch
//     manager marks itself quitting and keeps serving its sources);
//   - the value sent has a Close method: abandoning the send would leak it;
//   - returning early would skip a close, an Unlock, RUnlock or WaitGroup.Done without
//     its matching Lock or Add, an atomic update, or a function of the package that does
//     one of these; or, after the loop (its clean-up rather than its iterations' work),
//     an increment or decrement of shared state (f.active--) or a function value called
//     for its effect (onDone(), which may be a WaitGroup's Done);
//   - a channel operation of the package on the same channel (found by following
//     assignments, calls and returns) waits unconditionally for the operation that would
//     no longer happen, e.g. a counted loop receiving one result per worker: after the
//     fix it would block forever. Operations in a select with a default, a Done, a stop
//     or a timer case, range loops (for sends) and operations the fix also wraps are fine.
//     Operations in _test.go files are not taken into account for code outside them.
package ctxdone
