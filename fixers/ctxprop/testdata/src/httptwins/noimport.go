package httptwins

import "context"

// The file does not import net/http: the fix imports it.
func fetchShared(ctx context.Context, u string) error {
	resp, err := shared.Get(u) // want `\(\*http.Client\).Get called while ctx is in scope`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
