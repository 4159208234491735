package a

import "sync"

// ---- a declared limit beside another bound: reported only when nothing reads it ----

type pool struct {
	workers int // read by Start: a live knob
	jobs    []func()
}

func (p *pool) Start() {
	for range p.workers {
		go func() {}()
	}
}

// Drain throttles with its own semaphore; workers is the pool's, read by Start.
func (p *pool) Drain() {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, j := range p.jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			j()
		}()
	}
	wg.Wait()
}

// RunOptions is exported: another package may read its Concurrency.
type RunOptions struct {
	Concurrency int
	Items       []string
}

func (o *RunOptions) Run(do func(string)) {
	sem := make(chan struct{}, 2)
	for _, it := range o.Items {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			do(it)
		}()
	}
}

// usedLimit sizes its semaphore with the parameter.
func usedLimit(items []string, concurrency int, do func(string)) {
	sem := make(chan struct{}, concurrency)
	for _, it := range items {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			do(it)
		}()
	}
}

// deadParam takes a concurrency it never uses and throttles with a constant.
func deadParam(items []string, maxParallel int, do func(string)) {
	sem := make(chan struct{}, 8)
	for _, it := range items {
		sem <- struct{}{}
		go func() { // want `goroutine started for every element of items ignoring the limit maxParallel, which nothing reads`
			defer func() { <-sem }()
			do(it)
		}()
	}
}
