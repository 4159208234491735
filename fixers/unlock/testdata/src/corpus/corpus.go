// Package corpus holds lock bugs modelled on upstream reports, one function or small type
// each, for counting what unlock reports and fixes (issue 13; see unlock_test.go). Each
// case cites its report; the look-alikes at the end are correct code that must not be
// reported.
package corpus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// ---------------------------------------------------------------------------------------
// Class 1: a mutex left locked on some path out of the function.
// ---------------------------------------------------------------------------------------

// 1. etcd-io/etcd#10866 (clientv3 watcher): w.mu is unlocked before four of the five
// returns, not before the one for a closed watcher.
type watchStream struct {
	ch  chan string
	ctx context.Context
}

type watcher struct {
	mu      sync.Mutex
	closed  bool
	streams map[string]*watchStream
}

var errWatcherClosed = errors.New("watcher closed")

func (w *watcher) Watch(ctx context.Context, key string) (<-chan string, error) {
	w.mu.Lock() // want `w.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	if w.closed {
		return nil, errWatcherClosed
	}
	if w.streams == nil {
		w.streams = make(map[string]*watchStream)
	}
	ws := w.streams[key]
	if ws == nil {
		ws = &watchStream{ch: make(chan string, 1), ctx: ctx}
		w.streams[key] = ws
	}
	ch := ws.ch
	w.mu.Unlock()
	return ch, nil
}

// 2. grpc/grpc-go#6538 (clientconn enterIdleMode): the early return for a closed
// ClientConn keeps cc.mu; the main path releases it mid-function to close the resolver
// and balancer unlocked. Named result.
type ClientConn struct {
	mu       sync.Mutex
	conns    map[int]bool
	idle     bool
	resolver interface{ Close() }
}

var ErrClientConnClosing = errors.New("grpc: the client connection is closing")

func (cc *ClientConn) enterIdleMode() (err error) {
	cc.mu.Lock() // want `cc.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	if cc.conns == nil {
		return ErrClientConnClosing
	}
	conns := cc.conns
	cc.conns = make(map[int]bool)
	cc.idle = true
	r := cc.resolver
	cc.mu.Unlock()

	r.Close()
	for id := range conns {
		_ = id
	}
	return nil
}

// 3. grpc/grpc-go#8451 (transport server stream): a stream whose deadline has already
// expired returns from a select case with the transport's mutex held.
type serverStream struct {
	id  uint32
	ctx context.Context
}

type http2Server struct {
	mu            sync.Mutex
	draining      bool
	activeStreams map[uint32]*serverStream
}

var errStreamDrain = errors.New("transport: the server is draining")

func (t *http2Server) operateHeaders(s *serverStream, expired <-chan time.Time) error {
	t.mu.Lock() // want `t.mu is not unlocked on every path: the return at line \d+ leaves it locked`
	if t.draining {
		t.mu.Unlock()
		return errStreamDrain
	}
	select {
	case <-expired:
		return context.DeadlineExceeded
	default:
	}
	t.activeStreams[s.id] = s
	t.mu.Unlock()
	return nil
}

// 4. eoscanada/eos-go#15: cachedGetInfo keeps lastGetInfoLock when the HTTP call fails.
type InfoResp struct{ HeadBlock uint32 }

type API struct {
	lastGetInfoLock  sync.Mutex
	lastGetInfo      *InfoResp
	lastGetInfoStamp time.Time
	getInfo          func(context.Context) (*InfoResp, error)
}

func (api *API) cachedGetInfo(ctx context.Context) (*InfoResp, error) {
	api.lastGetInfoLock.Lock() // want `api.lastGetInfoLock is not unlocked on every path: the return at line \d+ leaves it locked`
	if api.lastGetInfo != nil && time.Since(api.lastGetInfoStamp) < time.Second {
		info := api.lastGetInfo
		api.lastGetInfoLock.Unlock()
		return info, nil
	}
	info, err := api.getInfo(ctx)
	if err != nil {
		return nil, err
	}
	api.lastGetInfoStamp = time.Now()
	api.lastGetInfo = info
	api.lastGetInfoLock.Unlock()
	return info, nil
}

// 5. Snowflake-Labs/sansshell#514 (mpa WaitForApproval): the lock is taken in each turn
// of a polling loop, and the not_found exit leaves it ("unlock in mutex in a loop and no
// way to defer it").
type mpaRequest struct{ approved bool }

type mpaServer struct {
	mu       sync.Mutex
	requests map[string]*mpaRequest
}

