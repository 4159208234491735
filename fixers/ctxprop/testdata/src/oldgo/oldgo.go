//go:build go1.22

package oldgo

import (
	"context"
	"net/http"
	"net/http/httptest"
)

// httptest.NewRequestWithContext came with Go 1.23: not for a go1.22 file.
func request(ctx context.Context) *http.Request {
	return httptest.NewRequest("GET", "/", nil)
}

// http.NewRequestWithContext is from Go 1.13.
func request2(ctx context.Context) (*http.Request, error) {
	return http.NewRequest("GET", "/", nil) // want `http.NewRequest called while ctx is in scope`
}
