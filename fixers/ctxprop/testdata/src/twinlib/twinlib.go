// Package twinlib is a library with the FContext convention.
package twinlib

import "context"

type Client struct{}

func (c *Client) Get(key string) (string, error) { return c.GetContext(context.Background(), key) }

func (c *Client) GetContext(ctx context.Context, key string) (string, error) { return key, nil }

func Fetch(url string, n ...int) error { return FetchWithContext(context.Background(), url, n...) }

func FetchWithContext(ctx context.Context, url string, n ...int) error { return nil }
