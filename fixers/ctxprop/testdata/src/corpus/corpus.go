// Package corpus holds context bugs modelled on upstream reports, one function or small
// type each, for counting what ctxprop reports and fixes (issue 15; see corpus_test.go).
// Each case cites its report; the look-alikes at the end are correct code that must not
// be reported.
//
// Counts: 23 cases, all reported, 22 of them fixed, 1 reported without a fix (3: two
// contexts in scope, the caller's and the derived one). Missed before session 12: 6 (nil
// given to the package's own method, which may take nil as a sentinel) and 7
// (context.Background() as the parent of context.WithTimeout, often a deliberate fresh
// deadline). 8 look-alikes (24-31), none reported. 29-31 were fixed
// wrongly before session 11: 29 hands the request's context to a queue that runs the job
// after the response, 30 and 31 passed a derived context the function had cancelled.
package corpus

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// ---------------------------------------------------------------------------------------
// Class 4: a context in scope and not passed on.
// ---------------------------------------------------------------------------------------

type signupRequest struct{ Email string }

type coreClient interface {
	Handshake(ctx context.Context, req *signupRequest) (string, error)
}

// 1. ubclaunchpad/pinpoint#101 ("gateway: replace context.Background() with r.Context()
// in gRPC requests"): the gateway's handler calls the core service with a fresh context,
// so a client that hangs up leaves the RPC running.
type gateway struct {
	core coreClient
}

func (g *gateway) handleSignup(w http.ResponseWriter, r *http.Request) {
	var req signupRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	msg, err := g.core.Handshake(context.Background(), &req) // want `context\.Background\(\) passed while r\.Context\(\) is in scope`
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintln(w, msg)
}

// 2. stacklok/toolhive#3285 ("In some places, we are using the background context when we
// could use request context instead"): the handler copies the request's context into ctx
// for its first call and passes context.TODO() to the second.
type workloadStore interface {
	Get(ctx context.Context, name string) (string, error)
	Logs(ctx context.Context, name string) (string, error)
}

type workloadAPI struct {
	store workloadStore
}

func (a *workloadAPI) logs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("name")
	if _, err := a.store.Get(ctx, name); err != nil {
		http.NotFound(w, r)
		return
	}
	out, err := a.store.Logs(context.TODO(), name) // want `context\.TODO\(\) passed while r\.Context\(\) is in scope`
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	io.WriteString(w, out)
}

// 3. letsencrypt/boulder#8635 ("places where we were using context.Background(), but
// actually had a perfectly good parent context"): the CAA check derives its own timeout
// from the caller's context, then calls the VA with a fresh one. Reported without a fix:
// both ctx and caaCtx are in scope, and ctxprop does not choose the derived one.
type vaClient interface {
	IsCAAValid(ctx context.Context, domain string) (bool, error)
}

type registrationAuthority struct {
	va         vaClient
	caaTimeout time.Duration
}

func (ra *registrationAuthority) checkCAA(ctx context.Context, domain string) error {
	caaCtx, cancel := context.WithTimeout(ctx, ra.caaTimeout)
	defer cancel()
	ok, err := ra.va.IsCAAValid(context.Background(), domain) // want `context\.Background\(\) passed while a context is in scope \(no fix: several contexts in scope: ctx, caaCtx\)`
	if err != nil {
		return err
	}
	if !ok || caaCtx.Err() != nil {
		return fmt.Errorf("CAA check for %s failed", domain)
	}
	return nil
}

// 4. micromdm/micromdm#169 ("use context.TODO instead of nil context: according to the
// library docs, a nil context should never be passed"): the push service builds its
// request with a nil context although its caller's is in scope.
type pushService struct {
	client *http.Client
	url    string
}

func (s *pushService) push(ctx context.Context, udid string) error {
	req, err := http.NewRequestWithContext(nil, http.MethodPost, s.url+"/"+udid, nil) // want `nil passed as a context\.Context`
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("push %s: %s", udid, resp.Status)
	}
	return nil
}

// 5. milvus-io/milvus#10406 ("nil context.Context passed to function ... pass
// context.TODO if you are unsure"): a store's health check pings with a nil context,
// and no context is in scope.
type store struct {
	db *sql.DB
}

func (s *store) healthy() bool {
	return s.db.PingContext(nil) == nil // want `nil passed as a context\.Context`
}