var errMPANotFound = errors.New("mpa: request not found")

func (s *mpaServer) WaitForApproval(ctx context.Context, id string) error {
	for {
		s.mu.Lock() // want `s.mu is not unlocked on every path: the break at line \d+ leaves it locked`
		req, ok := s.requests[id]
		if !ok {
			break
		}
		if req.approved {
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return errMPANotFound
}

// 6. cgrates/cgrates#3902 ("avoid deadlock on the continue case"): a session missing from
// the map continues the loop with the lock held; the next turn's Lock blocks.
type session struct{ lastSync time.Time }

type SessionS struct {
	aSsMux    sync.Mutex
	aSessions map[string]*session
}

func (sS *SessionS) syncSessions(ids []string) {
	for _, id := range ids {
		sS.aSsMux.Lock() // want `sS.aSsMux is not unlocked on every path: the continue at line \d+ leaves it locked`
		s, has := sS.aSessions[id]
		if !has {
			continue
		}
		s.lastSync = time.Now()
		sS.aSsMux.Unlock()
	}
}

// 7. agola-io/agola#117 (executor: "add missing mutex unlock"): a labeled continue out
// of the inner loop keeps e.mu.
type runningTask struct{ group string }

type Executor struct {
	mu           sync.Mutex
	runningTasks map[string]*runningTask
}

func (e *Executor) cleanTasks(tasks map[string][]string) {
groups:
	for group, ids := range tasks {
		for _, id := range ids {
			e.mu.Lock() // want `e.mu is not unlocked on every path: the continue at line \d+ leaves it locked`
			rt, ok := e.runningTasks[id]
			if !ok {
				e.mu.Unlock()
				continue
			}
			if rt.group != group {
				continue groups
			}
			delete(e.runningTasks, id)
			e.mu.Unlock()
		}
	}
}

// 8. centrifugal/centrifuge#552 (writer.go: "one of the early returns do not unlock the
// mutex"), here as a goto to the shared exit.
type writer struct {
	mu       sync.Mutex
	closed   bool
	messages [][]byte
	signal   chan struct{}
}

var errWriterClosed = errors.New("writer closed")

func (w *writer) enqueue(data []byte) (err error) {
	w.mu.Lock() // want `w.mu is not unlocked on every path: the goto at line \d+ leaves it locked`
	if w.closed {
		err = errWriterClosed
		goto out
	}
	w.messages = append(w.messages, data)
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
out:
	return err
}

// 9. scmhub/ibsync#15 ("calling unlock in early returns"): a generic state store whose
// error returns keep the lock.
type State[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (s *State[K, V]) Update(k K, f func(V) (V, error)) error {
	s.mu.Lock() // want `s.mu is not unlocked on every path: the return at line \d+ \(and 1 more\) leaves it locked`
	v, ok := s.m[k]
	if !ok {
		return fmt.Errorf("ibsync: unknown key %v", k)
	}
	nv, err := f(v)
	if err != nil {
		return err
	}
	s.m[k] = nv
	s.mu.Unlock()
	return nil
}

// 10. flynn/flynn#4212 (host: "Not unlocking this mutex causes all future API calls to
// hang"): an http.HandlerFunc that answers a conflict with the lock held.
type hostJob struct{ id string }

type hostAPI struct {
	mu   sync.Mutex
	jobs map[string]*hostJob
}

func (h *hostAPI) addJobHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		h.mu.Lock() // want `h.mu is not unlocked on every path: the return at line \d+ leaves it locked`
		if _, exists := h.jobs[id]; exists {
			http.Error(w, "job already exists", http.StatusConflict)
			return
		}
		h.jobs[id] = &hostJob{id: id}
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}
}

// 11. celzero/firestack#121 (wgconn.go: "returns without unlocking read on the epmu"):
// the read lock stays, and the next SetEndpoint's Lock blocks forever.
type wgconn struct {
	epmu      sync.RWMutex
	endpoints map[string]string
	write     func([][]byte, string) error
}

var errNoEndpoint = errors.New("wg: no endpoint")

func (c *wgconn) Send(bufs [][]byte, ep string) error {
	c.epmu.RLock() // want `c.epmu is not unlocked on every path: the return at line \d+ leaves it locked`
	addr, ok := c.endpoints[ep]
	if !ok {
		return errNoEndpoint
	}
	c.epmu.RUnlock()
	return c.write(bufs, addr)
}

func (c *wgconn) SetEndpoint(ep, addr string) {
	c.epmu.Lock()
	defer c.epmu.Unlock()
	c.endpoints[ep] = addr
}

// 12. oakmound/oak#33: a package-level mutex kept by the "started twice" return.
var (
	initControl   sync.Mutex
	lifecycleInit bool
)

func lifecycleLoop(start func()) {
	initControl.Lock() // want `initControl is not unlocked on every path: the return at line \d+ leaves it locked`
	if lifecycleInit {
		fmt.Println("Started lifecycle twice, aborting second call")
		return
	}
	lifecycleInit = true
	initControl.Unlock()
	start()
}

// 13. syncthing/syncthing#6556 ("Add Unlock before panic"): Request panics on a reused
// id with awaitingMut held; a recovered panic leaves the connection's mutex locked.
type asyncResult struct {
	val []byte
	err error
}

type rawConnection struct {
	awaitingMut sync.Mutex
	awaiting    map[int]chan asyncResult
}

// A panic is not an exit by itself; it is one here because the connection's dispatch
// recovers its handlers' panics (which stands for the recovering callers upstream).
func (c *rawConnection) Request(id int) chan asyncResult {
	c.awaitingMut.Lock() // want `c.awaitingMut stays locked if the panic at line \d+ is recovered: rawConnection.dispatch → rawConnection.Request recovers it, and the next lock of c.awaitingMut hangs`
	if _, ok := c.awaiting[id]; ok {
		panic("id taken")
	}
	rc := make(chan asyncResult, 1)
	c.awaiting[id] = rc
	c.awaitingMut.Unlock()
	return rc
}

func (c *rawConnection) dispatch(id int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("request %d: %v", id, r)
		}
	}()
	c.Request(id)
	return nil
}

