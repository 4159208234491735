package c

import "context"

func gen(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		for i := 0; ; i++ { // want `endless loop blocks on channel operations without a case for ctx.Done\(\)`
			ch <- i
		}
	}()
	return ch
}
