package twins

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os/exec"
	"time"

	"twinlib"
)

// Positives.

func request(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequest("GET", url, nil) // want `http.NewRequest called while ctx is in scope; http.NewRequestWithContext takes it`
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func newRequest(ctx context.Context, url string, body io.Reader) (*http.Request, error) {
	return http.NewRequest(http.MethodPost, url, body) // want `http.NewRequest called while ctx is in scope`
}

func queries(ctx context.Context, db *sql.DB, id int) (string, error) {
	if err := db.Ping(); err != nil { // want `\(\*sql.DB\).Ping called while ctx is in scope; \(\*sql.DB\).PingContext takes it`
		return "", err
	}
	if _, err := db.Exec("DELETE FROM t WHERE id = ?", id); err != nil { // want `\(\*sql.DB\).Exec called while ctx is in scope`
		return "", err
	}
	rows, err := db.Query("SELECT name FROM t") // want `\(\*sql.DB\).Query called while ctx is in scope`
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var name string
	err = db.QueryRow("SELECT name FROM t WHERE id = ?", id).Scan(&name) // want `\(\*sql.DB\).QueryRow called while ctx is in scope`
	return name, err
}

func transaction(ctx context.Context, db *sql.DB) error {
	tx, err := db.Begin() // want `\(\*sql.DB\).Begin called while ctx is in scope; \(\*sql.DB\).BeginTx takes it`
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare("INSERT INTO t VALUES (?)") // want `\(\*sql.Tx\).Prepare called while ctx is in scope`
	if err != nil {
		return err
	}
	defer stmt.Close()
	if _, err := stmt.Exec( // want `\(\*sql.Stmt\).Exec called while ctx is in scope`
		1,
	); err != nil {
		return err
	}
	return tx.Commit()
}

func run(ctx context.Context, dir string) ([]byte, error) {
	return exec.Command("ls", dir).Output() // want `exec.Command called while ctx is in scope; exec.CommandContext takes it`
}

func runVar(ctx context.Context) error {
	var out bytes.Buffer
	cmd := exec.Command("sleep", "5") // want `exec.Command called while ctx is in scope`
	cmd.Stdout = &out
	return cmd.Run()
}

func dial(ctx context.Context, addr string) error {
	c, err := net.Dial("tcp", addr) // want `net.Dial called while ctx is in scope; \(&net.Dialer\{\}\).DialContext takes it`
	if err != nil {
		return err
	}
	return c.Close()
}

// DialTimeout is Dialer{Timeout: timeout}.Dial: the timeout stays, and the context ends
// the dial earlier when the caller gives up (uber/tchannel-go#540: "should use
// net.DialContext (instead of net.DialTimeout) ... prone to causing goroutine leaks if
// the calling goroutine exits before the dial operation returns").
func dialTimeout(ctx context.Context, addr string, d time.Duration) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second) // want `net.DialTimeout called while ctx is in scope; \(&net.Dialer\{Timeout: timeout\}\).DialContext takes it`
	if err != nil {
		return err
	}
	c.Close()
	c, err = net.DialTimeout("tcp", // want `net.DialTimeout called while ctx is in scope`
		addr,
		d,
	)
	if err != nil {
		return err
	}
	return c.Close()
}

// The timeout would be computed before the address, both by calls.
func dialOrder(ctx context.Context, addr func() string, d func() time.Duration) error {
	c, err := net.DialTimeout("tcp", addr(), d()) // want `net.DialTimeout called while ctx is in scope; .*\(no fix: the timeout and the address are computed by calls, which the rewrite would reorder\)`
	if err != nil {
		return err
	}
	return c.Close()
}

func lookup(ctx context.Context, host string) (int, error) {
	addrs, err := net.LookupHost(host) // want `net.LookupHost called while ctx is in scope; net.DefaultResolver.LookupHost takes it`
	if err != nil {
		return 0, err
	}
	port, err := net.LookupPort("tcp", "http") // want `net.LookupPort called while ctx is in scope`
	return len(addrs) + port, err
}

// A library with the FContext convention, in another package: a twin by naming
// convention only. Its contract cannot be read here, so it is reported without a fix.

