// Package hedged holds case 9 of the singlesend corpus (see ../corpus.go) apart from the
// package: its two fixes declare a result type each in one function, and session 10's
// singlesend gave both the same name ("result redeclared in this block"). It stays
// apart as the regression test of that wrong fix: fixers.FuzzFix seeds on
// */testdata/src/*/*.go would not catch its return.
package hedged

import (
	"context"
	"time"
)

// 9. authzed/spicedb#242 (hedging proxy): once one of the two subrequests answers, the
// hedger returns and the slow subrequest hangs on its send; both subrequests also write
// the parent's results rev and err (upstream: buffered channels and a sync.Once).
// Fixed: both channels carry rev and err, the second in a type of its own (outcome),
// since one run makes both fixes (session 10 named both result: a wrong fix).
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
