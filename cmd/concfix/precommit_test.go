package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommit runs the hooks of .pre-commit-hooks.yaml with the real pre-commit program
// (pre-commit try-repo builds cmd/concfix from this repository) on a temporary git
// repository holding two modules, each with a staged file that has a lost cancel.
func TestPreCommit(t *testing.T) {
	// .ci/run sets CONCFIX_REQUIRE_PRECOMMIT: there, a test that cannot run fails.
	skip := t.Skip
	if os.Getenv("CONCFIX_REQUIRE_PRECOMMIT") != "" {
		skip = func(args ...any) { t.Fatal(append([]any{"CONCFIX_REQUIRE_PRECOMMIT is set, but: "}, args...)...) }
	}
	if testing.Short() {
		skip("-short: pre-commit builds concfix from scratch")
	}
	if _, err := exec.LookPath("pre-commit"); err != nil {
		skip("pre-commit is not installed (Debian: apt-get install pre-commit); .ci/run installs it")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		skip("not in a git checkout: pre-commit try-repo needs one")
	}
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := append(os.Environ(),
		"PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"),
		"GOMODCACHE="+strings.TrimSpace(string(modcache)), // share downloaded modules
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	)
	leak := "package %s\n\nimport \"context\"\n\nfunc F(ctx context.Context) error {\n\tctx, _ = context.WithCancel(ctx)\n\treturn ctx.Err()\n}\n"
	// A finding that has no fix: it fails neither hook.
	unbounded := "package %s\n\nfunc All(items []string, workers int, f func(string)) {\n\tfor _, it := range items {\n\t\tgo f(it)\n\t}\n}\n"
	setup := func(t *testing.T, staged ...string) string {
		dir := t.TempDir()
		for _, m := range []string{"one", "two"} {
			write(t, filepath.Join(dir, m, "go.mod"), "module example.com/"+m+"\n\ngo 1.22\n")
			write(t, filepath.Join(dir, m, "a.go"), strings.ReplaceAll(leak, "%s", m))
			write(t, filepath.Join(dir, m, "untouched.go"), strings.ReplaceAll(strings.ReplaceAll(leak, "%s", m), "F(", "G("))
			write(t, filepath.Join(dir, m, "r.go"), strings.ReplaceAll(unbounded, "%s", m))
		}
		run(t, dir, env, "git", "init", "-q")
		run(t, dir, env, "git", "add", "one/go.mod", "two/go.mod", "one/untouched.go", "two/untouched.go")
		run(t, dir, env, "git", "commit", "-qm", "init")
		run(t, dir, env, "git", append([]string{"add"}, staged...)...) // staged, not committed
		return dir
	}

	t.Run("fix", func(t *testing.T) {
		dir := setup(t, "one/a.go", "two/a.go", "one/r.go")
		out, err := output(dir, env, "pre-commit", "try-repo", root, "concfix")
		if err == nil {
			t.Fatalf("pre-commit passed although the hook changed files:\n%s", out)
		}
		if !strings.Contains(out, "files were modified by this hook") {
			t.Errorf("pre-commit did not report modified files:\n%s", out)
		}
		for _, m := range []string{"one", "two"} {
			if b := read(t, filepath.Join(dir, m, "a.go")); !strings.Contains(b, "defer cancel()") {
				t.Errorf("%s/a.go was not fixed:\n%s", m, b)
			}
			if b := read(t, filepath.Join(dir, m, "untouched.go")); strings.Contains(b, "defer cancel()") {
				t.Errorf("%s/untouched.go was changed but not staged", m)
			}
		}
		// The fixed files pass; the finding without a fix is shown (pre-commit shows the
		// output of a hook that passed with --verbose), and fails nothing.
		run(t, dir, env, "git", "add", "one/a.go", "two/a.go")
		out, err = output(dir, env, "pre-commit", "try-repo", "--verbose", root, "concfix")
		if err != nil {
			t.Errorf("second run failed:\n%s", out)
		}
		if !strings.Contains(out, "one/r.go:5:3: ") || !strings.Contains(out, "(unboundedgo)") {
			t.Errorf("second run does not show the finding without a fix:\n%s", out)
		}
	})

	t.Run("check", func(t *testing.T) {
		dir := setup(t, "one/a.go", "two/a.go")
		out, err := output(dir, env, "pre-commit", "try-repo", root, "concfix-check")
		if err == nil {
			t.Fatalf("check hook passed:\n%s", out)
		}
		for _, want := range []string{"+++ b/one/a.go", "+++ b/two/a.go", "+\tdefer cancel()"} {
			if !strings.Contains(out, want) {
				t.Errorf("check output lacks %q:\n%s", want, out)
			}
		}
		if b := read(t, filepath.Join(dir, "one", "a.go")); strings.Contains(b, "defer cancel()") {
			t.Error("the check hook changed a file")
		}
	})

	t.Run("report-only", func(t *testing.T) {
		dir := setup(t, "one/r.go", "two/r.go")
		for _, hook := range []string{"concfix", "concfix-check"} {
			if out, err := output(dir, env, "pre-commit", "try-repo", root, hook); err != nil {
				t.Errorf("%s failed on a finding without a fix:\n%s", hook, out)
			}
		}
	})
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	if out, err := output(dir, env, name, args...); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}