// 6. influxdata/influxdb#18137 ("The v2 client .Query() wraps .QueryContext() by passing
// a nil context value. This will cause a panic if any code attempts to actually utilize
// any of the context's method set"): the wrapper passes nil to its own package's method.
//
// Fixed with context.TODO() (no context is in scope): nil given to a function of the
// package itself is otherwise taken for a possible sentinel, but QueryContext's only nil
// test turns nil into context.Background(), so a context changes nothing but the bug.
type influxClient struct {
	http *http.Client
	addr string
}

func (c *influxClient) Query(q string) (string, error) {
	return c.QueryContext(nil, q) // want `nil passed as a context\.Context`
}

func (c *influxClient) QueryContext(ctx context.Context, q string) (string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.addr+"/query", strings.NewReader(q))
	if err != nil {
		return "", err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// 7. canonical/go-dqlite#381 ("A new Context object was previously created for
// dialContext without associating it with the top-level context. As a result, timeouts
// from the top-level context were not propagated"): the dial timeout is derived from
// context.Background() inside a function given ctx.
//
// Fixed: the derived context is used only for the function's work (the dial, and its
// Err after the check), so its parent should be ctx. Deriving from context.Background()
// for a clean-up, a hand-off, after ctx ended, or under a comment stays alone.
type connector struct {
	dialTimeout time.Duration
	dial        func(ctx context.Context, addr string) (net.Conn, error)
}

func (c *connector) connectAttempt(ctx context.Context, addr string) (net.Conn, error) {
	dialCtx, cancel := context.WithTimeout(context.Background(), c.dialTimeout) // want `context\.Background\(\) is the parent of dialCtx while ctx is in scope`
	defer cancel()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.dial(dialCtx, addr)
}

// 8. cosmos/cosmos-sdk#7834 ("Limit the use of context.Background ... In many cases we
// can access a context from some of the function arguments"): the pruner's callback, run
// by forEach before it returns, deletes each key with a fresh context.
//
// Missed before session 11, when contexts of outer functions counted only through
// literals called on the spot. forEach only calls fn (model.RunsBeforeReturn): fixed.
type pruner struct {
	db *sql.DB
}

func forEach(keys []string, fn func(string) error) error {
	for _, k := range keys {
		if err := fn(k); err != nil {
			return err
		}
	}
	return nil
}

func (p *pruner) prune(ctx context.Context, keys []string) error {
	return forEach(keys, func(k string) error {
		_, err := p.db.ExecContext(context.Background(), "DELETE FROM kv WHERE k = ?", k) // want `context\.Background\(\) passed while ctx is in scope`
		return err
	})
}

// 9. berachain/beacon-kit#2376 ("Remove uses of context.Background() ... We should only
// use this in top-level code like in main and tests"): a worker's select loop saves each
// job with a fresh context; only the ctx.Done() case ends the loop.
type job struct{ ID string }

type jobStore interface {
	Save(ctx context.Context, j job) error
}

type worker struct {
	store jobStore
}

func (w *worker) run(ctx context.Context, jobs <-chan job) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case j := <-jobs:
			if err := w.store.Save(context.Background(), j); err != nil { // want `context\.Background\(\) passed while ctx is in scope`
				return err
			}
		}
	}
}

// ---------------------------------------------------------------------------------------
// Class 5: standard library calls that have a context-taking twin.
// ---------------------------------------------------------------------------------------

// 10. clusterlink-net/clusterlink#684 ("enable noctx linter and fix errors"): the control
// plane's health handler probes its API with http.Get.
type controlPlane struct {
	apiPort int
}

func (c *controlPlane) health(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get(fmt.Sprintf("https://127.0.0.1:%d", c.apiPort)) // want `http\.Get called while r\.Context\(\) is in scope; http\.NewRequestWithContext and \(\*http\.Client\)\.Do take it`
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
}

// 11. nginx/nginx-prometheus-exporter#200 ("Add more linters": GetStubStats with
// client.httpClient.Get): the scrape's context is given and the stub status is fetched
// without it.
type StubStats struct {
	Active int
}

type nginxClient struct {
	apiEndpoint string
	httpClient  *http.Client
}

