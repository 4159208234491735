// Package testfatal defines an analyzer that finds calls of t.Fatal, t.Fatalf and
// t.FailNow in goroutines that a test starts, and fixes them.
//
// # Analyzer testfatal
//
// testfatal: t.Fatal, t.Fatalf or t.FailNow called from a goroutine the test started
//
// FailNow, and Fatal and Fatalf which call it, must be called from the goroutine running
// the test or benchmark function (testing's documentation): it marks the test failed and
// calls runtime.Goexit, which ends the goroutine it runs in. Called from a goroutine the
// test started, it ends that goroutine only; the test goes on as if nothing stopped, and
// may block on what the goroutine no longer sends, or return while the goroutine's
// failure is logged after the test completed (staticcheck's SA2002; syncthing#5903,
// bytedance/sonic#505).
//
// The analyzer reports such a call when it is a statement of a function literal that a
// go statement, (*sync.WaitGroup).Go or (*errgroup.Group).Go starts, and the T, B, F or
// TB it is called on is declared outside the literal. It fixes it as those projects did:
// t.Fatal(args) becomes t.Error(args) followed by return (Fatalf → Errorf, FailNow →
// Fail), which fails the test and ends the goroutine the same way, deferred calls
// included. It reports without a fix a call that is not the last statement of its block
// (a return there would make the rest unreachable, which go vet reports), one in a
// literal with results (errgroup's func() error: what it should return is the test's
// choice), one in a function literal nested in the goroutine (a return would only leave
// that literal), and Skip, Skipf and SkipNow, which have no counterpart that does not
// end the goroutine. A call in a literal nested in the goroutine is followed only when
// that literal is called where it stands or handed to a call; one the goroutine stores
// (in a map, a field, a variable) may be run by the test's own goroutine, and is not
// reported.
//
// testify's require functions call t.FailNow when their assertion fails (testifylint's
// go-require): in such a goroutine, require.X(t, ...) is reported as well, and fixed with
// the same assertion from assert, which only marks the test failed and says whether it
// held: if !assert.X(t, ...) { return }, or assert.X(t, ...) alone as the goroutine's last
// statement. The fix is made where the package already imports assert (a new dependency
// could not be checked), and with the same refusals as above.
package testfatal