// Look-alike: a panic under a lock that nothing in the package recovers ends the
// program; the lock does not matter then.
type nameRegistry struct {
	mu    sync.Mutex
	names map[string]bool
}

func (r *nameRegistry) Register(name string) {
	r.mu.Lock()
	if r.names[name] {
		panic("duplicate " + name)
	}
	r.names[name] = true
	r.mu.Unlock()
}

// ---------------------------------------------------------------------------------------
// Class 1b: mismatched releases.
// ---------------------------------------------------------------------------------------

// 14. decred/dcrdata#102 ("we were RUnlocking after a Lock, oops. This led to a fatal
// error").
type StakeInfo struct{ Height int }

type wiredDB struct {
	mtx       sync.RWMutex
	stakeInfo map[int]*StakeInfo
}

func (db *wiredDB) GetStakeInfo(h int) *StakeInfo {
	db.mtx.Lock()
	defer db.mtx.RUnlock() // want `db.mtx is held by Lock but released with RUnlock`
	return db.stakeInfo[h]
}

// 15. nspcc-dev/neo-go#1714 (oracle Run: "fatal error: sync: Unlock of unlocked
// RWMutex"): a read lock released with Unlock.
type Oracle struct {
	respMtx sync.RWMutex
	pending map[uint64]string
	run     func(n int)
}

func (o *Oracle) Run() {
	o.respMtx.RLock()
	n := len(o.pending)
	o.respMtx.Unlock() // want `o.respMtx is held by RLock but released with Unlock`
	o.run(n)
}

// 16. kubernetes/kubernetes#36901 ("Fix SA2003, deferred Lock right after locking"): a
// fake runtime with an embedded mutex defers Lock instead of Unlock.
type FakeRuntime struct {
	sync.Mutex
	CalledFunctions []string
	pods            []string
}

func (f *FakeRuntime) GetPods(all bool) []string {
	f.Lock()
	defer f.Lock() // want `deferred f.Lock\(\) locks f again instead of unlocking it`
	f.CalledFunctions = append(f.CalledFunctions, "GetPods")
	return f.pods
}

// ---------------------------------------------------------------------------------------
// Class 2: a mutex locked again, through calls, by the goroutine that holds it.
// ---------------------------------------------------------------------------------------

// 17. grafana/beyla#1321 (store.go: "Some functions invoked mutex.Lock, where their
// invokers already locked it"): a direct call under Lock.
type PodInfo struct {
	Name       string
	Containers []string
}

type Store struct {
	access          sync.Mutex
	podsByContainer map[string]*PodInfo
	pods            map[string]*PodInfo
}

func (s *Store) AddPod(pod *PodInfo) {
	s.access.Lock()
	defer s.access.Unlock()
	s.pods[pod.Name] = pod
	for _, c := range pod.Containers {
		s.addContainer(pod, c) // want `s.access is locked again while held: Store.AddPod → Store.addContainer → s.access.Lock deadlocks \(no fix`
	}
}

