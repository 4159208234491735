// Package corpus holds context parameters out of place, modelled on upstream reports, one
// function or small type each, for counting what ctxfirst reports and fixes (issue 15;
// see corpus_test.go). Each case cites its report; the look-alikes at the end are correct
// code that must not be reported. The package is importable, so its exported API is
// reported without a fix (the -api flag is off).
//
// Counts: 12 cases, 12 reported, 8 of them fixed, 4 reported without a fix (4: an
// interface method and its implementation, two findings; 7: used as a value; 8: exported
// API; 9: moving the context argument would reorder side effects), 0 missed. 3
// look-alikes, none reported.
package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// 1. kubernetes/kubernetes#36724 ("context.Context should be the first parameter of a
// function in vsphere"): the cloud provider's VM lookup takes the context last; its
// callers are methods of the same type.
type virtualMachine struct{ name, path string }

type vSphere struct {
	datacenter string
	find       func(ctx context.Context, path string) (*virtualMachine, error)
}

func (vs *vSphere) getVirtualMachineByName(name string, ctx context.Context) (*virtualMachine, error) { // want `context\.Context should be the first parameter of method vSphere\.getVirtualMachineByName`
	return vs.find(ctx, vs.datacenter+"/vm/"+name)
}

func (vs *vSphere) diskIsAttached(ctx context.Context, disk, node string) (bool, error) {
	vm, err := vs.getVirtualMachineByName(node, ctx)
	if err != nil {
		return false, err
	}
	return vm.path != "" && disk != "", nil
}

func (vs *vSphere) detachDisk(ctx context.Context, disk, node string) error {
	if _, err := vs.getVirtualMachineByName(node, ctx); err != nil {
		return fmt.Errorf("detach %s: %w", disk, err)
	}
	return nil
}

// 2. moby/moby#28330 ("context.Context should be the first parameter of a function":
// cli/command/container/stats_helpers.go:56, collect(s, ctx, cli, streamStats,
// waitFirst)): the stats collector, started by a go statement for each container.
type containerStats struct {
	mu   sync.Mutex
	name string
	cpu  float64
	err  error
}

type statsAPI interface {
	ContainerStats(ctx context.Context, name string, stream bool) (io.ReadCloser, error)
}

func collect(s *containerStats, ctx context.Context, cli statsAPI, streamStats bool, waitFirst *sync.WaitGroup) { // want `context\.Context should be the first parameter of function collect`
	defer waitFirst.Done()
	rc, err := cli.ContainerStats(ctx, s.name, streamStats)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.err = err
		return
	}
	rc.Close()
}

func statsAll(ctx context.Context, cli statsAPI, names []string) []*containerStats {
	var waitFirst sync.WaitGroup
	var all []*containerStats
	for _, n := range names {
		s := &containerStats{name: n}
		all = append(all, s)
		waitFirst.Add(1)
		go collect(s, ctx, cli, false, &waitFirst)
	}
	waitFirst.Wait()
	return all
}

