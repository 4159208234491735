//go:build go1.23

package oldgo

import (
	"context"
	"net/http"
	"net/http/httptest"
)

func request3(ctx context.Context) *http.Request {
	return httptest.NewRequest("GET", "/", nil) // want `httptest.NewRequest called while ctx is in scope`
}
