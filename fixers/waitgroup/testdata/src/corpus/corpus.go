// Package corpus holds sync.WaitGroup misuse modelled on upstream reports (issue 14,
// class 4: Add inside a goroutine or a method started with go, Done skipped by an early
// return or a recovered panic, a WaitGroup passed by value, Wait racing with Add), one
// function or small type each, for counting what waitgroup reports and fixes (see
// corpus_test.go). Each case cites its report; the look-alikes at the end are correct
// code that must stay untouched.
//
// 9 cases, 9 reported, 6 of them fixed (6, no Done at all, and 8 and 9, an Add in a
// goroutine that the WaitGroup does not count, concurrent with Wait, are reported only),
// 0 missed.
// No upstream report was found for a Wait inside the loop that starts the
// goroutines, nor for Add(len(x)) before a loop whose goroutines may not all start.
package corpus

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

// 1. cubefs/cubefs#1369 (util/synclist TestSyncPushBack): wg.Add(1) inside the
// goroutine gives no guarantee that Wait is called after all the Adds: "panic: sync:
// WaitGroup is reused before previous Wait has returned".
type SyncList struct {
	mu    sync.Mutex
	items []any
}

func (l *SyncList) PushBack(v any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, v)
}

func pushConcurrently(l *SyncList, n int) int {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		go func(i int) {
			wg.Add(1) // want `wg.Add is called inside the goroutine it counts: wg.Wait may return before it runs`
			defer wg.Done()
			l.PushBack(i)
		}(i)
	}
	wg.Wait()
	return len(l.items)
}

// 2. sabloger/sitemap-generator#10 (SitemapIndex.saveSitemaps): the goroutine returns
// early on error and s.wg.Done() is never called, so s.wg.Wait() never returns; upstream
// moved a deferred Done to the top. The WaitGroup is a field.
type Sitemap struct {
	Name string
	save func() (string, error)
}

type SitemapIndex struct {
	wg           sync.WaitGroup
	mu           sync.Mutex
	Sitemaps     []*Sitemap
	SitemapPaths []string
}

func (s *SitemapIndex) saveSitemaps() {
	for _, sm := range s.Sitemaps {
		s.wg.Add(1)
		go func(sm *Sitemap) {
			smPath, err := sm.save()
			if err != nil {
				log.Println("Error while saving this sitemap:", sm.Name, err)
				return
			}
			s.mu.Lock()
			s.SitemapPaths = append(s.SitemapPaths, smPath)
			s.mu.Unlock()
			s.wg.Done() // want `s.wg.Done is not deferred and a return skips it: s.wg.Wait blocks forever`
		}(sm)
	}
	s.wg.Wait()
}

// 3. monzo/orchestra#5 (fix deadlock panics): make sure to call wg.Done() even when
// returning early, so that stopping the services does not deadlock.
type Service struct {
	Name    string
	running func() bool
	stop    func(ctx context.Context) error
}

func stopServices(ctx context.Context, services map[string]*Service) {
	var wg sync.WaitGroup
	for name, service := range services {
		wg.Add(1)
		go func(name string, service *Service) {
			if !service.running() {
				log.Printf("%s is not running", name)
				return
			}
			if err := service.stop(ctx); err != nil {
				log.Printf("failed to stop %s: %v", name, err)
				wg.Done() // want `wg.Done is not deferred and a return skips it: wg.Wait blocks forever`
				return
			}
			log.Printf("%s stopped", name)
			wg.Done()
		}(name, service)
	}
	wg.Wait()
}

// 4. ProtonMail/gluon#346 (async.Group.Once): always defer wg.Done() in the goroutine to
// avoid stalls in case of panics: the group's panic handler recovers the panic, and the
// Done after fn is skipped.
// The deferred g.handlePanic() is given the receiver that holds the WaitGroup; its body,
// in this package, does not call Done (nor anything that may), so the goroutine's Done
// is its own.
type PanicHandler interface {
	HandlePanic(r any)
}

