package reports

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// AtomicFile is an output file written as a stream and made visible only
// when complete: it is the streaming counterpart of atomicfile.Write, for
// writers (such as a Parquet table) that outlive one callback. Bytes go to
// a temporary file in the same folder; Commit syncs it and renames it into
// place, Abort removes it. Either way no partial file is ever seen at the
// final path. An AtomicFile belongs to one goroutine.
type AtomicFile struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	done bool
}

// CreateAtomic starts writing the file at path (created or replaced on
// Commit). Errors name path.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathErr(err))
	}
	return &AtomicFile{path: path, f: f, bw: bufio.NewWriterSize(f, 1<<16)}, nil
}

// Write writes p to the temporary file.
func (a *AtomicFile) Write(p []byte) (int, error) {
	if a.done {
		return 0, fmt.Errorf("%s: write after commit or abort", a.path)
	}
	n, err := a.bw.Write(p)
	if err != nil {
		err = fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	return n, err
}

// Commit flushes, syncs and closes the temporary file and renames it to
// the final path. On error the temporary file is removed and the final
// path is left as it was.
func (a *AtomicFile) Commit() (err error) {
	if a.done {
		return fmt.Errorf("%s: commit after commit or abort", a.path)
	}
	defer func() {
		if err != nil {
			a.Abort()
		}
	}()
	if err := a.bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	// CreateTemp makes the file 0600; outputs are ordinary files.
	if err := os.Chmod(a.f.Name(), 0o644); err != nil {
		return fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		return fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	a.done = true
	return nil
}

// Abort discards the temporary file; the final path is left as it was. It
// is safe to call after Commit or more than once (then it does nothing).
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// unwrapPathErr drops the *os.PathError or *os.LinkError wrapper, whose
// paths are the temporary file's, so that messages name only the output
// the user asked for.
func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
