package fixers_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestToolkitApart checks that the fixers (and so the go vet tool and the golangci-lint
// plugin) do not link the engine: they see the toolkit and the shared model only.
// (go/packages and os/exec remain, through dst's decorator package, whose Load helpers
// concfix does not use.)
func TestToolkitApart(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/concfix/concfix/fixers", "github.com/concfix/concfix/golangci").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/concfix/concfix/rewrite", "encoding/gob", "github.com/sergi/go-diff/diffmatchpatch":
			t.Errorf("the fixers link %s", dep)
		}
	}
}