// 3. openshift/origin#11892 ("context.Context should be the first parameter of a
// function", found by golint): a retry helper with a named result, the context after the
// attempts and the backoff, the operation a closure.
func retryWithBackoff(attempts int, backoff time.Duration, ctx context.Context, op func(context.Context) error) (err error) { // want `context\.Context should be the first parameter of function retryWithBackoff`
	for i := 0; i < attempts; i++ {
		if err = op(ctx); err == nil {
			return nil
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		backoff *= 2
	}
	return err
}

type imageImporter struct {
	pull func(ctx context.Context, ref string) error
}

func (im *imageImporter) importAll(ctx context.Context, refs []string) error {
	for _, ref := range refs {
		err := retryWithBackoff(3, 100*time.Millisecond, ctx, func(ctx context.Context) error {
			return im.pull(ctx, ref)
		})
		if err != nil {
			return fmt.Errorf("import %s: %w", ref, err)
		}
	}
	return nil
}

// 4. pingcap/tidb#4400 ("expression: adjust getFunction context.Context param position"):
// getFunction is a method of the functionClass interface, which each builtin implements:
// the interface and its implementations are reported without a fix.
type expression interface{ String() string }

type functionClass interface {
	getFunction(args []expression, ctx context.Context) (string, error) // want `context\.Context should be the first parameter of interface method functionClass\.getFunction \(no fix: an interface method changes with every implementation and caller\)`
}

type lengthFunctionClass struct{}

func (lengthFunctionClass) getFunction(args []expression, ctx context.Context) (string, error) { // want `context\.Context should be the first parameter of method lengthFunctionClass\.getFunction \(no fix: it implements functionClass: the interface and every implementation would have to change together\)`
	if len(args) != 1 {
		return "", errors.New("length takes one argument")
	}
	return "length(" + args[0].String() + ")", ctx.Err()
}

var funcs = map[string]functionClass{"length": lengthFunctionClass{}}

// 5. argoproj/argo-cd#21371 ("chore: enable context-as-argument from revive"): a cache
// invalidation with a variadic list of keys after the context.
type redisCache struct {
	del func(ctx context.Context, key string) error
}

func (c *redisCache) invalidate(prefix string, ctx context.Context, keys ...string) error { // want `context\.Context should be the first parameter of method redisCache\.invalidate`
	for _, k := range keys {
		if err := c.del(ctx, prefix+k); err != nil {
			return err
		}
	}
	return nil
}

func (c *redisCache) onAppDeleted(ctx context.Context, app string, clusters []string) error {
	if err := c.invalidate("app|", ctx, app); err != nil {
		return err
	}
	return c.invalidate("cluster|", ctx, clusters...)
}

// 6. weaveworks/weave-gitops#3165 ("Make context the first param of Go functions"): a
// generic fetch helper called with an explicit type argument.
func fetchAll[T any](urls []string, decode func([]byte) (T, error), ctx context.Context) ([]T, error) { // want `context\.Context should be the first parameter of function fetchAll`
	var out []T
	for _, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		v, err := decode(b)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func fetchSizes(ctx context.Context, urls []string) ([]int, error) {
	return fetchAll[int](urls, func(b []byte) (int, error) { return len(b), nil }, ctx)
}

// 7. argoproj/argo-cd#21371 again ("This includes breaking changes for some public
// functions"): a reconcile step that is also handed to the work queue as a value:
// reported without a fix.
type controller struct {
	queue []func(string, context.Context) error
}

func (c *controller) syncOne(name string, ctx context.Context) error { // want `context\.Context should be the first parameter of method controller\.syncOne \(no fix: controller\.syncOne is used as a value at corpus\.go:\d+\)`
	return ctx.Err()
}

func (c *controller) register() {
	c.queue = append(c.queue, c.syncOne)
}

// 8. axetroy/watchdog#12 ("(RVV-A0002) `context.Context` should be the first param"):
// exported API of an importable package, reported without a fix unless -api allows it.
type Event struct{ Key, Value string }

type Client struct {
	events chan Event
}

func (c *Client) Watch(key string, ctx context.Context) (<-chan Event, error) { // want `context\.Context should be the first parameter of method Client\.Watch \(no fix: Client\.Watch is API of importable package corpus \(flag -ctxfirst\.api allows changing it\)\)`
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.events, nil
}

// 9. moby/moby#28330 again (cli/command/container/utils.go:16, waitExitOrRemoved(
// dockerCli, ctx, containerID, waitRemove)): the jumped-over arguments are calls, and so
// is the context argument: moving it would change the order of their side effects.
type dockerCLI struct {
	client interface {
		ContainerWait(ctx context.Context, id string) (<-chan int, error)
	}
}

func waitExitOrRemoved(cli *dockerCLI, ctx context.Context, containerID string, waitRemove bool) <-chan int { // want `context\.Context should be the first parameter of function waitExitOrRemoved \(no fix: moving the context argument of the call at corpus\.go:\d+ could change the order of side effects\)`
	ch, err := cli.client.ContainerWait(ctx, containerID)
	if err != nil {
		return nil
	}
	return ch
}

type runner struct {
	cli      *dockerCLI
	requests int
}

func (r *runner) cli1() *dockerCLI { r.requests++; return r.cli }

func (r *runner) runCtx() context.Context { r.requests++; return context.Background() }

func (r *runner) run(id string) <-chan int {
	return waitExitOrRemoved(r.cli1(), r.runCtx(), id, true)
}

// 10. mgechev/revive#605 ("Allow *testing.T before context.Context in the context
// parameter check"): a test helper keeps t first, but takes the context after its name.
func runSubtest(t *testing.T, name string, ctx context.Context) { // want `context\.Context should be the first parameter of function runSubtest`
	t.Helper()
	if err := ctx.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func runAll(t *testing.T, ctx context.Context) {
	runSubtest(t, "first", ctx)
	runSubtest(t, "second", ctx)
}

// 11. kubernetes/kubernetes#36724 again, the lookup reached through a type that embeds
// the provider (a promoted method) and through a method expression, whose receiver is the
// call's first argument.
type instances struct {
	*vSphere
	zone string
}

func (vs *vSphere) nodeAddresses(node string, ctx context.Context) ([]string, error) { // want `context\.Context should be the first parameter of method vSphere\.nodeAddresses`
	vm, err := vs.getVirtualMachineByName(node, ctx)
	if err != nil {
		return nil, err
	}
	return []string{vm.path}, nil
}

func (i *instances) addresses(ctx context.Context, node string) ([]string, error) {
	if i.zone == "" {
		return (*vSphere).nodeAddresses(i.vSphere, node, ctx)
	}
	return i.nodeAddresses(node, ctx)
}

// 12. mgechev/revive#525 ("it would probably be okay if it checked that all the
// context.Context parameters are grouped at the beginning of the argument list"): a
// proxy's pipe takes its context and the shutdown context after the connection, and
// relay, its caller, takes them the other way round. Fixed by moving the first context
// of each to the front; the second stays behind the connection (correct, and stable: a
// second run reports nothing).
type proxy struct{ upstream string }

func (p *proxy) pipe(conn io.Closer, ctx, shutdownCtx context.Context) error { // want `context\.Context should be the first parameter of method proxy\.pipe`
	select {
	case <-ctx.Done():
	case <-shutdownCtx.Done():
	}
	return conn.Close()
}

func (p *proxy) relay(conn io.Closer, shutdownCtx context.Context, ctx context.Context) error { // want `context\.Context should be the first parameter of method proxy\.relay`
	return p.pipe(conn, ctx, shutdownCtx)
}

func (p *proxy) serve(ctx, shutdownCtx context.Context, conns <-chan io.Closer) {
	for c := range conns {
		go p.relay(c, shutdownCtx, ctx)
	}
}

// ---------------------------------------------------------------------------------------
// Look-alikes: correct code that must not be reported.
// ---------------------------------------------------------------------------------------

// 13. mgechev/revive#709 ("context.Context should not be the first parameter when a
// testing parameter is used"): t first, then the context.
func assertEventually(t *testing.T, ctx context.Context, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition not met")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// 14. mgechev/revive#525 ("context-as-argument is unsatisfiable sometimes": func foo(ctx
// context.Context, other context.Context)): two contexts, both first.
func awaitEither(ctx context.Context, other context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-other.Done():
		return other.Err()
	}
}

// 15. mgechev/revive#525 again: a context first, another after the other parameters (the
// second one is a stop signal, not the call's context).
func (c *Client) relay(ctx context.Context, key string, stop context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-stop.Done():
		return nil
	case c.events <- Event{Key: key}:
		return nil
	}
}
