package httptwins

import (
	"context"
	"net/http"
	"testing"
)

// Tests build scenarios on purpose (a request that must outlive a context about to be
// cancelled): twins are not reported in _test.go files.
func TestFetch(t *testing.T) {
	check := func(ctx context.Context) error {
		resp, err := http.Get("http://127.0.0.1:1/")
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	_ = check
}
