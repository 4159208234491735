// Package bridge is test input for the dst bridge.
package bridge

import "fmt"

func mark() {}

var unformatted = 1 // not gofmt-clean: must stay as is

func f() {
	// before
	mark() // want "mark"

	fmt.Println("x") // trailing
}
