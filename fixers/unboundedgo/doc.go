// Package unboundedgo defines an analyzer that finds goroutines started once per element
// of an input of unknown size, with nothing to limit how many run at once.
//
// # Analyzer unboundedgo
//
// unboundedgo: goroutine per input element with no concurrency limit
//
// A loop that starts a goroutine for every element of a slice, map or channel it was
// handed (a parameter, a field, the result of a call) starts as many goroutines as the
// input has elements: a large input exhausts memory, file descriptors or the service it
// calls. The analyzer reports a go statement, a (*errgroup.Group).Go call or a
// (*sync.WaitGroup).Go call in the body of
//
//   - a range loop over a slice, map, channel or iterator function, or
//   - a three-clause for loop bounded by len(x),
//
// unless the input is known to be small (a composite literal, or a variable only ever
// assigned composite literals) or something limits the concurrency:
//
//   - the loop body (outside function literals) does a channel send or receive (a
//     semaphore acquire, a hand-off to a consumer), or calls Wait or Acquire of a
//     sync, golang.org/x/sync/semaphore or errgroup type;
//   - the goroutine sends on and receives from the same channel (acquire and release of
//     a semaphore channel), or calls semaphore Acquire;
//   - the goroutine is a worker that ranges over, or loops receiving from, a channel;
//   - for errgroup.Group.Go, the group is a local variable with a SetLimit call (a group
//     that is not local is not reported: its limit may be set elsewhere).
//
// Loops with no condition (accept loops, for { ... }) and integer loops (worker counts)
// are not reported, nor are _test.go files (table-driven tests start one goroutine per
// case of a fixed table) and generated files. There is no automatic fix: choosing a limit
// is a design decision (errgroup.Group.SetLimit, a semaphore channel, a worker pool).
package unboundedgo