func (s *Store) addContainer(pod *PodInfo, id string) {
	s.access.Lock()
	defer s.access.Unlock()
	s.podsByContainer[id] = pod
}

// 18. kubernetes/ingress-gce#2053 ("Deferring lock create deadlock with
// commitTransaction"): sync holds syncLock to its end and reaches a Lock two calls down.
type syncer struct {
	syncLock sync.Mutex
	pending  []string
	txns     map[string]bool
}

func (s *syncer) sync() error {
	s.syncLock.Lock()
	defer s.syncLock.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	s.commit() // want `s.syncLock is locked again while held: syncer.sync → syncer.commit → syncer.commitTransaction → s.syncLock.Lock deadlocks \(no fix`
	return nil
}

func (s *syncer) commit() {
	for _, p := range s.pending {
		s.commitTransaction(p)
	}
}

func (s *syncer) commitTransaction(p string) {
	s.syncLock.Lock()
	defer s.syncLock.Unlock()
	s.txns[p] = true
}

// 19. kubesphere/kubesphere#5941 (clusterclient GetInnerCluster: "the read lock has not
// been released and we are trying to acquire the write lock"): an RLock→Lock upgrade
// through a call, with an embedded RWMutex.
type innerCluster struct{ name string }

type clusterClients struct {
	sync.RWMutex
	innerClusters map[string]*innerCluster
	lister        func(string) (*innerCluster, error)
}

func (c *clusterClients) GetInnerCluster(name string) (*innerCluster, error) {
	c.RLock()
	defer c.RUnlock()
	if inner, ok := c.innerClusters[name]; ok {
		return inner, nil
	}
	cl, err := c.lister(name)
	if err != nil {
		return nil, err
	}
	c.addCluster(cl) // want `c is locked for writing while its read lock is held: clusterClients.GetInnerCluster → clusterClients.addCluster → c.Lock deadlocks \(no fix`
	return cl, nil
}

func (c *clusterClients) addCluster(cl *innerCluster) {
	c.Lock()
	defer c.Unlock()
	c.innerClusters[cl.name] = cl
}

// 20. hashicorp/consul#2130 (rtt.go): getDatacentersByDistance holds remoteLock's read
// lock through sortDatacentersByDistance and getDatacenterDistance to
// getNodesForDatacenter, which read-locks it again; AddServer write-locks it.
type Server struct {
	remoteLock    sync.RWMutex
	remoteConsuls map[string][]string
	rtt           map[string]float64
}

func (s *Server) getDatacentersByDistance() []string {
	s.remoteLock.RLock()
	defer s.remoteLock.RUnlock()
	var dcs []string
	for dc := range s.remoteConsuls {
		dcs = append(dcs, dc)
	}
	s.sortDatacentersByDistance(dcs) // want `s.remoteLock is read-locked again while its read lock is held: Server.getDatacentersByDistance → Server.sortDatacentersByDistance → Server.getDatacenterDistance → Server.getNodesForDatacenter → s.remoteLock.RLock deadlocks when a writer waits in between \(no fix`
	return dcs
}

func (s *Server) sortDatacentersByDistance(dcs []string) {
	for i := 1; i < len(dcs); i++ {
		if s.getDatacenterDistance(dcs[i]) < s.getDatacenterDistance(dcs[i-1]) {
			dcs[i], dcs[i-1] = dcs[i-1], dcs[i]
		}
	}
}

func (s *Server) getDatacenterDistance(dc string) float64 {
	var sum float64
	for _, n := range s.getNodesForDatacenter(dc) {
		sum += s.rtt[n]
	}
	return sum
}

func (s *Server) getNodesForDatacenter(dc string) []string {
	s.remoteLock.RLock()
	defer s.remoteLock.RUnlock()
	return s.remoteConsuls[dc]
}

func (s *Server) AddServer(dc, node string) {
	s.remoteLock.Lock()
	defer s.remoteLock.Unlock()
	s.remoteConsuls[dc] = append(s.remoteConsuls[dc], node)
}

// 21. cockroachdb/cockroach#52540 (kvserver checkExecutionCanProceed: "acquiring an
// RLock and then calling getFreezeStart which acquires the same RLock").
type replicaMu struct {
	sync.RWMutex
	mergeComplete chan struct{}
	freezeStart   int64
}

type Replica struct {
	mu replicaMu
}

