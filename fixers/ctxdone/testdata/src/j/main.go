// Package main's endless loop is the program's: nats.go's examples/jetstream/js-fetch
// fetches forever in main, with a context in scope; it ends when the process does.
package main

import (
	"context"
	"fmt"
)

func fetch(ctx context.Context) <-chan int { return make(chan int) }

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	msgs := fetch(ctx)
	go func() {
		for { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			fmt.Println(<-msgs)
		}
	}()
	for {
		fmt.Println(<-msgs)
	}
}
