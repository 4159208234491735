// Package q: abandoned producers. A goroutine started by F sends in a loop on a channel
// that F makes and alone receives from; F leaves its receive loop early and returns,
// and the goroutine blocks on its next send forever.
package q

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

type item struct{ n int }

type walker struct{ items []item }

func (w *walker) produce() []item { return w.items }

// The pipelines leak: an error returned from inside the range.
func (w *walker) First(limit int) (int, error) {
	ch := make(chan item)
	go func() {
		defer close(ch)
		for _, it := range w.produce() {
			ch <- it // want `the goroutine blocks forever on ch <- it once First returns early: First stops receiving from ch at the return on line \d+, and nothing else receives from it`
		}
	}()
	sum := 0
	for it := range ch {
		if it.n < 0 {
			return 0, errors.New("negative")
		}
		sum += it.n
		if sum > limit {
			break
		}
	}
	return sum, nil
}

// A break out of the range, then a return.
func breakOut(xs []int) int {
	out := make(chan int)
	go func() {
		for _, x := range xs {
			out <- x * 2 // want `the goroutine blocks forever on out <- x \* 2 once breakOut returns early: breakOut stops receiving from out at the break on line \d+, and nothing else receives from it`
		}
		close(out)
	}()
	n := 0
	for v := range out {
		if v > 10 {
			break
		}
		n += v
	}
	return n
}

// A WaitGroup's Done after the loop, not deferred: the early return would skip it.
func doneAfter(xs []int, wg *sync.WaitGroup) int {
	ch := make(chan int)
	wg.Add(1)
	go func() {
		for _, x := range xs {
			ch <- x // want `the goroutine blocks forever on ch <- x once doneAfter returns early: doneAfter stops receiving from ch at the return on line \d+, and nothing else receives from it \(no fix: returning early would skip wg.Done\(\)\)`
		}
		close(ch)
		wg.Done()
	}()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// A stop flag checked before each send does not end the send itself.
func flagged(xs []int) int {
	ch := make(chan int)
	var stop atomic.Bool
	defer stop.Store(true)
	go func() {
		defer close(ch)
		for _, x := range xs {
			if stop.Load() {
				return
			}
			ch <- x // want `the goroutine blocks forever on ch <- x once flagged returns early: flagged stops receiving from ch at the return on line \d+, and nothing else receives from it`
		}
	}()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// A labelled break out of a switch around the range; the name done is taken.
func labelled(xs []int, done bool) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x // want `the goroutine blocks forever on ch <- x once labelled returns early: labelled stops receiving from ch at the break on line \d+, and nothing else receives from it`
		}
	}()
	n := 0
out:
	for v := range ch {
		switch {
		case v > 1 && !done:
			break out
		}
		n += v
	}
	return n
}

// A for-select that leaves on a timeout (topfreegames/pitaya#315).
func timeout(xs []int, d time.Duration) []int {
	c := make(chan int)
	go func() {
		for _, x := range xs {
			c <- x // want `the goroutine blocks forever on c <- x once timeout returns early: timeout stops receiving from c at the return on line \d+, and nothing else receives from it`
		}
	}()
	var got []int
	for {
		select {
		case v := <-c:
			got = append(got, v)
		case <-time.After(d):
			return got
		}
	}
}

// v, ok := <-ch, and an early return after the check of ok.
func okEarly(xs []int) error {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x // want `the goroutine blocks forever on ch <- x once okEarly returns early: okEarly stops receiving from ch at the return on line \d+, and nothing else receives from it`
		}
	}()
	for {
		v, ok := <-ch
		if !ok {
			return nil
		}
		if v < 0 {
			return errors.New("negative")
		}
	}
}

// Two sends: one finding, one done channel.
func twoSends(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x // want `the goroutine blocks forever on ch <- x once twoSends returns early: twoSends stops receiving from ch at the return on line \d+, and nothing else receives from it`
			if x > 0 {
				ch <- -x
			}
		}
	}()
	for v := range ch {
		if v < -5 {
			return v
		}
	}
	return 0
}

// Look-alikes.

// The for loop leaves only when the channel is closed.
func okOnly(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for {
		v, ok := <-ch
		if !ok {
			return n
		}
		n += v
	}
}

// A zero value may be how the receiver sees the close.
func zeroIsClose(xs []*item) int {
	ch := make(chan *item)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for {
		v := <-ch
		if v == nil {
			return n
		}
		n += v.n
	}
}

// A sentinel as the producer's last send.
func sentinel(xs []int) int {
	ch := make(chan int)
	go func() {
		for _, x := range xs {
			ch <- x + 1
		}
		ch <- 0
	}()
	n := 0
	for {
		v := <-ch
		if v == 0 {
			return n
		}
		n += v
	}
}

// The receiver ranges until the channel is closed.
func untilClosed(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for v := range ch {
		n += v
	}
	return n
}

// The early return is after the loop: the producer closed the channel.
func returnAfter(xs []int) (int, error) {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for v := range ch {
		n += v
	}
	if n < 0 {
		return 0, errors.New("negative")
	}
	return n, nil
}

// Buffered to the producer's total sends.
func buffered() int {
	ch := make(chan int, 3)
	go func() {
		defer close(ch)
		for i := 0; i < 3; i++ {
			ch <- i
		}
	}()
	for v := range ch {
		if v == 1 {
			return v
		}
	}
	return 0
}

// A drain after the early exit.
func drainGo(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	for v := range ch {
		if v > 1 {
			go func() {
				for range ch {
				}
			}()
			return v
		}
	}
	return 0
}

func drainLoop(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	found := 0
	for v := range ch {
		if v > 1 {
			found = v
			break
		}
	}
	for range ch {
	}
	return found
}

// The producer selects on a done channel already.
func selects(xs []int) int {
	ch := make(chan int)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(ch)
		for _, x := range xs {
			select {
			case ch <- x:
			case <-done:
				return
			}
		}
	}()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// The channel is returned: not F's to judge.
func returned(xs []int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	for v := range ch {
		if v > 1 {
			return ch
		}
	}
	return nil
}

type holder struct{ ch chan int }

// The channel is stored in a field.
func (h *holder) stored(xs []int) int {
	ch := make(chan int)
	h.ch = ch
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// The channel is stored in a slice.
func inSlice(xs []int, all *[]chan int) int {
	ch := make(chan int)
	*all = append(*all, ch)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// Another goroutine sends too.
func twoSenders(xs []int) int {
	ch := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, x := range xs {
				ch <- x
			}
		}()
	}
	go func() { wg.Wait(); close(ch) }()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// A context is in scope: the existing rule reports it, once.
func withCtx(ctx context.Context, xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x // want `send on ch blocks without a case for ctx.Done\(\)`
		}
	}()
	for v := range ch {
		if v > 1 {
			return v
		}
	}
	return 0
}

// The receive loop runs again in an outer loop.
func again(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for n < 100 {
		for v := range ch {
			n += v
			if v > 1 {
				break
			}
		}
		if n == 0 {
			return 0
		}
	}
	return n
}

// A sent once, outside loops: singlesend's.
func once() int {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	for v := range ch {
		return v
	}
	return 0
}
