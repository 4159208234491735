package e

import "context"

func fetch(ctx context.Context, url string) error { return nil }

// Sends that cannot block: the channel's capacity covers every send that can be made on
// it, so a select on ctx.Done() would only add a way to lose the result. Neither a fix
// nor a report. (A buffer of one per sender is how upstream fixed these leaks:
// hellofresh/health-go#224, erigontech/erigon#16782.)

// firstFailure: one goroutine, at most one send on every path, capacity one.
func firstFailure(ctx context.Context, urls []string) error {
	errc := make(chan error, 1)
	go func() {
		for _, u := range urls {
			if err := fetch(ctx, u); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

type crawler struct{ seeds []string }

// crawl starts its method once, with a channel of capacity one.
func (c *crawler) crawl(ctx context.Context) error {
	errc := make(chan error, 1)
	go c.run(ctx, errc)
	return <-errc
}

// run sends its first error and returns.
func (c *crawler) run(ctx context.Context, errc chan<- error) {
	for _, s := range c.seeds {
		if err := fetch(ctx, s); err != nil {
			errc <- err
			return
		}
	}
	errc <- nil
}

// fanOut: one goroutine per shard, each sending once, on a channel of capacity
// len(shards) (the shape of many hedged and scatter-gather calls).
func fanOut(ctx context.Context, shards [][]string) error {
	errc := make(chan error, len(shards))
	for _, shard := range shards {
		go func(ctx context.Context) {
			for _, u := range shard {
				if err := fetch(ctx, u); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}(ctx)
	}
	for range shards {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// bufferPool fills a pool of n buffers, made with capacity n (minio-go v7.4.1
// api-put-object-streaming.go, putObjectMultipartStreamParallel): the fill cannot block.
func bufferPool(ctx context.Context, threads int, size int64) <-chan []byte {
	n := int64(threads)
	bufs := make(chan []byte, n)
	all := make([]byte, n*size)
	for i := int64(0); i < n; i++ {
		bufs <- all[i*size : (i+1)*size]
	}
	return bufs
}

// Look-alikes: these sends can block.

// overfill fills one buffer more than the pool holds.
func overfill(ctx context.Context, threads int, size int64) <-chan []byte {
	n := int64(threads)
	bufs := make(chan []byte, n)
	for i := int64(0); i <= n; i++ {
		bufs <- make([]byte, size) // want `send on bufs blocks without a case for ctx.Done\(\)`
	}
	return bufs
}

// twoSenders: two goroutines, capacity one: the second blocks if the caller left.
func twoSenders(ctx context.Context, a, b []string) error {
	errc := make(chan error, 1)
	go func() {
		for _, u := range a {
			if err := fetch(ctx, u); err != nil {
				errc <- err // want `send on errc blocks without a case for ctx.Done\(\)`
				return
			}
		}
	}()
	go func() {
		for _, u := range b {
			if err := fetch(ctx, u); err != nil {
				errc <- err // want `send on errc blocks without a case for ctx.Done\(\)`
				return
			}
		}
	}()
	return <-errc
}

// everyError sends once per failing URL.
func everyError(ctx context.Context, urls []string) <-chan error {
	errc := make(chan error, 1)
	go func() {
		for _, u := range urls {
			if err := fetch(ctx, u); err != nil {
				errc <- err // want `send on errc blocks without a case for ctx.Done\(\) \(no fix: the value sent may be the error that ends the stream`
			}
		}
	}()
	return errc
}

// everyName sends once per URL: the same shape with values that are not errors is fixed.
func everyName(ctx context.Context, urls []string) <-chan string {
	names := make(chan string, 1)
	go func() {
		for _, u := range urls {
			names <- u // want `send on names blocks without a case for ctx.Done\(\)`
		}
	}()
	return names
}

// perPart: the goroutines are started per part, the capacity is per shard.
func perPart(ctx context.Context, shards [][][]string) {
	errc := make(chan error, len(shards))
	for _, shard := range shards {
		for _, part := range shard {
			go func() {
				for _, u := range part {
					if err := fetch(ctx, u); err != nil {
						errc <- err // want `send on errc blocks without a case for ctx.Done\(\) \(no fix: the value sent may be the error`
						return
					}
				}
			}()
		}
	}
}
