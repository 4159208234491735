// Package model computes the shared model of a package's concurrency, which every
// concfix fixer reads instead of matching shapes of its own: an analysis.Analyzer
// (Analyzer) whose result is a *Model, computed once per package.
//
// # Facts
//
// Functions (Model.Funcs, Func): every function declaration and literal with a body, with
// its signature, its object, the function that contains a literal, whether it is in a
// _test.go file, whether a literal is called where it is written, how many references a
// declared function has, and the go statements that start it.
//
// Callbacks (Model.RunsBeforeReturn, callback.go): whether a call runs a function
// argument only before it returns and keeps no reference to it: a function or method of
// the package that only calls that parameter, compares it with nil or passes it on to
// another such function (outside go statements and literals that may run later), or a
// standard library function whose documentation says so (sort.Slice, filepath.WalkDir,
// (*sync.Map).Range, ...), with the package's functions that run it and their uses of
// the parameter (Via).
//
// Control (control.go): one no-return policy for every fixer and every driver
// (Model.Exit, Model.MayReturn): panic, os.Exit, syscall.Exit, runtime.Goexit, log's Fatal
// and Panic functions and methods, testing's FailNow, Fatal*, Skip*, and the package's own
// functions and methods whose every path ends in one of these or loops forever. It uses
// no facts from other packages, so that the concfix command and go vet follow the same
// paths. Func.CFG is the function's control-flow graph (package cfg) under that policy,
// where a constant condition (Model.ConstCond: if debug { ... } with a constant false
// debug) has a single edge and the branch not taken is dead. Model.Comment finds the
// comment on a line or directly above it, where code states an intent.
//
// Goroutines (Model.Gos, Go): each go statement, the function that runs it, the function
// it starts (a literal, or a named function or method, and its declaration when it is in
// the package), and whether it is in a loop.
//
// Channels (Model.Chans, Chans, Chan): channel-typed variables, fields, parameters and
// results linked by assignments, calls of the package's functions, composite literals
// and returns form classes; each class has its makes (with their constant capacity), its
// sends, receives, ranges and closes (with the function each is in and the select it is
// a case of), and says whether its channels escape the package. ctx.Done() channels are
// a class of their own. Chans.MaxSends is the most sends on a class one run of a
// function makes along a path of its CFG that the function's flags allow (Func.Flags:
// local booleans only constants assign; a path that sets ok = false and then takes the
// branch of if ok is not one); Chans.SendBound the most sends one channel of
// a class can ever receive (a constant, plus so many per iteration of a fan-out loop),
// when every use of the class is one the model follows; Chans.ReceivedAll whether a close
// comes after its function has received that many values in a counted loop (counted.go);
// Chans.Fits whether the capacity covers them, so that no send can block (sends.go,
// bound.go); Chans.HasRoom whether one send finds a free slot on every path, by a
// dataflow of the free slots over the graph of the one function that sends (len(ch)
// checks, a budget of cap - len(ch) and a counter; room.go), on a channel held by a
// variable or by a field of a struct that only the function making it sends on
// (chanpath.go), or because the other senders start only after a join with the
// goroutine that sends (first.go); Chans.RunFits whether a send is on channels that
// only the run of its function making them can send on (local variables whose values
// are its makes of constant capacity or nil, handed on only receive-only), at most
// their capacity per run and never on nil (perrun.go); Chans.Drained whether every
// receiver ranges over the channel until it is closed, or a goroutine that the function
// making it starts from a deferred literal does (drained.go). TripCount and Func.TripKey say how many times a
// loop runs (loops.go).
//
// Known-done contexts (Model.KnownDone, knowndone.go): where a context variable is known
// to be done on every path (after <-ctx.Done(), in case <-ctx.Done():, where ctx.Err() !=
// nil holds), a must-dataflow over the function's CFG.
//
// Locks (Model.Locks, Locks, LockOp): each call of a method of sync.Mutex, sync.RWMutex or
// sync.Locker, whether it is a statement of its own or deferred, and the mutex it is
// called on as a path (variable and fields) and a class (the last field); the package's
// static calls, so that a function's lock operations are found through the functions it
// calls (Locks.Reaches, with the chain of calls).
//
// Contexts (Model.Contexts, Derivation): each call of context.With{Cancel,Timeout,
// Deadline}[Cause] and signal.NotifyContext, the variables that receive the context and
// its release function, and every reference to that function, classified (called,
// deferred, silenced with _ =, overwritten, compared, stored in a field or elsewhere,
// returned, passed).
//
// Spawns and shared variables (Model.Shared, Shared, Spawn, SharedVar, Access): each
// function literal run by a goroutine of its own (a go statement, sync.WaitGroup.Go,
// errgroup.Group.Go); what its start reaches in the function that starts it before that
// function waits for the goroutine (a WaitGroup's Wait when the goroutine calls Done, an
// errgroup's Wait, a receive, range or select case on a channel the goroutine sends on,
// closes, or whose context it cancels, a helper function or local literal that does
// so, synctest.Wait), whether the start runs again while the goroutine runs (Again), or
// the function may return first (MayReturnBefore). Every variable that such a literal
// uses and does not declare (loop variables and sync values aside), with each access:
// read, write, update, element read or write (maps apart from slices, where each index
// is its own), a reference handed on, its address, a sync use; the fields selected and
// whether through a pointer; atomic or not; the goroutine that runs it or the function
// whose code it is, and when (now, at exit for a deferred literal, any time for a
// literal stored or passed); the locks held on every path to it (mutexes, and channels
// of capacity 1 used as locks, by a must dataflow over the graph), and, for a named
// result, the returns that set or copy it out. Shared.Races gives the pairs that conflict,
// may run together and hold no common lock; a goroutine's access past a receive from a
// channel its starter or another goroutine signals (a start gate, a token), after an
// atomic load, store or swap, or after a method call on an object its starter calls
// later, is taken to be ordered; so are goroutines whose accesses lie between method
// calls on an object of the package's own that synchronises (its type holds a mutex,
// cond or channel: a state machine, a semaphore), and the per-job accesses of workers
// in a counted fan-in (one result on R per job taken from J, as many results received
// in a loop as the jobs that a loop with the same bound sends) before what their starter
// does after that loop (fanin.go). Shared.Unseen says why the model may not see every
// access; Shared.ReadAfter, whether the starter may read what a goroutine wrote.
//
// Loops (Model.Endless): whether a for statement never ends by itself.
//
// The parts other than functions and control are computed on first use. A Model is
// read-only once computed, and safe for the concurrent use of several fixers.
package model
