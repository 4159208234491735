// Package recvclosed defines an analyzer that finds loops that receive from a channel
// that gets closed, with nothing to end them, and fixes them.
//
// # Analyzer recvclosed
//
// recvclosed: receive in an endless loop from a channel that is closed, ignoring the close
//
// A receive from a closed channel never blocks: it yields the element type's zero value
// at once, forever. A loop that receives v := <-ch and has no other way out (no
// condition, no return, no break of it, no call that ends the goroutine) turns, once
// ch is closed, into a busy loop that handles zero values at full speed and never ends:
// a spinning goroutine that nothing can stop (tendermint #4761, gofinance/ib #21,
// protoconf #35).
//
//	go func() {
//		for {
//			msg := <-msgs // once msgs is closed: msg is "" forever
//			handle(msg)
//		}
//	}()
//
// The analyzer reports a receive that is a statement of its own in the body of such a
// loop (v := <-ch, v = <-ch, v, _ := <-ch, <-ch, or a receive in the expression of
// such a statement, such as handle(<-ch) or out <- <-in), on a channel that the shared
// model knows to be closed somewhere in the package: a close of the same variable or
// field, or of a channel linked to it by assignments, calls of the package's functions
// (a receive-only parameter whose caller closes what it passes) or returns; a close that
// can only run once the loop has ended (deferred by the loop's function, or after the
// loop in it) does not count. The channels of ctx.Done() are not reported.
//
// Look-alikes that are left alone: loops with a condition or a bound (they read a fixed
// number of values), loops that exit on a sentinel value (any return, break or goto out
// of the loop, or a call that does not return), receives with ok (v, ok := <-ch),
// range loops, receives in a select (a select with other cases may have other exits,
// and which cases to keep once a channel is closed is a design decision), receives
// nested in an if or switch, and channels that are never closed in the package.
//
// The fix, in a function without results:
//
//   - for { v := <-ch; ... } becomes for v := range ch { ... } when the receive is
//     the loop's first statement, the loop has no init or post statement, ch is a
//     variable the function never assigns, the code after the loop is the end of the
//     function (so that leaving the loop returns, as the other fix does), and, before
//     Go 1.22, v is not captured by a function literal (a range variable was shared by
//     the iterations);
//   - otherwise v := <-ch becomes v, ok := <-ch followed by if !ok { return }, and
//     <-ch becomes if _, ok := <-ch; !ok { return }; a receive inside a statement
//     (handle(<-ch), out <- <-in, last = <-ch) moves to a statement of its own before
//     it, v, ok := <-ch with the same check, when nothing the statement evaluates
//     before the receive is a call or another receive (whose order would change).
//
// It is reported without a fix when the function has results (what it returns once
// the channel is closed is for its author to decide), when the statement calls
// something before the receive, when ok (or every name for the value: v, recv) is
// already used in the loop's body, or when the receive carries a comment that the fix
// would move.
package recvclosed
