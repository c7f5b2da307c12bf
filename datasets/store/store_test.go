package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gocloud.dev/blob"
)

func TestLocal(t *testing.T) {
	runSuite(t, func(t *testing.T) *Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "out"))
		if err != nil {
			t.Fatal(err)
		}
		if !s.IsLocal() {
			t.Fatal("a plain path is not local")
		}
		return s
	})
}

// fileURL is the file:// URL of a local folder.
func fileURL(dir string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String()
}

func TestFileblob(t *testing.T) {
	runSuite(t, func(t *testing.T) *Store {
		dir := t.TempDir()
		// fileblob renames its temporary files from os.TempDir; keep them
		// on the same file system as the bucket.
		t.Setenv("TMPDIR", t.TempDir())
		s, err := Open(context.Background(), fileURL(dir)+"?metadata=skip")
		if err != nil {
			t.Fatal(err)
		}
		if s.IsLocal() {
			t.Fatal("a file:// URL is local, want fileblob")
		}
		return s
	})
}

// TestLocalAtomicfile checks that a local write is reports/atomicfile's:
// while it is open only a hidden temporary file exists in the object's
// folder, and a committed object is an ordinary 0644 file.
func TestLocalAtomicfile(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Create(context.Background(), "a/b/c.parquet")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("data"))
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "a", "b"))
	if len(entries) != 1 || entries[0].Name() != "c.parquet" {
		t.Fatalf("folder holds %v", entries)
	}
	st, _ := os.Stat(filepath.Join(dir, "a", "b", "c.parquet"))
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}

	w, err = s.Create(context.Background(), "a/b/d.parquet")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, 1<<17)) // past atomicfile's buffer: on disk
	entries, _ = os.ReadDir(filepath.Join(dir, "a", "b"))
	var tmp []string
	for _, e := range entries {
		if e.Name() != "c.parquet" {
			tmp = append(tmp, e.Name())
		}
	}
	if len(tmp) != 1 || !strings.HasPrefix(tmp[0], ".d.parquet.tmp-") {
		t.Errorf("while writing, the folder holds %q besides c.parquet; want one .d.parquet.tmp-*", tmp)
	}
	if k := keys(t, s, ""); len(k) != 1 {
		t.Errorf("List shows %q while d.parquet is written", k)
	}
	w.Abort()
	if entries, _ = os.ReadDir(filepath.Join(dir, "a", "b")); len(entries) != 1 {
		t.Errorf("after Abort the folder holds %v", entries)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	missing := filepath.Join(dir, "missing")
	for _, c := range []struct {
		loc, want string
		notExist  bool
	}{
		{"", "empty location (want a folder or a URL such as s3://bucket/prefix)", false},
		{file, file + ": not a folder", false},
		{fileURL(missing), fileURL(missing) + ": no such folder", true},
		{"ftp://host/x", `ftp://host/x: unknown storage scheme "ftp" (known: s3, gs, azblob, file, or a local path)`, false},
		{"s3:///prefix", "s3:///prefix: no bucket in the URL (want s3://bucket/prefix)", false},
		{"s3://b/p?bogus=1", `s3://b/p: open bucket s3://b?bogus=1: unknown query parameter "bogus"`, false},
		{"s3://%zz", `s3://%zz: not a valid URL: invalid URL escape "%zz"`, false},
	} {
		if strings.HasPrefix(c.loc, "s3:") && !blob.DefaultURLMux().ValidBucketScheme("s3") {
			c.want = strings.SplitN(c.want, ": ", 2)[0] + ": this windpm was built without the s3 driver (build tag windpm_nos3)"
			if c.loc == "s3://%zz" {
				continue // refused as a URL first
			}
		}
		s, err := Open(ctx, c.loc)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", c.loc)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Open(%q) = %q, want %q", c.loc, err, c.want)
		}
		if errors.Is(err, fs.ErrNotExist) != c.notExist {
			t.Errorf("Open(%q): errors.Is(err, fs.ErrNotExist) = %v", c.loc, !c.notExist)
		}
	}

	// A missing local folder opens (outputs create it) but does not list.
	s, err := Open(ctx, missing)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range s.List(ctx, "") {
		if err == nil || err.Error() != missing+": no such folder" || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("List(missing folder) = %v", err)
		}
	}

	if runtime.GOOS != "windows" && os.Getuid() != 0 {
		locked := filepath.Join(dir, "locked")
		os.Mkdir(locked, 0o000)
		s, _ := Open(ctx, dir)
		_, err := s.Open(ctx, "locked/x")
		if !errors.Is(err, fs.ErrPermission) || err.Error() != s.URL("locked/x")+": access denied (permission denied)" {
			t.Errorf("Open(locked/x) = %v", err)
		}
	}
}

func TestRootNames(t *testing.T) {
	s, err := Open(context.Background(), "/")
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "/" || s.URL("etc/x") != "/etc/x" {
		t.Errorf("String %q, URL %q; want / and /etc/x", s.String(), s.URL("etc/x"))
	}
	if s, _ := Open(context.Background(), "out///"); s.String() != "out" {
		t.Errorf("String %q, want out", s.String())
	}
}

func TestErrorMessages(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{context.Canceled, "x: cancelled"},
		{fmt.Errorf("op: %w", context.DeadlineExceeded), "x: timed out"},
		{fs.ErrNotExist, "x: not found"},
		{&fs.PathError{Op: "open", Path: "/tmp/.x.tmp-1", Err: fs.ErrPermission}, "x: access denied (permission denied)"},
		{errors.New("line one\nline two"), "x: line one line two"},
	} {
		if got := newError("x", c.err).Error(); got != c.want {
			t.Errorf("newError(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if newError("x", nil) != nil {
		t.Error("newError(nil) != nil")
	}
}
