package nover

import "time"

// No Go version (GOPATH mode): the toolchain's version applies, timers are collected.
func poll(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
}
