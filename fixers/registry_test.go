package fixers

import (
	"strings"
	"testing"

	"github.com/concfix/concfix/internal/fixkit"
)

// TestRegistry checks what every fixer must have: documentation from its doc.go that
// opens with "name: title", and a URL.
func TestRegistry(t *testing.T) {
	for _, a := range registry {
		title, _, _ := strings.Cut(a.Doc, "\n")
		if !strings.HasPrefix(title, a.Name+": ") || strings.HasSuffix(title, ".") {
			t.Errorf("%s: doc title %q does not read \"%s: title\"", a.Name, title, a.Name)
		}
		if a.URL != fixkit.URL(a.Name) {
			t.Errorf("%s: URL %q", a.Name, a.URL)
		}
	}
}
