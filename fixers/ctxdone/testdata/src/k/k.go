// Package k: a channel that a goroutine started from a deferred literal drains once the
// function has returned. hashicorp/go-plugin v1.8.0's Client.Start reads the plugin's
// stdout lines while it waits for the address, and then "read[s] the lines from stdout
// forever so they don't block since it is a pipe". A select on the start context (done
// when Start returns) would stop the scanner, and nothing would read the pipe any more.
package k

import (
	"bufio"
	"context"
	"io"
	"time"
)

func Start(ctx context.Context, stdout io.Reader, timeout time.Duration) (string, error) {
	startCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text() // drained after Start returns: no finding
		}
	}()
	defer func() {
		go func() {
			for range lines {
			}
		}()
	}()
	select {
	case l := <-lines:
		return l, nil
	case <-startCtx.Done():
		return "", startCtx.Err()
	}
}

// Look-alike: no drainer; the scanner blocks once Start has returned.
func StartLeaky(ctx context.Context, stdout io.Reader) (string, error) {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text() // want `send on lines blocks without a case for ctx.Done\(\)`
		}
	}()
	select {
	case l := <-lines:
		return l, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