func (c *nginxClient) stubStats(ctx context.Context) (*StubStats, error) {
	resp, err := c.httpClient.Get(c.apiEndpoint) // want `\(\*http\.Client\)\.Get called while ctx is in scope; http\.NewRequestWithContext and \(\*http\.Client\)\.Do take it`
	if err != nil {
		return nil, fmt.Errorf("failed to get %v: %w", c.apiEndpoint, err)
	}
	defer resp.Body.Close()
	var s StubStats
	if _, err := fmt.Fscanf(resp.Body, "Active connections: %d", &s.Active); err != nil {
		return nil, err
	}
	return &s, nil
}

// 12. dependabot/cli#571 ("Fix noctx lint errors": http.Post → http.NewRequestWithContext
// + http.DefaultClient.Do): the updater posts its job result with http.Post.
type apiClient struct {
	base string
}

func (a *apiClient) markFinished(ctx context.Context, jobID string, payload []byte) error {
	resp, err := http.Post(a.base+"/jobs/"+jobID+"/finish", "application/json", bytes.NewReader(payload)) // want `http\.Post called while ctx is in scope; http\.NewRequestWithContext and \(\*http\.Client\)\.Do take it`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("finish %s: %s", jobID, resp.Status)
	}
	return nil
}

// 13. lima-vm/lima#2130 ("Enable noctx linter", review: "ctx should be passed from the
// caller of Leases()"): the usernet client's leases, with the response and error declared
// before a retry loop.
type usernetClient struct {
	client *http.Client
	base   string
}

func (c *usernetClient) leases(ctx context.Context, tries int) (map[string]string, error) {
	var (
		resp *http.Response
		err  error
	)
	for i := 0; i < tries; i++ {
		resp, err = c.client.Get(c.base + "/services/dhcp/leases") // want `\(\*http\.Client\)\.Get called while ctx is in scope; http\.NewRequestWithContext and \(\*http\.Client\)\.Do take it`
		if err == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	leases := map[string]string{}
	err = json.NewDecoder(resp.Body).Decode(&leases)
	return leases, err
}

// 14. uber/tchannel-go#540 ("newOutboundConnection should use net.DialContext (instead of
// net.DialTimeout) ... prone to causing goroutine leaks if the calling goroutine exits
// before the dial operation returns").
type channel struct {
	connectTimeout time.Duration
}

func (ch *channel) newOutboundConnection(ctx context.Context, hostPort string) (net.Conn, error) {
	conn, err := net.DialTimeout("tcp", hostPort, ch.connectTimeout) // want `net\.DialTimeout called while ctx is in scope; \(&net\.Dialer\{Timeout: timeout\}\)\.DialContext takes it`
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", hostPort, err)
	}
	return conn, nil
}

// 15. 0xERR0R/blocky#1952 ("use context based versions of net.Listen and net.Dial"): the
// upstream resolver dials with net.Dial although its query's context is given.
type upstream struct {
	addr string
}

func (u *upstream) exchange(ctx context.Context, msg []byte) ([]byte, error) {
	conn, err := net.Dial("udp", u.addr) // want `net\.Dial called while ctx is in scope; \(&net\.Dialer\{\}\)\.DialContext takes it`
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.Write(msg); err != nil {
		return nil, err
	}
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	return buf[:n], err
}

// 16. simplesurance/baur#158 ("exec: kill command when context is cancelled ... Cmd.Run()
// ... must support to kill the process when a passed ctx is cancelled"): the command is
// built, configured over several statements, then run.
type taskRunner struct {
	dir string
	env []string
}

func (t *taskRunner) run(ctx context.Context, name string, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(name, args...) // want `exec\.Command called while ctx is in scope; exec\.CommandContext takes it`
	cmd.Dir = t.dir
	cmd.Env = append(cmd.Environ(), t.env...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s: %w", name, err)
	}
	return out.String(), nil
}

// 17. higebu/3gpp-mcp#106 ("db: no context propagation, so a cancelled MCP request keeps
// querying ... uses d.conn.Query/QueryRow throughout").
type specDB struct {
	conn *sql.DB
}

