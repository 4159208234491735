// Package ctxprop defines an analyzer that finds calls that drop the context.Context in
// scope, and passes it on.
//
// # Analyzer ctxprop
//
// ctxprop: a context is in scope but not passed on
//
// A function that is given a context.Context should pass it to the blocking work it
// starts, so that the work ends when the caller gives up. When a context is in scope the
// analyzer reports:
//
//   - context.TODO() or context.Background() passed as a context argument;
//   - a call of F(args) when the same package (for a function) or the same method set
//     (for a method) has FContext(ctx, args) or FWithContext(ctx, args) whose parameters
//     are a context.Context followed by F's, with identical results. Only the standard
//     library's twins whose documentation says they are the same call honouring the
//     context are fixed (http.NewRequest, exec.Command, the Exec, Query, QueryRow,
//     Prepare, Ping and Stmt methods of database/sql, (*net.Dialer).Dial,
//     (*tls.Conn).Handshake: allow.go lists them with their docs). Other standard library
//     pairs are not reported: their context ends no blocking work (slog's InfoContext
//     only hands it to the log handler). The same convention in another library is
//     reported without a fix, since the
//     twin's contract cannot be read (a WaitContext may return early with an empty
//     result where Wait blocks), and in the package itself not at all (its author wrote
//     both forms and chose one);
//   - DB.Begin (BeginTx(ctx, nil)), net.Dial ((&net.Dialer{}).DialContext),
//     net.DialTimeout(network, address, d) ((&net.Dialer{Timeout: d}).DialContext(ctx,
//     network, address): DialTimeout is Dialer{Timeout: d}.Dial) and the net.Lookup*
//     functions whose net.DefaultResolver method has the same parameters after the
//     context and the same results. DialTimeout keeps its time bound as the Dialer's
//     Timeout, and the dial ends at the earlier of the timeout and the context's end:
//     the context adds cancellation, it replaces no bound the author chose, so the
//     exception for context.Background() next to a time.Duration (below) does not
//     apply. The timeout moves before the other arguments: when it and the network or
//     the address are computed by calls, or comments surround it, there is no fix;
//   - http.Get, Head, Post and PostForm, and the same methods of *http.Client, which
//     build their request with http.NewRequest ("To make a request with a specified
//     context.Context, use NewRequestWithContext and Client.Do"). The call must be the
//     whole right-hand side of an assignment of two variables (not _) in a block or a
//     case clause; `resp, err := c.Post(u, ct, body)` becomes `req, err :=
//     http.NewRequestWithContext(ctx, http.MethodPost, u, body)`, `var resp
//     *http.Response` and `if err == nil { req.Header.Set("Content-Type", ct); resp,
//     err = c.Do(req) }` on lines of their own, which is what Client.Post does:
//     NewRequest, its error returned with a nil response, the header, then Do (Get and
//     Head set no header; PostForm's body is strings.NewReader(data.Encode()) with
//     "application/x-www-form-urlencoded"; the package's functions use
//     http.DefaultClient). For `resp, err = ...` the var line is `resp = nil`, and when
//     err is declared outside the statement's block req is declared apart (var req
//     *http.Request; req, err = ...), since := would declare a new err. The request
//     variable is the first of req, req2, ... req9 that names nothing at the statement,
//     appears nowhere in the rest of the block, and no earlier rewrite of the block
//     took. There is no fix, only the report, for any other shape (return http.Get(u),
//     an if's init, a discarded response or error, an error assigned to a field), a
//     client that is not a variable or a chain of fields (it is evaluated after the
//     request is built) or is embedded in another type (whose own Do would be called),
//     a content type computed by a call, a client or content type that reads the names
//     the rewrite assigns first, a PostForm form that is not a url.Values, and comments
//     inside the statement;
//   - nil passed as a context.Context, also when no context is in scope (the fix then
//     passes context.TODO()), except in _test.go files, where a nil context is usually
//     what the test is about.
//
// A context is in scope at a call when it is a named parameter (not _) of the enclosing
// function, or a local variable of it whose every value is a copy of such a context or a
// context.With* derivation of one; variables whose address is taken or that are assigned
// anything else are not followed. When there is no such variable, the context of an HTTP
// request being served is in scope: r.Context() of a named *http.Request parameter r.
// Contexts of outer functions count only through function literals called on the spot,
// or passed, where they are written and outside go and defer statements, to a call that
// runs them before it returns and keeps no reference to them (the shared model's
// RunsBeforeReturn): a function or method of the package whose every use of that
// parameter is a call of it, deferred or not, a comparison with nil, an assignment to
// it, or an argument of another such function (through at most four of them), outside go
// statements and literals that may run later; or one of the standard library functions
// whose documentation says they call it while they run (sort.Slice, SliceStable and
// Search, slices.SortFunc, SortStableFunc, IndexFunc and ContainsFunc, strings.Map and
// FieldsFunc, (*sync.Map).Range, filepath.Walk and WalkDir, fs.WalkDir). Not
// (*sync.Once).Do, whose function initialises what every later caller shares, nor
// (*testing.T).Run, which returns early for a parallel subtest; and callees of other
// packages are not looked into (facts across packages stay out). Such a literal is not
// crossed when it has a context.Context or *http.Request parameter of its own (its
// context is the one in scope), when the callee or a function of the package that runs
// it has a clean-up name (below), when one of those functions writes to anything but its
// own variables, their struct values and the maps and slices that variables declared in
// its body hold (a field, a package variable, through a pointer: it keeps state across
// calls, and what the literal computes with one caller's context could be shared by
// others, as with a copy of singleflight, a done flag or a cache), or when one of those
// functions may run it, or pass it on, once a context has ended: a use of the parameter
// reachable from a receive of ctx.Done() or a call of ctx.Err() or context.Cause in its
// graph, or a use in a deferred call or a nested literal of a function that has one
// anywhere. The context must be visible at the call (declared before it, not shadowed),
// and not possibly nil there: a call in the branch of if ctx == nil (or the else of
// ctx != nil, or a case of a switch testing ctx == nil) has no context in scope, since a
// fresh one is the default for a nil one (go-micro's memTracer.Start).
// When several contexts are in scope the call is reported without a fix.
//
// The fix passes the context in scope, or calls the context-aware twin with it.
//
// Precision matters more than recall: much code detaches from its caller's context on
// purpose, and such code is neither fixed nor reported:
//
//   - calls in defer and go statements, and in function literals that are neither called
//     on the spot nor run by their callee before it returns (they may run after the
//     function returns: a hook registered, a goroutine, errgroup's Go, time.AfterFunc),
//     except in a goroutine's literal that the function waits for on every path before
//     it returns (model.Spawn.MayReturnBefore: wg.Wait(), a receive of its result);
//   - calls reachable from a receive of ctx.Done(), a select case on it, a call of
//     ctx.Err() or context.Cause, or a call (not deferred) of a derived context's cancel
//     function (clean-up and graceful shutdown need a fresh context, and a cancelled one
//     would make the call fail), also when several contexts are in scope; a test
//     `ctx.Err() != nil` (or `err := ctx.Err(); err != nil`) marks only the branch taken
//     when the context ended;
//   - a context.Background() or TODO() with a comment on its line or directly above it
//     (the comment states the intent), or passed to a clean-up call after the main work
//     has ended: a function or method whose name says it releases, rolls back, aborts,
//     reverts, undoes, audits, shuts down, closes, cleans up, tears down, unlocks,
//     unregisters, revokes, stops, exits, quits or terminates; or whose name says it hands
//     work on to run later: enqueues, submits, schedules, dispatches (a job queue's
//     Enqueue(context.Background(), job) in a handler that answers 202);
//   - arguments of the context package's own functions (context.WithoutCancel,
//     context.WithTimeout(context.Background(), d)) and contexts assigned to variables,
//     except a fresh parent of a timeout, deadline or cancel derived for the function's
//     own work (canonical/go-dqlite#381): a local variable defined there whose every use
//     is a method call on it or an argument that would get the context in scope if the
//     fresh context were passed there directly (not a clean-up or hand-off, not after the
//     context ended, not kept by the call's results, a goroutine or a later literal),
//     and not derived on an error path (in the body of `if err != nil`: reporting or
//     undoing a failure is clean-up) or in a function whose own name is a clean-up or a
//     hand-off (Shutdown giving itself a time bound);
//   - calls whose results may hold the context (anything but basic values and errors)
//     and may outlive the function: stored in a field, a global or a composite value,
//     sent, captured by a goroutine or a literal that may run later, appended, or
//     returned while the context could be cancelled before the caller uses them (an
//     *http.Response whose body the caller would read after a deferred cancel);
//     an *exec.Cmd that the function does not wait for (Run, Output, CombinedOutput,
//     Wait) would be killed with the context, so exec.Command is left alone then;
//   - a call of a twin from inside the twin itself, or when the twin (declared in the
//     package) calls the function: the fix could make it call itself;
//   - context.Background() next to a time.Duration or time.Time argument: the call's
//     own time bound was chosen instead of the context's;
//   - in _test.go files, everything but context.TODO(): tests build scenarios on purpose
//     (hooks that ignore a context about to be cancelled, processes left running);
//   - nil given to the package's own functions or to function values, which may use a
//     nil context as a sentinel ("no transaction context"): only exported functions and
//     methods of other packages, which must never get a nil context, are fixed, and
//     functions of the package whose only nil test is `if ctx == nil { ctx =
//     context.Background() }` first thing, or that never compare it with nil and only
//     call its methods or pass it to such exported functions (influxdata/influxdb#18137);
//   - a value that is given its context later by a method of its own type
//     (req.WithContext(ctx)), or handed to a call together with a context (c.Do(ctx,
//     req): the callee attaches it, and may accept a nil one that the twin refuses);
//   - a standard library twin newer than the file's Go version (a table generated from
//     GOROOT/api and embedded: package internal/stdapi);
//   - calls of generic functions and methods (their twin, if any, is not looked up), and
//     functions without any context (main, init, constructors).
package ctxprop