func (r *Replica) checkExecutionCanProceed(ts int64) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.mu.mergeComplete != nil && ts >= r.getFreezeStart() { // want `r.mu is read-locked again while its read lock is held: Replica.checkExecutionCanProceed → Replica.getFreezeStart → r.mu.RLock deadlocks when a writer waits in between \(no fix`
		return errors.New("merge in progress")
	}
	return nil
}

func (r *Replica) getFreezeStart() int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.mu.freezeStart
}

func (r *Replica) setFreezeStart(ts int64) {
	r.mu.Lock()
	r.mu.freezeStart = ts
	r.mu.Unlock()
}

// 22. nats-io/nats-server#6527 ("In s.accountInfo(accName) we get the read lock on the
// account, but when going into a.getNameTag() we get the read lock again"): the mutex of
// a local variable, not of the receiver.
type Account struct {
	mu      sync.RWMutex
	name    string
	nameTag string
	conns   int
}

type natsServer struct {
	accounts map[string]*Account
}

func (s *natsServer) accountInfo(accName string) string {
	a := s.accounts[accName]
	if a == nil {
		return ""
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return fmt.Sprintf("%s (%s): %d conns", a.name, a.getNameTag(), a.conns) // want `a.mu is read-locked again while its read lock is held: natsServer.accountInfo → Account.getNameTag → a.mu.RLock deadlocks when a writer waits in between \(no fix`
}

func (a *Account) getNameTag() string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.nameTag
}

func (a *Account) addConn() {
	a.mu.Lock()
	a.conns++
	a.mu.Unlock()
}

// 23. didip/tollbooth#107 ("Including the function in the lock may result in a deadlock
// if there are any method calls in the function that call RLock again"): the callback
// runs under the read lock and reads the message through GetMessage.
type Limiter struct {
	sync.RWMutex
	message        string
	onLimitReached func(w http.ResponseWriter, r *http.Request)
}

func NewLimiter() *Limiter {
	l := &Limiter{message: "You have reached maximum request limit."}
	l.onLimitReached = func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, l.GetMessage(), http.StatusTooManyRequests)
	}
	return l
}

func (l *Limiter) GetMessage() string {
	l.RLock()
	defer l.RUnlock()
	return l.message
}

func (l *Limiter) SetMessage(m string) {
	l.Lock()
	defer l.Unlock()
	l.message = m
}

// The re-lock is behind a call of a function value (l.onLimitReached): the literal that
// NewLimiter stores in the field works on the limiter it was stored through.
func (l *Limiter) ExecOnLimitReached(w http.ResponseWriter, r *http.Request) {
	l.RLock()
	defer l.RUnlock()
	fn := l.onLimitReached
	if fn != nil {
		fn(w, r) // want `l is read-locked again while its read lock is held: Limiter.ExecOnLimitReached → func literal at line \d+ → Limiter.GetMessage → l.RLock deadlocks when a writer waits in between \(no fix`
	}
}

// Look-alikes: a callback field whose literal takes another mutex, and one whose
// literal takes none.
type Notifier struct {
	mu      sync.Mutex
	logMu   sync.Mutex
	lines   []string
	onEvent func(string)
	onDrop  func()
}

func NewNotifier() *Notifier {
	n := &Notifier{}
	n.onEvent = func(s string) {
		n.logMu.Lock()
		n.lines = append(n.lines, s)
		n.logMu.Unlock()
	}
	n.onDrop = func() {}
	return n
}

func (n *Notifier) Notify(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.onEvent(s)
	n.onDrop()
}

// ---------------------------------------------------------------------------------------
// Class 3: a mutex held while waiting for a goroutine that locks it first.
// ---------------------------------------------------------------------------------------

// 24. neilotoole/errgroup#6 ("We acquire the lock on the mutex in Wait() ... We Wait on
// the WaitGroup ... [a goroutine] ends up trying to lock the mutex too"): the group's
// goroutine records its error under g.mu before its deferred Done.
type Group struct {
	mu  sync.Mutex
	wg  sync.WaitGroup
	err error
}

func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
		}
	}()
}

func (g *Group) Wait() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.wg.Wait() // want `g.wg.Wait\(\) waits with g.mu held, and a goroutine it waits for locks it first \(func literal at line \d+ → g.mu.Lock\): deadlock \(no fix`
	return g.err
}

// 25. googlearchive/compute-user-accounts#16 ("GroupByName is holding an RLock, while
// blocking on a push to the updateWaiters channel. This channel is serviced by the update
// goroutine which may be blocked trying to acquire a Lock").
type UserGroup struct{ Name string }

