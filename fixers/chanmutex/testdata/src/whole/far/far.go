// Package far reaches pool.Pool only through package app, without importing pool: it
// copies the pool, and vetoes its fix all the same.
package far

import (
	"whole/app"
	"whole/pub"
)

func Copy() int {
	p := *app.Shared()
	return p.Made()
}

// zero declares a zero pub.Counter, and vetoes its fix under -api.
func zero() {
	var c pub.Counter
	c.Inc()
}
