// Command concfix finds the concurrency pitfalls that make Go programs leak goroutines,
// deadlock or race, and fixes them by rewriting the source.
//
// Usage:
//
//	concfix [flags] [packages | directories | files]
//
// With no mode flag it reports each finding as "file:line:col: message (fixer)". -diff
// prints the fixes as a unified diff, -w writes them, -l lists the files -w would change.
// Run "concfix -help" for the flags, and see README.md.
//
// concfix also speaks the go vet tool protocol: go vet -vettool=$(which concfix) ./...
package main

import (
	"os"
)

func main() {
	os.Exit(concfix(os.Args[1:], os.Stdout, os.Stderr))
}
