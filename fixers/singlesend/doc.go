// Package singlesend defines an analyzer that finds goroutines blocked forever on the
// send of their one result.
//
// # Analyzer singlesend
//
// singlesend: goroutine blocked forever sending its result on an unbuffered channel
//
// A function makes an unbuffered channel, starts a goroutine that sends its one result on
// it, and then may return without receiving: a timeout or ctx.Done() case of a select wins,
// or an early error return is taken. Nobody will ever receive, so the goroutine blocks on
// its send forever, together with everything it references. This is the most common
// goroutine leak in real Go code (Tu et al., ASPLOS'19; GFix, ASPLOS'21):
//
//	errc := make(chan error)
//	go func() { errc <- work() }()
//	select {
//	case err := <-errc:
//		return err
//	case <-time.After(timeout):
//		return errTimeout // the goroutine leaks
//	}
//
// The analyzer follows the function's control flow (the shared model's control-flow
// graph) from the make to every return, counting the sending goroutines started and the
// receives done on the way, and reports the channel when some return is reachable with a
// started goroutine whose value was not received. Paths that end in a call that does not
// return (panic, os.Exit, log.Fatal, a testing FailNow/Fatal/Skip, or a function of the
// package that always ends in one of these) are not returns, and neither are dead
// branches (if false { return }, a constant false debug). Loops with a constant trip
// count are followed iteration by iteration, and a fan-out loop of go statements
// followed by a fan-in loop that receives
// once per iteration, with the same trip count (the same bound, or the same slice or map)
// and no early exit from either, is known to receive every value (a select there may
// have other cases that end in a call that does not return, such as t.Fatal on a
// timeout). So is a fan-out loop whose go statements a counter counts (n++ next to the
// go statement: the loop may skip items) followed by for n > 0 { <-ch; n-- }, when
// nothing returns or jumps in between and nothing else writes n (gocql's SetHosts). A path also knows the
// values of the function's boolean flags (model.Flags: locals that only constants
// assign), so a `for !done` loop whose only `done = true` follows the receive ends only
// after it.
//
// The fix makes the channel buffered, as the upstream fixes in Kubernetes, Moby and gRPC
// did: make(chan T) becomes make(chan T, N), where N is the number of sending goroutines,
// so that no send can ever block. The fix is offered only when all of these hold:
//
//   - the channel is made by make(chan T) or make(chan T, 0) in this function and is
//     assigned once, to a local variable;
//   - it does not escape: outside the goroutines it is only received from (not sent on,
//     closed, ranged over, passed, stored, returned, reassigned, or asked its len or cap;
//     but see below for a function that receives it and for a returned channel);
//   - each sending goroutine is a function literal started by a go statement of this
//     function that is not in a loop (but see below); the literal may receive the
//     channel by capture or as an argument, uses it only to send, and after its send
//     (at most one on every path)
//     does nothing but return, apart from deferred calls (a `defer close(ch)` is allowed
//     when there is a single sender).
//
// A goroutine that also writes variables of the function (its named results, or locals
// the function uses where it may have returned without receiving) would still race with
// the function after the buffer stops the leak: the caller reads the results, or the
// function reads the local, while the goroutine writes it. The fix then carries the
// values through the channel instead: a small result type declared before the make, the
// goroutine fills a variable of its own and sends it, and each receive copies the values
// back. It does so only when the goroutine only assigns the variables (with =, not in a
// nested function) and assigns all of them before every send, it is the only sender and
// captures the channel, and every receive is a statement (<-ch, x := <-ch, x = <-ch, or a
// select case of these); otherwise the leak is reported without a fix, saying why.
//
// A goroutine started in a loop is fixed with a slot per iteration when the shared model
// bounds the channel's sends by the loop's trip count (model.Chans.SendBound): the one
// sender is started once per iteration of one loop, for i := 0; i < n; i++, for range n
// or a range over a slice or array x, that does not contain the make, with n or x a local
// variable or parameter the function never assigns and in scope at the make: make(chan
// T) becomes make(chan T, n) or make(chan T, len(x)) (the hedged request whose first reply
// wins, the fan-out that returns at its first error).
//
// Two ways out of the function are followed, as they keep every receiver in view:
//
//   - The channel passed to a function of the package whose only uses of that parameter
//     are receives in its own body (not stored, passed on, sent on, closed, ranged over,
//     or used by a function literal; prebid/prebid-server#3911's collectHookResponses):
//     the call is where the values are received. The dataflow runs through the callee's
//     graph from its entry, with the sends pending at the call, and goes on after the
//     call with the most still pending where the callee returns. A fan-out loop followed
//     by a call whose callee receives once per iteration of a loop running as many times
//     (its bound is a parameter, and the argument is the fan-out's bound: collect(ch,
//     len(items))), neither loop left early, receives every value. The fix buffers the
//     channel where it is made; a goroutine started in a loop gets a slot per iteration
//     when it sends at most once, on every path, and its loop runs n or len(x) times, with
//     n or x a local variable or parameter (or a field of a local struct value, on which
//     no method with a pointer receiver is called) that the function never changes and
//     in scope at the make.
//   - The channel returned by the declared function that makes it (uber/ringpop-go#63's
//     MakeCall): every reference to that function must be a call whose result is
//     received at once (<-f(), as the case of a select) or assigned to a local variable
//     that the caller only receives from, and the dataflow runs through each caller from
//     the call on, with the sends pending where the maker returns the channel. A caller
//     that can return without receiving is reported at the make. The fix (a buffer of one
//     per sending goroutine, none started in a loop) is offered only when every caller is
//     in view: the function is not exported, and, for a method, no interface of the
//     package has a method of its name (an unexported method is called through no other).
//
// Receivers that wait for every value are unchanged by the buffer, which only frees the
// senders of the receivers that leave first.
//
// When the channel does not escape and a return without receiving is possible but the
// shape is not one of these (other goroutines started in a loop, a goroutine that sends
// more than once or keeps working after its send, a send from a nested function, a close
// elsewhere, a carry when another function receives) the leak is reported without a fix.
// A channel that escapes otherwise, or is sent on only inside select statements (the
// goroutine can give up), is not reported: its receiver may be elsewhere.
package singlesend
