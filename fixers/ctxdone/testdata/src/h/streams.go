// Package h: streams whose sends carry how they ended. Returning when the context is
// done would end the stream as if it had completed: the receiver could not tell.
package h

import (
	"context"
	"errors"
	"io"
	"strings"
)

type lister struct {
	names chan string
	err   error
}

func page(ctx context.Context) ([]string, error) { return nil, ctx.Err() }

// Names is nats.go's KeyValueStoreNames shape (jetstream/kv.go): the goroutine records its
// error in res.err before it returns.
func Names(ctx context.Context) *lister {
	res := &lister{names: make(chan string)}
	go func() {
		defer close(res.names)
		for {
			names, err := page(ctx)
			if err != nil && !errors.Is(err, io.EOF) {
				res.err = err
				return
			}
			for _, n := range names {
				res.names <- strings.TrimPrefix(n, "KV_") // want `send on res.names blocks without a case for ctx.Done\(\) \(no fix: the goroutine reports how it ended in res.err: returning when the context is done would not\)`
			}
			if err != nil {
				return
			}
		}
	}()
	return res
}

type response struct {
	data     []byte
	closeErr error
}

type stream interface{ Recv() ([]byte, error) }

// Stream is etcd's GetStream shape (client/v3/kv.go): the last value carries the error.
func Stream(ctx context.Context, c stream) <-chan response {
	respCh := make(chan response, 1)
	go func() {
		defer close(respCh)
		for {
			b, err := c.Recv()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					respCh <- response{closeErr: err} // want `send on respCh blocks without a case for ctx.Done\(\) \(no fix: the value sent may be the error`
				}
				return
			}
			respCh <- response{data: b} // want `send on respCh blocks without a case for ctx.Done\(\) \(no fix: the value sent may be the error`
		}
	}()
	return respCh
}

type info struct{ name string }

// Uploads is minio-go's listMultipartUploads shape (api-list.go): a deferred send reports
// the cancellation on the same channel, and would block in place of the one wrapped.
func Uploads(ctx context.Context, keys []string) <-chan info {
	ch := make(chan info)
	go func() {
		defer func() {
			if ctx.Err() != nil {
				ch <- info{name: "cancelled"}
			}
			close(ch)
		}()
		for _, k := range keys {
			ch <- info{name: k} // want `send on ch blocks without a case for ctx.Done\(\) \(no fix: a deferred send on ch would block in its place`
		}
	}()
	return ch
}

type getter interface {
	Get(ctx context.Context, key string) ([]string, bool, error)
}

// Sync is etcd's mirror syncer shape (client/v3/mirror/syncer.go): the errors go on their
// own channel; the caller reads both until they are closed.
func Sync(ctx context.Context, g getter) (<-chan []string, <-chan error) {
	respc, errc := make(chan []string, 1), make(chan error, 1)
	go func() {
		defer close(respc)
		defer close(errc)
		for {
			kvs, more, err := g.Get(ctx, "k")
			if err != nil {
				errc <- err // the one send on errc, of capacity 1, then return: it cannot block
				return
			}
			respc <- kvs // want `send on respc blocks without a case for ctx.Done\(\) \(no fix: the goroutine reports how it ended on errc: returning when the context is done would not\)`
			if !more {
				return
			}
		}
	}()
	return respc, errc
}
