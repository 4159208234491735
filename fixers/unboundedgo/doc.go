// Package unboundedgo defines an analyzer that finds goroutines started once per item of
// an input whose size the code does not control, with nothing to limit how many run at
// once.
//
// # Analyzer unboundedgo
//
// unboundedgo: goroutine per input item with no concurrency limit (loops with -loops), or beside a limit it ignores
//
// A loop that starts a goroutine for every connection it accepts, every message it
// receives from a stream or every value it receives from a channel starts as many
// goroutines as its peers send: a burst or a flood exhausts memory, file descriptors or
// the service it calls. The analyzer reports a go statement, a (*errgroup.Group).Go call
// or a (*sync.WaitGroup).Go call in the body of
//
//   - a range loop over a channel;
//   - a loop without condition whose iteration gets the goroutine's item (an argument of
//     the go statement, or a variable the goroutine captures) by receiving from a
//     channel (also in a select case), or from a call of a function or method the package
//     does not declare (another package's, an interface method, a function value) whose
//     results are an item and an error: l.Accept(), stream.Recv(), conn.ReadRequest();
//   - a loop over (*bufio.Scanner).Scan;
//
// unless the loop body takes a token before the start (a send, a receive whose value is
// dropped, Wait or Acquire of a sync, golang.org/x/sync/semaphore or errgroup type), the
// goroutine gives back a token it took from the input channel, or the goroutine limits
// itself (see below). These loops are reported only with -unboundedgo.loops: on real
// code a goroutine per connection or per message is nearly always the design (net/http
// serves each connection so), and none of the 14 such findings on 22 real modules was
// worth acting on.
//
// A fan-out over a collection (a range over a slice, map or iterator function, or a
// three-clause loop bounded by len(x)) is the caller's choice of size and is not reported,
// except when a documented limit is in scope and the function ignores it: a parameter of
// the function (or of one that contains it), a field of the receiver or a field of a
// struct parameter, of integer type, named for concurrency (MaxParallel, Concurrency,
// Workers, MaxInFlight; Limit as a parameter or a field of the receiver), that the
// outermost function never refers to and that the package does not count with (x++,
// x += n, atomic.AddInt64(&x, n): a count of what runs, such as an apiInflight, is not a
// limit). Collections known to be small (a composite literal,
// or a variable only ever assigned composite literals) are never reported.
//
// Something limits the concurrency, and nothing is reported, when:
//
//   - the input is a method call on a parameter of an exported function: a Serve(lis
//     net.Listener) accepts on the caller's listener, which the caller limits
//     (netutil.LimitListener) as it chooses; or on a variable or field that only ever
//     holds what netutil.LimitListener returns ("accepts at most n simultaneous
//     connections");
//   - for a fan-out, the loop body (outside function literals) does a channel send or
//     receive (a semaphore acquire, a hand-off to a consumer), or calls Wait or Acquire
//     of a sync, semaphore or errgroup type;
//   - the goroutine sends on and receives from the same channel (acquire and release of
//     a semaphore channel), or calls semaphore Acquire, itself or in a function of the
//     package it calls;
//   - the goroutine is a worker that ranges over, or loops receiving from, a channel;
//   - for an input, the goroutine (a literal) starts by waiting on a channel that the
//     loop body makes and closes: it ends with its iteration (the stopper of a watch
//     loop);
//   - for errgroup.Group.Go, the group is a local variable with a SetLimit call (a group
//     that is not local is not reported: its limit may be set elsewhere).
//
// A fan-out over a collection that another bound throttles (a semaphore of 4, a package
// default) while the declared limit in scope is read by nothing, neither the function
// nor, for an unexported field, any code of the package (a parameter the function never
// uses, a field only a setter writes), is reported all the same: that knob was meant to
// be the bound, and every caller tuning it is silently ignored (sethvargo/ratchet#21,
// boyter/gocodewalker#26).
//
// _test.go files and generated files are not checked. There is no automatic fix:
// choosing a limit is a design decision (errgroup.Group.SetLimit, a semaphore channel, a
// worker pool, netutil.LimitListener).
package unboundedgo
