// Package closerecv defines an analyzer that finds channels closed by their receiver.
//
// # Analyzer closerecv
//
// closerecv: channel closed by a function that only receives from it
//
// Only the sender should close a channel: a send on a closed channel panics, and the
// receiver cannot know whether a sender is about to send. The analyzer reports close(ch)
// in a function (or function literal) that receives from ch and never sends on it, while
// code elsewhere in the package (another function, or a goroutine started here) sends on
// the same channel: the same variable, or the same struct field. A send on a parameter
// counts as a send on the argument of each call or go statement of the package that
// passes the channel (go pingPeer(ctx, p, resCh), or c.report(results, r) in a goroutine:
// charon's testpeers, vault's reportResults), followed through at most four calls; a
// parameter its function assigns is not followed.
//
// It also reports close(ch) by a function that neither sends on ch nor receives from it,
// in a loop that starts, directly or through calls of the package's functions, goroutine
// literals that send on ch and synchronise with nothing else (no other channel operation
// but the receives of the send's select, no defer, no lock, nothing of sync or
// sync/atomic, only calls of functions of the package that do none of these): a
// goroutine started by an earlier iteration may still be about to send (go-floodsub's
// processLoop closed a cancelled subscription's channel while publishMessage's
// goroutines sent on it). The exceptions below apply to it too.
//
// It does not report a function that waits for the senders first (it calls Wait of a
// sync.WaitGroup or an errgroup.Group, itself or in a goroutine it starts and waits on:
// the usual "wait, then close, then drain"), or receives, in a statement of the close's
// block before it, from the done channel that each sending goroutine (started once)
// closes with a deferred close and nothing else sends on or closes; a close that
// directly follows a receive of
// the only send there is (outside loops: that sender is done), or that follows, in the
// same block or one inside it, a receive on every path when the only send is in a
// goroutine started once; a token channel, where every function that sends on it first received from
// it (whoever holds the token is the only possible sender); a close made under a mutex
// and a closed flag (the function sets a boolean variable or field to true and tests it,
// and holds the mutex at the close) when every sender holds a mutex of the same field
// and tests that flag (net/http's wantConn; senders in _test.go files do not count for a
// close outside them); a close in a function literal, such as one
// run by sync.Once.Do; a channel whose every sender defers a recover (the panic of a
// send after the close is expected and handled); a close on the paths where the
// goroutine that sends is not started; a close in the Close, Stop or Shutdown method of
// the type whose field the channel is, when its senders are methods of that type (a send
// after Close breaks the type's contract), or in a select case of a method of that type
// that receives from another of its fields on which only its end-of-life methods send or
// that only they close (the actor loop that closes its queue when Close asks it to stop:
// prometheus's tsdb/wlog); a close after the registration of the callback that sends has
// ended (sub, err := nc.Subscribe(subj, func(m *Msg) { ch <- m }); ...; sub.Unsubscribe();
// close(ch), or db.Close() of a db opened with a sending listener, or s.Shutdown() of a
// scheduler given the callback through the arguments of its method:
// s.NewJob(d, NewTask(func() { ch <- x }))); a close after the closer deletes, under a
// mutex, the map entry that every sender looks up under the same mutex before it sends
// (if _, ok := replies[subj]; ok { ch <- v }: a sender after the delete finds no entry;
// nats-server's account fetch); a close after its function has received, in a counted
// loop, as many values as can ever be sent (the model's ReceivedAll: for i := 0; i <
// cap(done); i++ { <-done } after the goroutines that each send once; a deferred close
// only when no call between the defer and the loop's end may stop the function); a close
// by whoever releases the last count of a reference count that every sender releases
// after its send (if atomic.AddInt64(&left, -1) == 0 { close(ch) }, with counts taken
// by positive Adds, each send outside loops and followed in its function by a release:
// gocql's Session.init); nor a
// channel whose
// senders it cannot see (a
// parameter whose senders are in the callers). A send on a parameter is exempt when the
// function that sends on the parameter, or one that passes the channel on its way, holds
// the guard, the recover or the token. The channel operations come from the shared model
// (fixers/internal/model), compared by the variable or field they name.
// There is no automatic fix: moving the close to the sender side needs a design decision
// (a done channel, a sync.Once, a WaitGroup).
package closerecv
