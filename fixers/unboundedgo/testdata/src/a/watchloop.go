package a

import "time"

type watcher interface {
	Next() (string, error)
	Stop()
}

// watchLoop starts one stopper per watch: each waits on the iteration's done channel,
// which the iteration closes before the next one (asim/go-micro v3.7.1 config/default.go,
// the stop watch func). Not reported: the stoppers end with their iterations.
func watchLoop(watch func() (watcher, error), exit chan struct{}, process func(string)) {
	for {
		w, err := watch()
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		done := make(chan bool)
		go func() {
			select {
			case <-done:
			case <-exit:
			}
			w.Stop()
		}()
		for {
			res, err := w.Next()
			if err != nil {
				break
			}
			process(res)
		}
		close(done)
	}
}

// watchLeak's stoppers wait on a channel that nothing closes: one piles up per watch.
func watchLeak(watch func() (watcher, error), exit chan struct{}, process func(string)) {
	for {
		w, err := watch()
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		done := make(chan bool)
		go func() { // want `goroutine started for every result of watch\(\) with no limit on how many run at once`
			select {
			case <-done:
			case <-exit:
			}
			w.Stop()
		}()
		for {
			res, err := w.Next()
			if err != nil {
				break
			}
			process(res)
		}
	}
}