type accountCache struct {
	mu            sync.RWMutex
	groups        map[string]*UserGroup
	updateWaiters chan chan struct{}
	fetch         func() map[string]*UserGroup
}

func newAccountCache(fetch func() map[string]*UserGroup, every time.Duration) *accountCache {
	c := &accountCache{updateWaiters: make(chan chan struct{}), fetch: fetch}
	go c.updateLoop(every)
	return c
}

func (c *accountCache) updateLoop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var waiters []chan struct{}
	for {
		select {
		case w := <-c.updateWaiters:
			waiters = append(waiters, w)
		case <-t.C:
			groups := c.fetch()
			c.mu.Lock()
			c.groups = groups
			c.mu.Unlock()
			for _, w := range waiters {
				close(w)
			}
			waiters = nil
		}
	}
}

func (c *accountCache) GroupByName(name string) (*UserGroup, bool) {
	c.mu.RLock()
	if g, ok := c.groups[name]; ok {
		c.mu.RUnlock()
		return g, true
	}
	w := make(chan struct{})
	c.updateWaiters <- w // want `send on c.updateWaiters blocks with c.mu held, and its receiver locks it first \(accountCache.updateLoop → c.mu.Lock\): deadlock \(no fix`
	c.mu.RUnlock()
	<-w
	c.mu.RLock()
	defer c.mu.RUnlock()
	g, ok := c.groups[name]
	return g, ok
}

// 26. dusk-network/dusk-blockchain#669 ("Deadlock of Coordinator.lock mutex on stopping
// consensus"): StopConsensus waits for the round loop's stopped signal with c.lock held,
// and the loop takes c.lock for each event before it looks at quit again.
type roundEvent struct{ round uint64 }

type Coordinator struct {
	lock    sync.Mutex
	round   uint64
	events  chan roundEvent
	quit    chan struct{}
	stopped chan struct{}
}

func (c *Coordinator) StartConsensus() {
	c.events, c.quit, c.stopped = make(chan roundEvent), make(chan struct{}), make(chan struct{})
	go func() {
		for {
			select {
			case <-c.quit:
				close(c.stopped)
				return
			case ev := <-c.events:
				c.lock.Lock()
				c.round = ev.round
				c.lock.Unlock()
			}
		}
	}()
}

func (c *Coordinator) StopConsensus() {
	c.lock.Lock()
	defer c.lock.Unlock()
	close(c.quit)
	<-c.stopped // want `receive from c.stopped blocks with c.lock held, and its sender locks it first \(func literal at line \d+ → c.lock.Lock\): deadlock \(no fix`
}

// 27. fnproject/fn#920 (pure_runner: "Blocking channel operations while holding mutex
// causes deadlocks"): Finalize waits for done with ch.mu held; the receiver goroutine
// closes done in a deferred call and locks ch.mu for each message.
type callHandle struct {
	mu    sync.Mutex
	in    chan []byte
	quit  chan struct{}
	done  chan struct{}
	bytes int
	err   error
}

func (ch *callHandle) startReceiver() {
	ch.in, ch.quit, ch.done = make(chan []byte), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ch.done)
		for {
			select {
			case <-ch.quit:
				return
			case msg := <-ch.in:
				ch.mu.Lock()
				ch.bytes += len(msg)
				ch.mu.Unlock()
			}
		}
	}()
}

// The only close of ch.done is deferred: it runs at the goroutine's exits, which its
// Lock reaches.
func (ch *callHandle) Finalize() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	close(ch.quit)
	<-ch.done // want `receive from ch.done blocks with ch.mu held, and its sender locks it first \(func literal at line \d+ → ch.mu.Lock\): deadlock`
	return ch.err
}

// 28. scmhub/ibsync#21 ("When a message is published via the channel, the state remains
// locked. So if the receiver of the message tries to get some info, for example
// ib.Trades() this will hang"): the receiver handles the previous message with Trades.
type Trade struct{ ID int }

type IB struct {
	mu      sync.Mutex
	trades  []Trade
	updates chan Trade
	out     func(int)
}

func (ib *IB) Connect() {
	ib.updates = make(chan Trade)
	go ib.watch()
}

func (ib *IB) watch() {
	for t := range ib.updates {
		ib.report(t)
	}
}

func (ib *IB) report(t Trade) {
	ib.out(t.ID + len(ib.Trades()))
}

