// Package gen holds methods whose signature a generated interface pins: 34 of 107
// report-only findings on real projects were ctxfirst on generated gRPC stubs and their
// implementations.
package gen

import "context"

// server implements the generated LegacyServer: not reported.
type server struct{}

func (server) Get(req *Request, ctx context.Context) (*Reply, error) { return &Reply{}, nil }

var _ LegacyServer = server{}

// Look-alikes: an interface written by hand in this package, and its implementation.

type Store interface {
	Load(key string, ctx context.Context) error // want `context.Context should be the first parameter of interface method Store.Load \(no fix: an interface method changes with every implementation and caller\)`
}

type memStore struct{}

func (memStore) Load(key string, ctx context.Context) error { return nil } // want `context.Context should be the first parameter of method memStore.Load \(no fix: it implements Store`

var _ Store = memStore{}

// A function of its own.
func fetch(url string, ctx context.Context) error { return nil } // want `context.Context should be the first parameter of function fetch`

func use() { _ = fetch("u", context.TODO()) }
