// Package web follows contexts through requests and responses.
package web

import (
	"context"
	http "fakehttp"
	"time"
)

var bg = context.Background()

func status(url string) (int, error) {
	ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := http.ReadAll(resp.Body)
	return len(body), err
}

func response(url string) (*http.Response, error) {
	ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	return http.DefaultClient.Do(req)
}

func body(url string) (http.Body, error) {
	ctx, cancel := context.WithTimeout(bg, time.Second) // want `never called`
	_ = cancel
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

var byKey = map[string]context.Context{}

func storeInMap(k string) {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	byKey[k] = ctx
}

func appendLocal() []context.Context {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	var list []context.Context
	list = append(list, ctx)
	return list
}

func appendLocalOnly() int {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	var list []context.Context
	list = append(list, ctx)
	return len(list)
}

func deadline() time.Time {
	ctx, _ := context.WithTimeout(bg, time.Second) // want `discarded`
	d, _ := ctx.Deadline()
	return d
}

func sliceOfClosures() []func() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	fs := []func(){func() { _ = ctx.Err() }}
	return fs
}

func localClosureCalled() {
	ctx, _ := context.WithCancel(bg) // want `discarded`
	f := func() { _ = ctx.Err() }
	f()
	defer f()
}
