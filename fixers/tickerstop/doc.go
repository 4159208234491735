// Package tickerstop defines an analyzer that finds tickers and timers that are never
// stopped, in code built with a Go version whose runtime does not collect them, and
// ranges over a ticker's channel that a Stop elsewhere cannot end.
//
// # Analyzer tickerstop
//
// tickerstop: ticker or timer never stopped before Go 1.23, or stopped under a range over it
//
// Before Go 1.23 the runtime keeps an unstopped time.Ticker alive forever, ticking, even
// when nothing refers to it any more, and keeps an unstopped time.Timer until it fires.
// A function that creates a ticker with time.NewTicker (or a long timer with
// time.NewTimer) and returns without calling Stop therefore leaks it, and time.Tick in a
// function that returns, or time.After in the select of a loop, leaks one timer per call.
// Since Go 1.23 unreferenced timers and tickers are garbage collected, stopped or not
// (when the main module declares go 1.23 or later), so the analyzer reports nothing in
// files whose Go version (from go.mod or a //go:build line) is go1.23 or later, nor in
// files without a version (GOPATH mode, the standard library), which are compiled with
// the toolchain's own version.
//
// The fix inserts `defer t.Stop()` right after `t := time.NewTicker(d)` (or NewTimer).
// It is offered when t is a local variable assigned once, by that statement, in a
// statement list outside any loop of the function, and the ticker does not escape: t is
// only used to receive from t.C, to Reset it or to Stop it, and not inside a function
// literal. A ticker that the function stops on some ways out but not on every return (a
// Stop in the quit case of its select, none in the ctx.Done() case) is reported too, and
// gets the same fix; the Stops it has stay, since Stop may be called twice, and on these
// paths a timer that has fired (a receive from t.C) counts as stopped. A ticker whose
// variable escapes (returned, stored, passed, its channel handed on) is someone else's to
// stop and is not reported; one used by a goroutine or a function literal, created in a
// loop, or never assigned to a variable is reported without a fix. A ticker in a function that never returns (a goroutine's endless
// `for range t.C`, a main that ends in select {} while goroutines read it) lives as long
// as the function, and a deferred Stop would never run: it
// is not reported; nor is one in a function that returns only before it makes it.
// A ticker kept in an unexported struct field, stored there only from time.NewTicker,
// never stopped nor handed on by the package, and read (x.f.C) by a goroutine that can
// return, ticks forever once that goroutine has returned. It is reported, and fixed with
// `defer r.f.Stop()` first in the reading method when that method is the field's only
// reader, reads only its receiver's field, is unexported, is named by no interface of
// the package, and is only ever started by go statements, each just after a store of a
// new ticker in the same function (so no run shares its ticker with an earlier one).
//
// time.Tick in a function that can return once it has made the ticker is reported
// without a fix. In _test.go files, where a ticker lives as long as the test binary,
// time.Tick and tickers without a fix are not reported.
//
// time.After in a select inside a loop whose other cases may go round the loop while the
// timer waits leaves one timer per iteration pending (outside _test.go files, where the
// timers live as long as the test; a select whose other cases all return leaves at most
// one). The fix keeps the select's meaning, a timer started each time the select is
// entered, and frees the timers that lose: `timer := time.NewTimer(d)` just before the
// select, `case <-timer.C:` for the time.After case, and `timer.Stop()` first in every
// other case (the default too). It is not offered when the select has two time.After
// calls, when d and a case before it both call functions (the fix would evaluate d
// first), or when the function has a goto (it could jump over the new variable). It does
// not turn the timer into a ticker: whether a timeout that restarts on every message is
// a debounce or a period the author meant is not written in the code.
//
// In every Go version, a range over a ticker's (or timer's) channel that another function
// of the package stops never ends: Stop does not close t.C, so the goroutine running the
// loop waits forever (InVisionApp/go-health#35). The ticker is followed to the variable or
// the field it is kept in (directly, as a map or slice element, in a composite literal);
// a Stop on it in another function, or on a value read from that field, is reported at
// the loop, without a fix (ending the loop takes a stop channel or a context). A ticker
// that the package also Resets there may be restarted and is not reported.
package tickerstop
