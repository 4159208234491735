package c

import (
	"context"
	"testing"
)

func TestGen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := gen(ctx)
	<-ch
	out := make(chan int)
	go func() {
		for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			out <- 1
		}
	}()
	<-out // a counted receive in the same file: no fix for the goroutine above
}
