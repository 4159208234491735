package rewrite

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// exportReader returns a reader of the export data in r, a file that go list -export
// names, for gcexportdata.Read. Up to Go 1.27 the file is the compiler's archive, whose
// first member, __.PKGDEF, holds object headers and then the export data between "$$B\n"
// and "\n$$\n"; from Go 1.28 it is cmd/export's output, which is export data whole.
// (gcexportdata.NewReader, which found the export data in archives, is deprecated: it
// stops reading archives in Go 1.29. x/tools says to call Read directly on cmd/export's
// files; the archives of the Go releases before that are read here.)
func exportReader(r io.Reader) (io.Reader, error) {
	const arMagic = "!<arch>\n"
	br := bufio.NewReader(r)
	if magic, err := br.Peek(len(arMagic)); err != nil || string(magic) != arMagic {
		return br, nil // not an archive: export data, which Read checks
	}
	br.Discard(len(arMagic))
	// The member's header: name (16 bytes), mtime (12), uid (6), gid (6), mode (8),
	// size (10), "`\n".
	var hdr [60]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fmt.Errorf("archive header: %v", err)
	}
	if name := strings.TrimSpace(string(hdr[:16])); name != "__.PKGDEF" || string(hdr[58:]) != "`\n" {
		return nil, errors.New("archive does not start with __.PKGDEF")
	}
	size, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("archive header: size: %v", err)
	}
	for first := true; ; first = false {
		line, err := br.ReadSlice('\n') // headers are shorter than the buffer (4 kB)
		if err != nil {
			return nil, fmt.Errorf("object header: %v", err)
		}
		size -= int64(len(line))
		if first && !strings.HasPrefix(string(line), "go object ") {
			return nil, fmt.Errorf("not a Go object file: %q", line)
		}
		if string(line) == "$$B\n" {
			break
		}
		if strings.HasPrefix(string(line), "$$") {
			return nil, fmt.Errorf("unsupported export data header %q", line)
		}
	}
	const endOfSection = "\n$$\n" // counted in the member's size, not part of the data
	if size -= int64(len(endOfSection)); size < 0 {
		return nil, errors.New("archive member shorter than its headers")
	}
	return &io.LimitedReader{R: br, N: size}, nil // Read sizes its buffer from N
}
