// Package hedged holds case 9 of the singlesend corpus (see ../corpus.go), apart from the
// package because its two fixes, applied together, do not type-check: in corpus/ it
// would be a seed of fixers.FuzzFix (*/testdata/src/*/*.go), which fails on it through
// rewrite.FixFile ("result redeclared in this block"). Move it back into corpus.go once
// singlesend gives the carry types of one function distinct names.
package hedged

import (
	"context"
	"time"
)

// 9. authzed/spicedb#242 (hedging proxy): once one of the two subrequests answers, the
// hedger returns and the slow subrequest hangs on its send; both subrequests also write
// the parent's results rev and err (upstream: buffered channels and a sync.Once).
// WRONG FIX (together): both channels are fixed by carrying rev and err, and both fixes
// declare type result in the function's body: "result redeclared in this block".
type revisionDelegate interface {
	Revision(ctx context.Context) (int64, error)
}

type hedgingProxy struct {
	delegate   revisionDelegate
	hedgeAfter time.Duration
}

func (hp *hedgingProxy) Revision(ctx context.Context) (rev int64, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	responseReady := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel responseReady: the function can return without receiving`
	go func() {
		rev, err = hp.delegate.Revision(ctx)
		responseReady <- struct{}{}
	}()
	select {
	case <-responseReady:
		return rev, err
	case <-time.After(hp.hedgeAfter):
	}
	hedgedResponseReady := make(chan struct{}) // want `goroutine may block forever sending on unbuffered channel hedgedResponseReady: the function can return without receiving`
	go func() {
		rev, err = hp.delegate.Revision(ctx)
		hedgedResponseReady <- struct{}{}
	}()
	select {
	case <-responseReady:
	case <-hedgedResponseReady:
	}
	return rev, err
}
