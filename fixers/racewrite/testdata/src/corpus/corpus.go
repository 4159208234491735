// Package corpus holds race bugs modelled on upstream reports, one function each, for
// counting what racewrite reports and fixes (see racewrite_test.go).
package corpus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// 1. kubernetes #91187 (e2e stress test): goroutines assign the test's err.
func StressVolumes(n int, create func(int) error, t func(error)) {
	var err error
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err = create(i) // want `goroutines started in a loop write err`
			if err != nil {
				t(err)
			}
		}()
	}
	wg.Wait()
}

// 2. kubevirt #17185, fixed by #17186 with :=: the abort goroutines share sync's err.
func AbortMigrations(key string, vmis []string, del func(string) error, errCh chan<- error) error {
	err := validKey(key)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, vmi := range vmis {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err = del(vmi) // want `goroutines started in a loop write err`
			if err != nil {
				errCh <- err
			}
		}()
	}
	wg.Wait()
	return nil
}

func validKey(k string) error {
	if k == "" {
		return errors.New("empty key")
	}
	return nil
}

// 3. kyverno #16630 (perf-testing pod creation): _, err = in each goroutine.
func CreatePods(names []string, create func(string) (int, error), log func(...any)) {
	var err error
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err = create(n) // want `goroutines started in a loop write err`
			if err != nil {
				log("create", n, err)
			}
		}()
	}
	wg.Wait()
}

// 4. compliance-operator #399 (log collector): the goroutines of each pod share err.
func CollectLogs(pods []string, fetch func(string) error) {
	var err error
	for _, p := range pods {
		go func() {
			if err = fetch(p); err != nil { // want `goroutines started in a loop write err`
				fmt.Println("collect", p, err)
			}
		}()
	}
}

// 5. argoproj/gitops-engine #46: the named result err mutated from goroutines, read
// after the Wait (fixed there with errgroup).
func SyncTasks(tasks []func() error) (err error) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e := task(); e != nil {
				err = e // want `goroutines started in a loop write err`
			}
		}()
	}
	wg.Wait()
	return err
}

// 6. kubernetes #134107: goroutines append their errors to one slice.
func ValidateAll(objs []string, validate func(string) error) []error {
	var errs []error
	var wg sync.WaitGroup
	for _, o := range objs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := validate(o); err != nil {
				errs = append(errs, err) // want `goroutines started in a loop write errs`
			}
		}()
	}
	wg.Wait()
	return errs
}

// 7. ollama #3320: an errgroup's goroutines append to one slice.
func LoadLayers(names []string, load func(string) (string, error)) ([]string, error) {
	var layers []string
	var g errgroup.Group
	for _, n := range names {
		g.Go(func() error {
			l, err := load(n)
			if err != nil {
				return err
			}
			layers = append(layers, l) // want `goroutines started in a loop write layers`
			return nil
		})
	}
	return layers, g.Wait()
}

// 8. dragonfly #4774: goroutines append to the fields of a response through a pointer.
type PreheatResponse struct {
	SuccessTasks, FailureTasks []string
}

func Preheat(peers []string, run func(string) bool) *PreheatResponse {
	resp := &PreheatResponse{}
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if run(p) {
				resp.SuccessTasks = append(resp.SuccessTasks, p) // want `goroutines started in a loop write resp.SuccessTasks .*no fix: resp.SuccessTasks is reached through a pointer`
			} else {
				resp.FailureTasks = append(resp.FailureTasks, p)
			}
		}()
	}
	wg.Wait()
	return resp
}

// 9. contiv/vpp #963: goroutines write one map (fatal error: concurrent map writes).
func ResolveNodes(nodes []string, lookup func(string) string) map[string]string {
	ips := map[string]string{}
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ip := lookup(n)
			ips[n] = ip // want `goroutines started in a loop write map ips`
		}()
	}
	wg.Wait()
	return ips
}

// 10. cloudwego/eino #1279: the goroutine writes the named results; the deadline
// returns first.
func ReceiveWithDeadline(recv func() (string, bool), d time.Duration) (task string, closed bool, canceled bool) {
	done := make(chan struct{})
	go func() {
		task, closed = recv() // want `the goroutine writes task, which ReceiveWithDeadline returns` `the goroutine writes closed, which ReceiveWithDeadline returns`
		done <- struct{}{}
	}()
	select {
	case <-done:
		return task, closed, false
	case <-time.After(d):
		return "", false, true
	}
}

// 11. mattn/sudo #20: the launch goroutine writes errExec, read after Accept without
// synchronization.
func Serve(accept func() error, launch func() error) error {
	var errExec error
	go func() {
		errExec = launch() // want `the goroutine writes errExec while Serve reads it`
	}()
	if err := accept(); err != nil {
		return err
	}
	return errExec
}

// 12. etcd #8183 (fakeRevGetter.rev, fixed with atomics): a field of the receiver
// written by a goroutine.
type fakeRevGetter struct {
	rev int64
}

func (f *fakeRevGetter) Run(ctx context.Context, revs []int64) {
	for _, r := range revs {
		go func() {
			f.rev = r // want `goroutines started in a loop write f.rev .*no fix: f.rev is reached through a pointer`
		}()
	}
}

// 13. odeke-em/drive #639: goroutines append child changes to one list.
func ChangeList(dirs []string, resolve func(string) ([]string, error)) []string {
	var changes []string
	var wg sync.WaitGroup
	for _, d := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			child, err := resolve(d)
			if err == nil {
				changes = append(changes, child...) // want `goroutines started in a loop write changes`
			}
		}()
	}
	wg.Wait()
	return changes
}

// 14. grpc-go interop/xds_federation client (found by racewrite on v1.85.0): the soak
// goroutines all assign one shared function variable.
func Soak(clients []string, run func(func() string)) {
	var wg sync.WaitGroup
	var channelForTest func() string
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			channelForTest = func() string { return c } // want `goroutines started in a loop write channelForTest`
			run(channelForTest)
		}()
	}
	wg.Wait()
}

// 15. temporalio/temporal #11352: a read before the lock that the rest of the code
// holds.
func AppendSlices(slices []string, next func() string) []string {
	var mu sync.Mutex
	var list []string
	var wg sync.WaitGroup
	for range slices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := len(list) // want `goroutines started in a loop read and write list`
			mu.Lock()
			if last >= 0 {
				list = append(list, next())
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return list
}

// 16. a counter of processed items from the workers of a pool (prometheus-style
// scrape loop statistics).
func Scrape(targets []string, scrape func(string) bool) (ok, failed int) {
	var wg sync.WaitGroup
	okN, failedN := 0, 0
	for _, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if scrape(t) {
				okN++ // want `goroutines started in a loop write okN`
			} else {
				failedN++ // want `goroutines started in a loop write failedN`
			}
		}()
	}
	wg.Wait()
	return okN, failedN
}
