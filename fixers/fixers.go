// Package fixers is the registry of concfix's fixers: one analyzer per pitfall, each in
// its own package under this directory.
package fixers

import (
	"golang.org/x/tools/go/analysis"
)

// All returns every fixer, in the order they are listed and run.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{}
}
