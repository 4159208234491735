// Package precise holds cases where the shared model makes chanmutex more exact: dead
// branches and calls that do not return, and files that the build excludes.
package precise

import "log"

const debug = false

type counter struct {
	sem chan struct{} // want `channel counter.sem of capacity 1 is used as a mutex`
	n   int
}

func newCounter() *counter { return &counter{sem: make(chan struct{}, 1)} }

// The return under a constant-false debug switch is dead code: every live path releases.
func (c *counter) inc() {
	c.sem <- struct{}{}
	if debug {
		return
	}
	c.n++
	<-c.sem
}

func (c *counter) fatalf(format string, args ...any) { log.Fatalf(format, args...) }

// A path that ends in a function of the package that never returns keeps the lock, and
// that is fine: the process ends.
func (c *counter) add(d int) {
	c.sem <- struct{}{}
	if d < 0 {
		c.fatalf("negative %d", d)
	}
	c.n += d
	<-c.sem
}

type gauge struct {
	sem chan struct{} // want `channel gauge.sem of capacity 1 is used as a mutex \(no fix: a file the build excludes \(other.go\) names the field or its struct\)`
	v   int
}

func newGauge() *gauge { return &gauge{sem: make(chan struct{}, 1)} }

func (g *gauge) set(v int) {
	g.sem <- struct{}{}
	g.v = v
	<-g.sem
}
