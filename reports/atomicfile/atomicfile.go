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

// Write creates or replaces the file at path with what write writes, so
// that readers see either the old file or the complete new one, never a
// part: write goes to a temporary file in the same folder, which is synced
// to disk and renamed into place only when write and the flush succeed. On
// any error the temporary file is removed and path is left as it was.
// Errors name path.
func Write(path string, write func(w io.Writer) error) error {
	return writeFile(path, write, true)
}

// WriteUnsynced is Write without the sync to disk before the rename: still
// never a partial file for a reader or after a crash of the process, but
// after a power cut the file may be empty. It is for bulk outputs that can
// be made again (a synthetic fleet), where a thousand syncs would dominate
// the run time.
func WriteUnsynced(path string, write func(w io.Writer) error) error {
	return writeFile(path, write, false)
}

func writeFile(path string, write func(w io.Writer) error, sync bool) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("%s: %w", path, unwrapPathError(err))
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	// CreateTemp makes the file 0600; outputs are ordinary files.
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	return nil
}

// unwrapPathError drops the *os.PathError wrapper, whose path is the
// temporary file's, so that messages name only the output the user asked
// for.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
