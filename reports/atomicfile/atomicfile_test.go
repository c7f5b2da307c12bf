package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "a,b\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "a,b\n" {
		t.Fatalf("read back %q, %v", got, err)
	}

	// A failing writer leaves the old file and no temporary file.
	boom := errors.New("boom")
	err = Write(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ = os.ReadFile(path)
	if string(got) != "a,b\n" {
		t.Errorf("old file changed to %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only out.csv", len(entries))
	}
}

func TestWriteMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "out.csv")
	err := Write(path, func(w io.Writer) error { return nil })
	if err == nil {
		t.Fatal("want an error for a missing folder")
	}
	if want := path + ": no such file or directory"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestWriteUnsynced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.bin")
	if err := WriteUnsynced(path, func(w io.Writer) error {
		_, err := w.Write([]byte{1, 2, 3})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); len(b) != 3 {
		t.Errorf("read back %v", b)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestCommitError(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "d")
	// Renaming a file onto a non-empty folder fails: Commit must report it
	// and leave no temporary behind.
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err == nil {
		t.Fatal("commit onto a folder succeeded")
	} else if strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error names the temporary file: %v", err)
	}
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	if !slices.Equal(names, []string{"d", filepath.Join("d", "x")}) {
		t.Errorf("left %v", names)
	}
	if _, err := a.Write([]byte("more")); err == nil || errors.Is(err, os.ErrClosed) {
		t.Errorf("write after failed commit: %v", err)
	}
}
