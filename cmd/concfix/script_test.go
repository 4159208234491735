package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"concfix": func() { os.Exit(concfix(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the end-to-end scripts in testdata/script: each is a txtar archive with
// a small module and the concfix commands to run on it (see testscript's documentation).
func TestScript(t *testing.T) {
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	gocache, modcache := goEnv("GOCACHE"), goEnv("GOMODCACHE")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:  "../../testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": status, "sarifcheck": sarifCheck},
		Setup: func(env *testscript.Env) error {
			// The source tree, for the scripts that build concfix from it (-V), and the
			// SARIF 2.1.0 schema.
			env.Setenv("CONCFIX_ROOT", root)
			env.Setenv("SARIF_SCHEMA", filepath.Join(root, "cmd", "concfix", "testdata", "sarif-schema-2.1.0.json"))
			// The scripts' modules use only the standard library; share the build cache.
			env.Setenv("GOCACHE", gocache)
			env.Setenv("GOMODCACHE", modcache)
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOTOOLCHAIN", "local")
			return nil
		},
		RequireExplicitExec: false,
	})
}

// status N command [args...] runs a command as exec does and requires exit status N.
func status(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status %s: not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
