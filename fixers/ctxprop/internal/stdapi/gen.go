//go:build ignore

// gen writes api.txt, the table of package stdapi, from the api files of the GOROOT of
// the go command that runs it (go generate).
package main

import (
	"log"
	"os"
	"os/exec"
	"strings"

	"github.com/concfix/concfix/fixers/ctxprop/internal/stdapi"
)

func main() {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		log.Fatal(err)
	}
	data, err := stdapi.Generate(strings.TrimSpace(string(out)))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("api.txt", data, 0o666); err != nil {
		log.Fatal(err)
	}
}