func (d *specDB) search(ctx context.Context, term string, limit int) ([]string, error) {
	rows, err := d.conn.Query("SELECT id FROM sections WHERE sections MATCH ? LIMIT ?", term, limit) // want `\(\*sql\.DB\)\.Query called while ctx is in scope; \(\*sql\.DB\)\.QueryContext takes it`
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// 18. decred/dcrdata#636 ("Use context for timeout/cancel in SQL driver ... To prevent
// queries from piling up when the server is overloaded"): a single-row lookup.
type explorerDB struct {
	db *sql.DB
}

func (e *explorerDB) blockHeight(ctx context.Context, hash string) (int64, error) {
	var h int64
	err := e.db.QueryRow("SELECT height FROM blocks WHERE hash = $1", hash).Scan(&h) // want `\(\*sql\.DB\)\.QueryRow called while ctx is in scope; \(\*sql\.DB\)\.QueryRowContext takes it`
	return h, err
}

// 19. doug-martin/goqu#59 ("When calling Exec without Context, the call chain will hang
// until the database connection is allowed to execute the query, even if the client
// cancels"): a transaction begun and written without the context.
type ledger struct {
	db *sql.DB
}

func (l *ledger) transfer(ctx context.Context, from, to string, amount int64) error {
	tx, err := l.db.Begin() // want `\(\*sql\.DB\)\.Begin called while ctx is in scope; \(\*sql\.DB\)\.BeginTx takes it`
	if err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, from); err != nil { // want `\(\*sql\.Tx\)\.Exec called while ctx is in scope; \(\*sql\.Tx\)\.ExecContext takes it`
		tx.Rollback()
		return err
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, to); err != nil { // want `\(\*sql\.Tx\)\.Exec called while ctx is in scope; \(\*sql\.Tx\)\.ExecContext takes it`
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// 20. GoogleCloudPlatform/cloud-sql-go-connector#409 ("Use HandshakeContext when
// possible ... Handshake could hang for minutes"): the dialer's explicit handshake.
type sqlDialer struct {
	cfg *tls.Config
}

func (d *sqlDialer) dialInstance(ctx context.Context, addr string) (net.Conn, error) {
	var dialer net.Dialer
	raw, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	tlsConn := tls.Client(raw, d.cfg)
	if err := tlsConn.Handshake(); err != nil { // want `\(\*tls\.Conn\)\.Handshake called while ctx is in scope; \(\*tls\.Conn\)\.HandshakeContext takes it`
		tlsConn.Close()
		return nil, err
	}
	return tlsConn, nil
}

// 21. pganalyze/collector#565 ("replaces all calls of http.NewRequest with
// http.NewRequestWithContext, to ensure that the HTTP client stops what its doing
// immediately when the context gets canceled"): the snapshot upload builds its request
// with http.NewRequest.
type snapshotUploader struct {
	client *http.Client
	url    string
}

func (u *snapshotUploader) upload(ctx context.Context, snapshot []byte) error {
	req, err := http.NewRequest(http.MethodPut, u.url, bytes.NewReader(snapshot)) // want `http\.NewRequest called while ctx is in scope; http\.NewRequestWithContext takes it`
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := u.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upload: %s", resp.Status)
	}
	return nil
}

// 22. pganalyze/collector#565 again, the fan-out shape: each server's snapshot is uploaded
// by a goroutine that the function waits for, with http.NewRequest.
//
// Missed before session 11, when calls in go statements were all skipped. The function
// waits for these goroutines on every path (model.Spawn.MayReturnBefore): fixed.
func (u *snapshotUploader) uploadAll(ctx context.Context, snapshots map[string][]byte) []error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for server, snap := range snapshots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodPut, u.url+"/"+server, bytes.NewReader(snap)) // want `http\.NewRequest called while ctx is in scope; http\.NewRequestWithContext takes it`
			if err == nil {
				var resp *http.Response
				if resp, err = u.client.Do(req); err == nil {
					resp.Body.Close()
				}
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

// 23. google/osv-scalibr#544 ("fix: always provide a context when making http
// requests"): a generic JSON helper of the client fetches with http.Get.
func getJSON[T any](ctx context.Context, url string) (T, error) {
	var v T
	resp, err := http.Get(url) // want `http\.Get called while ctx is in scope; http\.NewRequestWithContext and \(\*http\.Client\)\.Do take it`
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&v)
	return v, err
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must not be reported.
// ---------------------------------------------------------------------------------------

// 24. m3o/backend#478 ("Use a background context rather than the request one which will
// get cancelled when request is done"): the audit record outlives the request, and the
// comment says so.
type auditLog interface {
	Record(ctx context.Context, event string) error
}

type billing struct {
	audit auditLog
}

func (b *billing) charge(w http.ResponseWriter, r *http.Request) {
	// Detached: the record must be written even if the client has gone.
	_ = b.audit.Record(context.Background(), "charge "+r.URL.Path)
	w.WriteHeader(http.StatusAccepted)
}

// 25. google/trillian#3789 ("When the application terminates, it passes a canceled
// context.Context to election.Close() ... preventing the leadership lease from being
// released"): after <-ctx.Done() the resignation needs a fresh context.
type election interface {
	Await(ctx context.Context) error
	Resign(ctx context.Context) error
}

func runElection(ctx context.Context, e election, resignTimeout time.Duration) error {
	if err := e.Await(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	rctx, cancel := context.WithTimeout(context.Background(), resignTimeout)
	defer cancel()
	return e.Resign(rctx)
}

// 26. github/copilot-sdk#668 ("(Go SDK) Cancelling a context, passed to client.Start,
// kills the copilot CLI process"): a server process that must outlive Start is started
// with exec.Command and handed on, not waited for.
type cliClient struct {
	cmd *exec.Cmd
}

func (c *cliClient) start(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cmd := exec.Command(path, "--server")
	if err := cmd.Start(); err != nil {
		return err
	}
	c.cmd = cmd
	return nil
}

// 27. codenotary/immudb#1424 ("replace keepAlive context from the original one to the
// background, avoiding parent expiration"): the session's keep-alive goroutine must not
// end with OpenSession's 60-second context.
type session struct {
	ping func(ctx context.Context) error
}

func (s *session) open(ctx context.Context) error {
	if err := s.ping(ctx); err != nil {
		return err
	}
	go s.keepAlive(context.Background())
	return nil
}

func (s *session) keepAlive(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for range t.C {
		if s.ping(ctx) != nil {
			return
		}
	}
}

// 28. golang/go#53970 (database/sql: "Rows must be able to hook into the same
// cancellation policy"): the rows are returned to the caller after the function's own
// timeout is cancelled by its defer; passing that context would close them.
type eventRepo struct {
	db      *sql.DB
	timeout time.Duration
}

func (r *eventRepo) recent(ctx context.Context, n int) (*sql.Rows, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if err := r.db.PingContext(ctx); err != nil {
		return nil, err
	}
	return r.db.Query("SELECT id, body FROM events ORDER BY id DESC LIMIT $1", n)
}

// ---------------------------------------------------------------------------------------
// Look-alikes that must not be fixed, which session 10's code fixed wrongly.
// ---------------------------------------------------------------------------------------

// 29. m3o/backend#478 ("Use a background context rather than the request one which will
// get cancelled when request is done"): the handler accepts the job and hands it to a
// queue that runs it after the response; the fresh context is the fix of that report,
// written without a comment.
//
// Was a WRONG FIX: r.Context() was passed, and the job cancelled when the handler
// returned 202, which is the bug the report fixed. Enqueue hands work on to run later
// (detach.go's hand-off verbs): left alone.
type jobQueue interface {
	Enqueue(ctx context.Context, j job) error
}

type jobsAPI struct {
	q jobQueue
}

func (a *jobsAPI) submit(w http.ResponseWriter, r *http.Request) {
	j := job{ID: r.FormValue("id")}
	if err := a.q.Enqueue(context.Background(), j); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// 30. primev/mev-commit#223 ("fix: dont use cancelled context"): the fetch runs under a
// derived timeout, which the function cancels as soon as the fetch returns; the write
// that follows takes a fresh context on purpose.
//
// Was a WRONG FIX: the derived context, cancelled on every path to the call, was passed,
// and Save always failed with context.Canceled. A cancel call now marks what follows as
// clean-up, like <-ctx.Done(): left alone.
type commitmentStore interface {
	Save(ctx context.Context, v string) error
}

type oracle struct {
	fetch   func(ctx context.Context) (string, error)
	store   commitmentStore
	timeout time.Duration
}

func (o *oracle) update(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	v, err := o.fetch(ctx)
	cancel()
	if err != nil {
		return err
	}
	return o.store.Save(context.Background(), v)
}

// 31. primev/mev-commit#223 again, with a twin: the insert after the cancel uses the
// context-free Exec.
//
// Was a WRONG FIX: Exec became ExecContext with the cancelled context, and always
// failed. Left alone now.
type blockIndexer struct {
	fetch   func(ctx context.Context) (string, error)
	db      *sql.DB
	timeout time.Duration
}

func (b *blockIndexer) index(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	hash, err := b.fetch(ctx)
	cancel()
	if err != nil {
		return err
	}
	_, err = b.db.Exec("INSERT INTO blocks (hash) VALUES ($1)", hash)
	return err
}
