// Package httptwins holds calls of http.Get, Head, Post and PostForm and of the same
// methods of *http.Client while a context is in scope. They build their request with
// http.NewRequest (context.Background()); the fix makes it with NewRequestWithContext
// and sends it with Client.Do, as net/http's documentation says.
//
// The shape is dependabot/cli#571 ("Fix noctx lint errors": http.Post became
// http.NewRequestWithContext + http.DefaultClient.Do); hashicorp/go-getter#320 is the
// bug it prevents (a cancelled context still waited for its HEAD and GET requests).
package httptwins

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"
)

// ---- fixed ----

type fetcher struct {
	client *http.Client
	base   string
}

// A method on a struct taking ctx, with the struct's client.
func (f *fetcher) fetch(ctx context.Context, path string) ([]byte, error) {
	resp, err := f.client.Get(f.base + path) // want `\(\*http.Client\).Get called while ctx is in scope; http.NewRequestWithContext and \(\*http.Client\).Do take it`
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// The package's function: the client is http.DefaultClient.
func status(ctx context.Context, u string) (int, error) {
	resp, err := http.Get(u) // want `http.Get called while ctx is in scope`
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// An HTTP handler: the context is the request's.
func (f *fetcher) proxy(w http.ResponseWriter, r *http.Request) {
	resp, err := f.client.Head(f.base) // want `\(\*http.Client\).Head called while r.Context\(\) is in scope`
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
}

// Post with a body: the content type is set as Client.Post sets it.
func upload(ctx context.Context, c *http.Client, u string, b []byte) error {
	resp, err := c.Post(u, "application/json", bytes.NewReader(b)) // want `\(\*http.Client\).Post called while ctx is in scope`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// PostForm: the body is the encoded form, as in Client.PostForm (the fix imports
// strings).
func submit(ctx context.Context, u string, form url.Values) error {
	resp, err := http.PostForm(u, form) // want `http.PostForm called while ctx is in scope`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// An = assignment: no var line for resp, which is reset, as http.Get leaves it nil on a
// bad URL. err, a result, is declared in the function's block, where := reuses it.
func retry(ctx context.Context, u string) (code int, err error) {
	resp := cached
	resp, err = http.Get(u) // want `http.Get called while ctx is in scope`
	if resp == nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

var cached *http.Response

// An = assignment to a result: := would declare a new err in the loop's block, so the
// request variable is declared apart.
func probe(ctx context.Context, c *http.Client, urls []string) (err error) {
	for _, u := range urls {
		var resp *http.Response
		resp, err = c.Get(u) // want `\(\*http.Client\).Get called while ctx is in scope`
		if err != nil {
			return
		}
		resp.Body.Close()
	}
	return nil
}

// req is taken: the request variable is req2; two calls in one block get two names.
func twice(ctx context.Context, req string) (int, error) {
	a, err := http.Get(req) // want `http.Get called while ctx is in scope`
	if err != nil {
		return 0, err
	}
	a.Body.Close()
	b, err := http.Get(req + "/2") // want `http.Get called while ctx is in scope`
	if err != nil {
		return 0, err
	}
	b.Body.Close()
	return a.StatusCode + b.StatusCode, nil
}

// req is declared later in the block: the new variable would clash with it.
func later(ctx context.Context, u string) error {
	resp, err := http.Get(u) // want `http.Get called while ctx is in scope`
	if err != nil {
		return err
	}
	resp.Body.Close()
	req := u + "/next"
	_ = req
	return nil
}

// In a case clause, with the client of the package.
func pick(ctx context.Context, mode int, u string) error {
	switch mode {
	case 1:
		resp, err := http.DefaultClient.Get(u) // want `\(\*http.Client\).Get called while ctx is in scope`
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	return nil
}

// A handler whose request is named req: the new variable is req2.
func (f *fetcher) serve(w http.ResponseWriter, req *http.Request) {
	resp, err := f.client.Get(f.base) // want `\(\*http.Client\).Get called while req.Context\(\) is in scope`
	if err != nil {
		return
	}
	resp.Body.Close()
}

// shared is used by noimport.go, which does not import net/http.
var shared = &http.Client{Timeout: time.Minute}

// ---- reported without a fix ----

// The call is not the whole right-hand side of an assignment of its own.
func head(ctx context.Context, u string) (*http.Response, error) {
	return http.Head(u) // want `http.Head called while ctx is in scope; http.NewRequestWithContext and \(\*http.Client\).Do take it \(no fix: the response is not assigned to two variables by a statement of its own\)`
}

func inIf(ctx context.Context, u string) error {
	if resp, err := http.Get(u); err == nil { // want `http.Get called while ctx is in scope; .*\(no fix: the assignment is not in a statement list\)`
		return resp.Body.Close()
	}
	return nil
}

// The response is discarded (its body is leaked, too).
func ping(ctx context.Context, u string) error {
	_, err := http.Get(u) // want `http.Get called while ctx is in scope; .*\(no fix: the response or the error is discarded\)`
	return err
}

// The client is computed by a call, which the rewrite would move after the request.
func newClient() *http.Client { return &http.Client{Timeout: time.Second} }

func fresh(ctx context.Context, u string) error {
	resp, err := newClient().Get(u) // want `\(\*http.Client\).Get called while ctx is in scope; .*\(no fix: the client is not a variable or a field\)`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// The content type is computed by a call: the rewrite would make it only when the
// request is built.
func kind() string { return "text/plain" }

func send(ctx context.Context, u string, body io.Reader) error {
	resp, err := http.Post(u, kind(), body) // want `http.Post called while ctx is in scope; .*\(no fix: the content type is computed by a call`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A form of another type than url.Values: it has no Encode method.
func form(ctx context.Context, u string) error {
	resp, err := http.PostForm(u, map[string][]string{"a": {"b"}}) // want `http.PostForm called while ctx is in scope; .*\(no fix: the form is not a url.Values`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A type embedding the client: its own Do may differ from Client.Do.
type wrapped struct{ *http.Client }

func (w wrapped) Do(req *http.Request) (*http.Response, error) { return nil, nil }

func viaWrapper(ctx context.Context, w wrapped, u string) error {
	resp, err := w.Get(u) // want `\(\*http.Client\).Get called while ctx is in scope; .*\(no fix: the client is embedded in another type`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// ---- not reported ----

// No context in scope.
func noContext(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// In a goroutine and a deferred call: they may run after the caller gave up.
func background(ctx context.Context, u string) {
	go func() {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
		}
	}()
	defer http.Post(u, "text/plain", nil)
}

// After <-ctx.Done(): the clean-up path needs a request that outlives the context.
func shutdown(ctx context.Context, u string) error {
	<-ctx.Done()
	resp, err := http.Post(u, "text/plain", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// The response is returned while the context is a derived one that defer cancels: its
// body could not be read by the caller (the reason golang/go#13325 tested "Request.Body
// should still be readable after the context is canceled").
func open(ctx context.Context, u string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_ = ctx
	resp, err := http.Get(u)
	return resp, err
}

// The response is kept past the function.
type cache struct{ last *http.Response }

func (c *cache) refresh(ctx context.Context, u string) error {
	resp, err := http.Get(u)
	c.last = resp
	return err
}