type Group struct {
	ctx          context.Context
	wg           sync.WaitGroup
	panicHandler PanicHandler
}

func (g *Group) handlePanic() {
	if r := recover(); r != nil {
		g.panicHandler.HandlePanic(r)
	}
}

func (g *Group) Once(fn func(ctx context.Context)) {
	g.wg.Add(1)
	go func() {
		defer g.handlePanic()
		fn(g.ctx)
		g.wg.Done() // want `g.wg.Done is not deferred and a recovered panic skips it: g.wg.Wait blocks forever`
	}()
}

func (g *Group) Wait() {
	g.wg.Wait()
}

// 5. coreos/locksmith#16 (daemon): the WaitGroup must be passed by reference, otherwise
// Done() does not decrement the WaitGroup that is actually waited on.
type daemon struct {
	rebootNeeded <-chan bool
	lockHeld     <-chan bool
	stop         <-chan struct{}
}

func (d *daemon) watchReboot(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of watchReboot is passed by value: watchReboot works on a copy`
	defer wg.Done()
	for {
		select {
		case <-d.rebootNeeded:
			log.Println("reboot needed")
		case <-d.stop:
			return
		}
	}
}

func (d *daemon) watchLock(wg sync.WaitGroup) { // want `sync.WaitGroup parameter wg of watchLock is passed by value: watchLock works on a copy`
	defer wg.Done()
	for {
		select {
		case <-d.lockHeld:
			log.Println("lock held")
		case <-d.stop:
			return
		}
	}
}

func (d *daemon) run() {
	var wg sync.WaitGroup
	wg.Add(2)
	go d.watchReboot(wg)
	go d.watchLock(wg)
	wg.Wait()
}

// 6. iterative/terraform-provider-iterative#404, fixed by #405 (cml clone-amis): the
// goroutines never release the WaitGroup, so wg.Wait() deadlocks.
// Reported without a fix: nothing calls Done on the local WaitGroup, which is only the
// receiver of Add and Wait; where each goroutine should call Done is its author's choice.
func cloneAMIs(regions []string, copyImage func(region string) error) {
	var wg sync.WaitGroup
	for _, region := range regions {
		wg.Add(1) // want `wg.Add counts a goroutine, but nothing calls wg.Done: wg.Wait blocks forever`
		go func(region string) {
			if err := copyImage(region); err != nil {
				log.Printf("%s: %v", region, err)
			}
		}(region)
	}
	wg.Wait()
}

// 7. minus5/go-uof-sdk#8 (negative WaitGroup counter on SDK exit): defer wg.Done()
// inside the recovery goroutine's endless retry loop adds one Done per failed attempt,
// for a single Add.
// The loop is `for { ... }` with the defer first: the fix defers the one Done before it.
type recovery struct {
	request func(ctx context.Context) error
	backoff time.Duration
}

func (r *recovery) start(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		for {
			defer wg.Done() // want `wg.Done is deferred inside a loop: each iteration defers one more Done for the one wg.Add\(1\), and the second makes the counter negative`
			if err := r.request(ctx); err == nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(r.backoff):
			}
		}
	}()
}

// 8. kubernetes-sigs/controller-runtime#1442 (race in controllerManager.waitForRunnable):
// startRunnable calls waitForRunnable.Add in goroutines the manager started with go
// (startLeaderElectionRunnables), while waitForRunnableToEnd calls Wait in another.
// Reported: startRunnable runs only in the goroutine that Start starts with go
// cm.startLeaderElectionRunnables(), which waitForRunnable does not count (no Add before
// that go statement), and the Wait is in waitForRunnableToEnd, outside that chain. The
// cm.mu held around the call of startRunnable is no order: waitForRunnableToEnd does not
// take it. Reported only: counting the outer goroutine is its author's choice.
type Runnable interface {
	Start(ctx context.Context) error
}

type controllerManager struct {
	mu                      sync.Mutex
	leaderElectionRunnables []Runnable
	waitForRunnable         sync.WaitGroup
	internalCtx             context.Context
	internalCancel          context.CancelFunc
	errChan                 chan error
}

func (cm *controllerManager) startRunnable(r Runnable) {
	cm.waitForRunnable.Add(1) // want `cm.waitForRunnable.Add in controllerManager.startRunnable runs in the goroutine started at corpus.go:\d+, which cm.waitForRunnable does not count, and may race with cm.waitForRunnable.Wait in controllerManager.waitForRunnableToEnd: an Add when the counter is zero must happen before Wait`
	go func() {
		defer cm.waitForRunnable.Done()
		if err := r.Start(cm.internalCtx); err != nil {
			cm.errChan <- err
		}
	}()
}

func (cm *controllerManager) startLeaderElectionRunnables() {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	for _, r := range cm.leaderElectionRunnables {
		cm.startRunnable(r)
	}
}

func (cm *controllerManager) waitForRunnableToEnd() {
	cm.internalCancel()
	cm.waitForRunnable.Wait()
}

func (cm *controllerManager) Start(ctx context.Context) error {
	cm.internalCtx, cm.internalCancel = context.WithCancel(context.Background())
	go cm.startLeaderElectionRunnables()
	select {
	case <-ctx.Done():
	case err := <-cm.errChan:
		cm.waitForRunnableToEnd()
		return err
	}
	cm.waitForRunnableToEnd()
	return nil
}

// 9. etcd-io/etcd#6534 (TestWatchEventType: WaitGroup is reused before previous Wait has
// returned): EtcdServer.run calls s.wg.Wait() in a deferred function while goroutines
// still call s.wg.Add(1) concurrently; upstream added goAttach, which adds under a mutex
// only while the server is not stopping.
// Reported: publish runs only in the goroutine start starts with go s.publish(...),
// which s.wg does not count, and the Wait is in run's deferred literal, in another
// goroutine; publish signals nothing run could wait for (no send, close or Done). The
// counter may well be zero at the Add (no other goroutine need hold a count across it).
// Reported only: upstream's goAttach (an Add under a lock, after checking that the
// server is not stopping) is a design of its own.
type EtcdServer struct {
	wg     sync.WaitGroup
	stop   chan struct{}
	done   chan struct{}
	applyc chan []byte
	apply  func([]byte)
}

func (s *EtcdServer) run() {
	defer func() {
		s.wg.Wait()
		close(s.done)
	}()
	for {
		select {
		case ap := <-s.applyc:
			s.apply(ap)
		case <-s.stop:
			return
		}
	}
}

func (s *EtcdServer) publish(timeout time.Duration, do func(context.Context) error) {
	s.wg.Add(1) // want `s.wg.Add in EtcdServer.publish runs in the goroutine started at corpus.go:\d+, which s.wg does not count, and may race with s.wg.Wait in EtcdServer.run: an Add when the counter is zero must happen before Wait`
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := do(ctx); err != nil {
			log.Println("publish:", err)
		}
	}()
}

func (s *EtcdServer) start(timeout time.Duration, do func(context.Context) error) {
	go s.run()
	go s.publish(timeout, do)
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must stay untouched.
// ---------------------------------------------------------------------------------------

// Add before go, Done deferred first, so that the recovered panic still calls it.
type workerPool struct {
	wg sync.WaitGroup
}

func (p *workerPool) Go(fn func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				log.Println("worker panic:", r)
			}
		}()
		fn()
	}()
}

// The WaitGroup is passed by pointer.
func fanOut(items []string, handle func(string) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, it := range items {
		wg.Add(1)
		go handleOne(&wg, &mu, &errs, it, handle)
	}
	wg.Wait()
	return errors.Join(errs...)
}

func handleOne(wg *sync.WaitGroup, mu *sync.Mutex, errs *[]error, it string, handle func(string) error) {
	defer wg.Done()
	if err := handle(it); err != nil {
		mu.Lock()
		*errs = append(*errs, err)
		mu.Unlock()
	}
}