func (ib *IB) Trades() []Trade {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	return append([]Trade(nil), ib.trades...)
}

// The receiver is a range loop whose body locks: the next iteration's receive comes
// after the Lock.
func (ib *IB) onExecution(t Trade) {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	ib.trades = append(ib.trades, t)
	ib.updates <- t // want `send on ib.updates blocks with ib.mu held, and its receiver locks it first \(IB.watch → IB.report → IB.Trades → ib.mu.Lock\): deadlock`
}

// 29. treeverse/lakeFS#1390 ("New closer gets the mutex and writes to channel. When this
// channel gets full, it still holds the mutex"): a buffered send under the lock, whose
// receiver takes the lock after each item.
type batchWriter struct{ name string }

type BatchCloser struct {
	mu      sync.Mutex
	ch      chan *batchWriter
	pending int
	close   func(*batchWriter)
}

func NewBatchCloser(n int, closeFn func(*batchWriter)) *BatchCloser {
	bc := &BatchCloser{ch: make(chan *batchWriter, 100), close: closeFn}
	go bc.closer()
	return bc
}

func (bc *BatchCloser) closer() {
	for w := range bc.ch {
		bc.close(w)
		bc.mu.Lock()
		bc.pending--
		bc.mu.Unlock()
	}
}

// The send blocks only once the buffer is full, which is exactly when this one deadlocks.
func (bc *BatchCloser) CloseWriterAsync(w *batchWriter) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	bc.pending++
	bc.ch <- w // want `send on bc.ch, once its buffer of 100 is full, blocks with bc.mu held, and its receiver locks it first \(BatchCloser.closer → bc.mu.Lock\): deadlock`
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must not be reported.
// ---------------------------------------------------------------------------------------

// A. grpc/grpc-go#795, as fixed: GracefulStop defers the Unlock, so the early return for
// a second call releases it.
type grpcServer struct {
	mu    sync.Mutex
	conns map[int]bool
	done  bool
}

func (s *grpcServer) GracefulStop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	s.done = true
	for c := range s.conns {
		delete(s.conns, c)
	}
}

// B. kubestellar/kubestellar#3945 and cockroachdb/cockroach#52540, as fixed: the caller
// holds the read lock and calls a ...Locked variant that does not lock.
type resolution struct {
	sync.RWMutex
	status map[string]int
}

func (c *resolution) compare(k string, want int) bool {
	c.RLock()
	defer c.RUnlock()
	return c.generateLocked(k) == want
}

func (c *resolution) generate(k string) int {
	c.RLock()
	defer c.RUnlock()
	return c.generateLocked(k)
}

func (c *resolution) generateLocked(k string) int { return c.status[k] * 2 }

func (c *resolution) set(k string, v int) {
	c.Lock()
	defer c.Unlock()
	c.status[k] = v
}

// C. golang/go#44049: read-locked lookup, released, then the write lock and a second
// check (no upgrade while the read lock is held).
var (
	cachedServicesMu sync.RWMutex
	cachedServices   = map[string]*connectedService{}
)

type connectedService struct{ name string }

func connectToService(name string, dial func(string) (*connectedService, error)) (*connectedService, error) {
	cachedServicesMu.RLock()
	svc, ok := cachedServices[name]
	cachedServicesMu.RUnlock()
	if ok {
		return svc, nil
	}
	cachedServicesMu.Lock()
	defer cachedServicesMu.Unlock()
	if svc, ok := cachedServices[name]; ok {
		return svc, nil
	}
	svc, err := dial(name)
	if err != nil {
		return nil, err
	}
	cachedServices[name] = svc
	return svc, nil
}

// D. viamrobotics/goutils#361, as fixed: Stop releases the lock before waiting for the
// workers, which take it.
type StoppableWorkers struct {
	mu      sync.Mutex
	workers sync.WaitGroup
	stopped bool
	cancel  context.CancelFunc
	ticks   int
}

func (sw *StoppableWorkers) Add(ctx context.Context, work func(context.Context)) {
	sw.workers.Add(1)
	go func() {
		defer sw.workers.Done()
		work(ctx)
		sw.mu.Lock()
		sw.ticks++
		sw.mu.Unlock()
	}()
}

func (sw *StoppableWorkers) Stop() {
	sw.mu.Lock()
	if sw.stopped {
		sw.mu.Unlock()
		return
	}
	sw.stopped = true
	sw.cancel()
	sw.mu.Unlock()
	sw.workers.Wait()
}

