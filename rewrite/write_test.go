package rewrite_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concfix/concfix/rewrite"
)

// TestWriteFile writes a file in place, keeping its mode; through a symbolic link, the link
// stays and the file it leads to (in another directory, through a chain of links) is
// written, as gofmt -w does. A file that changed meanwhile, or is read-only, is left alone.
func TestWriteFile(t *testing.T) {
	const old, new = "old\n", "new\n"
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) (path, target string) // the path to write, the file that changes
		err   string
	}{
		{"regular file", func(t *testing.T, dir string) (string, string) {
			f := writeFile(t, filepath.Join(dir, "a.go"), old, 0o640)
			return f, f
		}, ""},
		{"symbolic link", func(t *testing.T, dir string) (string, string) {
			target := writeFile(t, filepath.Join(dir, "real", "a.go"), old, 0o640)
			link := filepath.Join(dir, "link", "a.go")
			symlink(t, "../real/a.go", link)
			return link, target
		}, ""},
		{"chain of links", func(t *testing.T, dir string) (string, string) {
			target := writeFile(t, filepath.Join(dir, "real", "a.go"), old, 0o640)
			symlink(t, target, filepath.Join(dir, "mid", "b.go"))
			symlink(t, "../mid/b.go", filepath.Join(dir, "link", "a.go"))
			return filepath.Join(dir, "link", "a.go"), target
		}, ""},
		{"changed meanwhile", func(t *testing.T, dir string) (string, string) {
			f := writeFile(t, filepath.Join(dir, "a.go"), "edited\n", 0o640)
			return f, f
		}, "file changed while concfix ran"},
		{"read-only", func(t *testing.T, dir string) (string, string) {
			f := writeFile(t, filepath.Join(dir, "a.go"), old, 0o440)
			return f, f
		}, "read-only"},
		{"dangling link", func(t *testing.T, dir string) (string, string) {
			link := filepath.Join(dir, "a.go")
			symlink(t, "nowhere.go", link)
			return link, ""
		}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, target := tc.setup(t, dir)
			var before os.FileInfo
			if target != "" {
				before = stat(t, target)
			}
			linkBefore, _ := os.Lstat(path)
			err := rewrite.WriteFile(path, []byte(old), []byte(new))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(target); string(b) != new {
				t.Errorf("%s holds %q, want %q", target, b, new)
			}
			if after := stat(t, target); after.Mode() != before.Mode() {
				t.Errorf("mode %v, want %v", after.Mode(), before.Mode())
			}
			if linkAfter, err := os.Lstat(path); err != nil || linkAfter.Mode().Type() != linkBefore.Mode().Type() {
				t.Errorf("%s was a %v, is a %v (%v)", path, linkBefore.Mode().Type(), linkAfter.Mode().Type(), err)
			}
			// No temporary file is left beside the link or the file.
			for _, d := range []string{filepath.Dir(path), filepath.Dir(target)} {
				entries, _ := os.ReadDir(d)
				for _, e := range entries {
					if strings.Contains(e.Name(), "concfix") {
						t.Errorf("temporary file %s left in %s", e.Name(), d)
					}
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
