package a

import "testing"

func TestParallel(t *testing.T) {
	for _, u := range []string{"a"} {
		go fetch(u)
	}
	var inputs []string
	for _, u := range inputs {
		go fetch(u) // test files are not checked
	}
}
