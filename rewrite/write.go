package rewrite

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
)

// WriteFile replaces the content of the existing file at path with data, atomically: the
// data goes to a temporary file in the same directory, which takes the file's mode and
// then replaces it by rename. Readers never see a partial file, and a failure leaves the
// file as it was. A file without write permission is not replaced (rename would bypass
// the permission). A symbolic link stays a link: the file it leads to is replaced, as
// gofmt -w writes through links. old is the content the change was computed from: if the
// file no longer has it, WriteFile refuses, so that a concurrent edit is not lost.
func WriteFile(path string, old, data []byte) (err error) {
	if path, err = filepath.EvalSymlinks(path); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return errors.New("file is read-only")
	}
	if cur, err := os.ReadFile(path); err != nil {
		return err
	} else if !bytes.Equal(cur, old) {
		return errors.New("file changed while concfix ran")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".concfix-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