// E. sensu/sensu-go#1264, as fixed: the reset channel is buffered, so the send under the
// lock does not wait for the loop.
type monitor struct {
	mu      sync.Mutex
	reset   chan struct{}
	failing int
	timeout time.Duration
}

func newMonitor(timeout time.Duration) *monitor {
	m := &monitor{reset: make(chan struct{}, 1), timeout: timeout}
	go m.loop()
	return m
}

func (m *monitor) loop() {
	t := time.NewTimer(m.timeout)
	for {
		select {
		case <-m.reset:
			t.Reset(m.timeout)
		case <-t.C:
			m.mu.Lock()
			m.failing++
			m.mu.Unlock()
		}
	}
}

func (m *monitor) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case m.reset <- struct{}{}:
	default:
	}
}

// F. googlearchive/compute-user-accounts#16, as fixed: "do not block on the channel
// push": a select with a default case under the read lock.
type groupCache struct {
	mu      sync.RWMutex
	groups  map[string]*UserGroup
	refresh chan struct{}
}

func newGroupCache() *groupCache {
	c := &groupCache{refresh: make(chan struct{})}
	go func() {
		for range c.refresh {
			c.mu.Lock()
			c.groups = map[string]*UserGroup{}
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *groupCache) Lookup(name string) *UserGroup {
	c.mu.RLock()
	defer c.mu.RUnlock()
	g := c.groups[name]
	if g == nil {
		select {
		case c.refresh <- struct{}{}:
		default:
		}
	}
	return g
}

// G. Hand-over locking (the shape of moby's container.Lock callers): lockedTask returns
// with the lock held on its main path, and the caller releases it.
type taskTable struct {
	mu    sync.Mutex
	tasks map[string]int
}

// lockedTask returns the task's state with t.mu held; the caller must Unlock.
func (t *taskTable) lockedTask(id string) (int, bool) {
	t.mu.Lock()
	st, ok := t.tasks[id]
	if !ok {
		t.mu.Unlock()
		return 0, false
	}
	return st, true
}

func (t *taskTable) bump(id string) {
	st, ok := t.lockedTask(id)
	if !ok {
		return
	}
	t.tasks[id] = st + 1
	t.mu.Unlock()
}

// H. go-co-op/gocron style: a job guarded by TryLock skips a run that would overlap.
type singletonJob struct {
	mu   sync.Mutex
	runs int
}

func (j *singletonJob) run(f func()) {
	if !j.mu.TryLock() {
		return
	}
	defer j.mu.Unlock()
	j.runs++
	f()
}

// I. A refresh started by a go statement under the lock: the goroutine waits for the lock,
// which the caller releases on return.
type tokenSource struct {
	mu      sync.Mutex
	token   string
	expires time.Time
	fetch   func() (string, time.Time)
}

func (ts *tokenSource) Token() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if time.Until(ts.expires) < time.Minute {
		go ts.refresh()
	}
	return ts.token
}

func (ts *tokenSource) refresh() {
	tok, exp := ts.fetch()
	ts.mu.Lock()
	ts.token, ts.expires = tok, exp
	ts.mu.Unlock()
}

// J. A loop that releases before continue and before break.
type ring struct {
	mu    sync.Mutex
	items map[int]string
}

func (r *ring) drop(ids []int) int {
	n := 0
	for _, id := range ids {
		r.mu.Lock()
		if _, ok := r.items[id]; !ok {
			r.mu.Unlock()
			continue
		}
		if id < 0 {
			r.mu.Unlock()
			break
		}
		delete(r.items, id)
		n++
		r.mu.Unlock()
	}
	return n
}

// K. wg.Wait under the lock, but the workers touch only their own slot and never the
// lock (the pattern of kubernetes' parallelize helpers).
type fanout struct {
	mu      sync.Mutex
	results []int
}

func (f *fanout) runAll(work []func() int) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.results = make([]int, len(work))
	out := f.results
	var wg sync.WaitGroup
	for i, w := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = w()
		}()
	}
	wg.Wait()
	return out
}

// L. Recursive read locks on a mutex the package never write-locks (the map is filled
// before it is shared): no writer can wait in between.
type registry struct {
	mu      sync.RWMutex
	aliases map[string]string
	names   map[string]int
}

func newRegistry(aliases map[string]string, names map[string]int) *registry {
	return &registry{aliases: aliases, names: names}
}

func (r *registry) lookup(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if a, ok := r.aliases[name]; ok {
		return r.byName(a)
	}
	return r.names[name]
}

func (r *registry) byName(n string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.names[n]
}
