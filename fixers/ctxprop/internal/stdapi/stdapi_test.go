package stdapi_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concfix/concfix/fixers/ctxprop/internal/stdapi"
)

// TestUpToDate checks the embedded table against the api files of the running
// toolchain's GOROOT, when it has them: run `go generate ./fixers/ctxprop/...` after a
// toolchain update.
func TestUpToDate(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	if _, err := os.Stat(filepath.Join(goroot, "api")); err != nil {
		t.Skipf("no api files in %s", goroot)
	}
	want, err := stdapi.Generate(goroot)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("api.txt")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("api.txt is not up to date with %s/api: run go generate ./fixers/ctxprop/...", goroot)
	}
}

func TestSince(t *testing.T) {
	for key, want := range map[string]string{
		"net/http.NewRequestWithContext":       "go1.13",
		"os/exec.CommandContext":               "go1.7",
		"crypto/tls.(*Conn).HandshakeContext":  "go1.17",
		"database/sql.(*DB).PingContext":       "go1.8",
		"net.(*Dialer).DialContext":            "go1.7",
		"net.(*Resolver).LookupNetIP":          "go1.18",
		"context.WithoutCancel":                "go1.21",
		"net/http.(*Request).WithContext":      "go1.7",
		"database/sql.(*Conn).ExecContext":     "go1.9",
		"net.(*Resolver).LookupHost":           "go1.8",
		"net/http/httptrace.WithClientTrace":   "go1.7",
		"database/sql.(*Tx).StmtContext":       "go1.8",
		"os/signal.NotifyContext":              "go1.16",
		"database/sql/driver.(*NullTime).Scan": "",
		"net/http.NewRequest":                  "",
	} {
		got, ok := stdapi.Since(key)
		if got != want || ok != (want != "") {
			t.Errorf("Since(%s) = %q, %v; want %q", key, got, ok, want)
		}
	}
}
