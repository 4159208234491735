// Command mainpkg: returning from main.main ends the process.
package main

import "context"

func main() {
	ctx, _ := context.WithCancel(context.Background()) // want `discarded`
	ctx2, cancel := context.WithCancel(ctx)
	_ = cancel
	_ = ctx2
	_ = ctx
	go func() {
		ctx, _ := context.WithCancel(context.Background()) // want `discarded`
		_ = ctx
	}()
}
