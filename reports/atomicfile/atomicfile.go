// Package atomicfile writes output files atomically: a reader sees the old
// file or the complete new one, never a part, and a failed or interrupted
// write leaves nothing behind. Every windpm output goes through it.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is an output file written as a stream and made visible only when
// complete: bytes go to a temporary file in the same folder; Commit syncs
// it to disk and renames it into place, Abort removes it. Either way no
// partial file is ever seen at the final path. A File belongs to one
// goroutine.
type File struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	sync bool
	done bool
}

// Create starts writing the file at path (created or replaced on Commit).
// Errors name path.
func Create(path string) (*File, error) {
	return create(path, true)
}

// CreateUnsynced is Create without the sync to disk before the rename:
// still never a partial file for a reader or after a crash of the process,
// but after a power cut the file may be empty. It is for bulk outputs that
// can be made again (a synthetic fleet), where a thousand syncs would
// dominate the run time.
func CreateUnsynced(path string) (*File, error) {
	return create(path, false)
}

func create(path string, sync bool) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, UnwrapPathError(err))
	}
	return &File{path: path, f: f, bw: bufio.NewWriterSize(f, 1<<16), sync: sync}, nil
}

// Write writes p to the temporary file.
func (a *File) Write(p []byte) (int, error) {
	if a.done {
		return 0, fmt.Errorf("%s: write after commit or abort", a.path)
	}
	n, err := a.bw.Write(p)
	if err != nil {
		err = fmt.Errorf("%s: %w", a.path, UnwrapPathError(err))
	}
	return n, err
}

// Commit flushes (and, from Create, syncs) and closes the temporary file
// and renames it to the final path. On error the temporary file is
// removed and the final path is left as it was.
func (a *File) Commit() (err error) {
	if a.done {
		return fmt.Errorf("%s: commit after commit or abort", a.path)
	}
	defer func() {
		if err != nil {
			a.Abort()
		}
	}()
	if err := a.bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", a.path, UnwrapPathError(err))
	}
	if a.sync {
		if err := a.f.Sync(); err != nil {
			return fmt.Errorf("%s: %w", a.path, UnwrapPathError(err))
		}
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("%s: %w", a.path, UnwrapPathError(err))
	}
	// CreateTemp makes the file 0600; outputs are ordinary files.
	if err := os.Chmod(a.f.Name(), 0o644); err != nil {
		return fmt.Errorf("%s: %w", a.path, UnwrapPathError(err))
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		return fmt.Errorf("%s: %w", a.path, UnwrapPathError(err))
	}
	a.done = true
	return nil
}

// Abort discards the temporary file; the final path is left as it was. It
// is safe to call after Commit or more than once (then it does nothing).
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// Write creates or replaces the file at path with what write writes, so
// that readers see either the old file or the complete new one, never a
// part (see File). On any error path is left as it was. Errors name path.
func Write(path string, write func(w io.Writer) error) error {
	return writeWith(path, write, Create)
}

// WriteUnsynced is Write without the sync to disk (see CreateUnsynced).
func WriteUnsynced(path string, write func(w io.Writer) error) error {
	return writeWith(path, write, CreateUnsynced)
}

func writeWith(path string, write func(w io.Writer) error, create func(string) (*File, error)) error {
	f, err := create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// UnwrapPathError drops an *os.PathError or *os.LinkError wrapper, whose
// paths may be a temporary file's, so that a message names only the path
// the caller adds.
func UnwrapPathError(err error) error {
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
