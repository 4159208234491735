package ctxprop

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// detached reports whether the fresh context (context.Background() or TODO()) passed to
// call is a deliberate detachment: a comment on its line or directly above it states
// the intent (the shared model's Comment), or call is a clean-up that runs after the
// main work has ended and must not be cut short by the caller's context (releasing a
// lease or a lock, rolling back, auditing, shutting down, closing, ending the process:
// caddy's admin stop handler calls exitProcess(context.Background(), …), which stops
// every app, the admin server and its request with them, before it cleans up locks), or
// call hands work on to run after the caller has returned (enqueue, submit, schedule).
func (ck *checker) detached(fresh, call *ast.CallExpr) bool {
	if ck.m.Intent(fresh.Pos()) != nil {
		return true
	}
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	return ok && (cleanup(fn.Name()) || handsOff(fn.Name()))
}

// handOffWords are the verbs of functions and methods that hand work to something that
// runs it later, after the caller has returned: a job queue, a scheduler, a background
// worker. The caller's context would end that work when the caller ends
// (m3o/backend#478: a handler enqueued its job with r.Context(), and the job was
// cancelled as soon as the handler answered 202).
var handOffWords = []string{"enqueue", "submit", "schedule", "dispatch", "async", "background",
	"later", "detach", "spawn", "defer"}

// handsOff reports whether a function named name hands work on to run later.
func handsOff(name string) bool {
	name = strings.ToLower(name)
	for _, w := range handOffWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// cleanupWords are the verbs of functions and methods that undo or finish work.
var cleanupWords = []string{"release", "rollback", "abort", "revert", "undo", "audit", "shutdown",
	"close", "cleanup", "teardown", "unlock", "unregister", "deregister", "revoke", "stop",
	"exit", "quit", "terminate"}

// cleanup reports whether a function named name undoes or finishes work.
func cleanup(name string) bool {
	name = strings.ToLower(name)
	for _, w := range cleanupWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