func useLibrary(ctx context.Context, c *twinlib.Client, v twinlib.Client) error {
	if _, err := c.Get("k"); err != nil { // want `\(\*twinlib.Client\).Get called while ctx is in scope; \(\*twinlib.Client\).GetContext takes it \(no fix: not a documented standard library twin: its contract may differ\)`
		return err
	}
	if _, err := v.Get("k"); err != nil { // want `\(\*twinlib.Client\).Get called while ctx is in scope`
		return err
	}
	return twinlib.Fetch("u", 1, 2) // want `twinlib.Fetch called while ctx is in scope; twinlib.FetchWithContext takes it \(no fix: not a documented`
}

// The same convention in this package: its author wrote both forms and chose one; not
// reported.

type Client struct{}

func (c *Client) Get(key string) (string, error) { return c.GetContext(context.Background(), key) }

func (c *Client) GetContext(ctx context.Context, key string) (string, error) { return key, nil }

func useOwn(ctx context.Context, c *Client) (string, error) { return c.Get("k") }

// A user type whose WaitContext returns early, with an empty result, where Wait blocks
// until the work is done (the wrong fix that DESIGN.md records: rewriting x.Wait() into
// x.WaitContext(ctx) changed a documented blocking contract and added a data race).
type Job struct{ out []byte }

// Wait blocks until the job is done and returns its output.
func (j *Job) Wait() []byte { return j.out }

// WaitContext returns the output when the job is done, or nil when ctx is done first;
// the job keeps running.
func (j *Job) WaitContext(ctx context.Context) []byte { return j.out }

func collect(ctx context.Context, j *Job) []byte {
	return j.Wait() // the package's own twin: not reported
}

// Negatives.

// A twin that delegates to the plain form: calling it would recurse.
type Lazy struct{}

func (l *Lazy) Load(key string) error { return nil }

func (l *Lazy) LoadContext(ctx context.Context, key string) error { return l.Load(key) }

func useLazy(ctx context.Context, l *Lazy) error { return l.Load("k") }

// Twins whose signatures differ.
type Odd struct{}

func (Odd) Put(key string) error                                    { return nil }
func (Odd) PutContext(ctx context.Context, key int) error           { return nil }
func (Odd) Del(key string) error                                    { return nil }
func (Odd) DelContext(ctx context.Context, key string) (int, error) { return 0, nil }

func useOdd(ctx context.Context, o Odd) {
	o.Put("k")
	o.Del("k")
}

func noContext(db *sql.DB) {
	db.Ping()
	http.NewRequest("GET", "/", nil)
}

func lookupIP(ctx context.Context) {
	net.LookupIP("example.com") // DefaultResolver.LookupIP has another signature
}

func detached(ctx context.Context, db *sql.DB) {
	defer db.Exec("UNLOCK")
	go db.Ping()
	select {
	case <-ctx.Done():
		db.Exec("ROLLBACK")
	default:
	}
}

type server struct {
	cmd  *exec.Cmd
	conn net.Conn
	db   *sql.DB
}

func (s *server) start(ctx context.Context) error {
	cmd := exec.Command("daemon") // started, never waited for: outlives the function
	if err := cmd.Start(); err != nil {
		return err
	}
	s.conn, _ = net.Dial("tcp", "x:1") // kept past the call
	s.cmd = exec.Command("other")
	go exec.Command("bg").Wait()
	return nil
}

func (s *server) stmt(ctx context.Context) (*sql.Stmt, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_ = ctx
	return s.db.Prepare("SELECT 1") // the statement would die with cancel
}

// The request gets its context later.
func post(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req.WithContext(ctx))
}

// The request goes to a call that gets the context beside it, and attaches it there
// (prometheus/client_golang's api: httpClient.Do(ctx, req) does req.WithContext(ctx)
// only when ctx is not nil, which NewRequestWithContext would refuse): not reported.
type apiClient struct{ hc *http.Client }

func (c *apiClient) Do(ctx context.Context, req *http.Request) (*http.Response, error) {
	if ctx != nil {
		req = req.WithContext(ctx)
	}
	return c.hc.Do(req)
}

func alerts(ctx context.Context, c *apiClient, url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, req)
}

// A helper of the package that is given the request and the context but only sets
// headers does not give the request its context (jaeger-client-go's crossdock
// PostJSON: injectSpan(ctx, req)): reported.
func injectHeaders(ctx context.Context, req *http.Request) {
	if ctx.Value("trace") != nil {
		req.Header.Set("Trace", "1")
	}
}

func postJSON(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, nil) // want `http.NewRequest called while ctx is in scope`
	if err != nil {
		return nil, err
	}
	injectHeaders(ctx, req)
	return http.DefaultClient.Do(req)
}
