// Package app imports the module's packages: it copies pool.Stats and builds a
// pub.Counter without its constructor, and only uses pool.Pool through its methods.
package app

import (
	"whole/internal/pool"
	"whole/pub"
)

func Serve(p *pool.Pool) {
	c := p.Get()
	defer p.Put(c)
}

// Snapshot copies the stats: with a channel, the copy shares the original's lock.
func Snapshot(s *pool.Stats) pool.Stats {
	return *s
}

// zero builds a counter without pub.NewCounter: its channel is nil.
func zero() *pub.Counter {
	return new(pub.Counter)
}

// holder holds a pool.Stats by value.
type holder struct {
	keep []pool.Stats
}

var shared = pool.New()

// Shared hands out the pool that package far copies.
func Shared() *pool.Pool { return shared }
