package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzKey checks, for any key a caller might pass on from a manifest or a
// command line, that a key checkKey accepts names a file inside the
// Store's folder (no escape through "..", absolute paths or
// backslashes), and that hiddenAfter does not panic.
func FuzzKey(f *testing.F) {
	for _, k := range []string{"a/b.wav", "../x", "a/../../b", "/etc/passwd", `a\..\b`, "a//b", ".hidden/x", "a/.tmp", "a/", "é/ü.mat", "a/..."} {
		f.Add(k, "a/")
	}
	dir := filepath.Join(f.TempDir(), "root")
	s := &Store{loc: dir, dir: dir}
	f.Fuzz(func(t *testing.T, key, prefix string) {
		if strings.HasPrefix(key, prefix) {
			hiddenAfter(key, prefix)
		}
		if s.checkKey(key) != nil {
			return
		}
		rel, err := filepath.Rel(dir, s.localPath(key))
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			t.Fatalf("key %q accepted but names %q (rel %q, %v)", key, s.localPath(key), rel, err)
		}
		if filepath.ToSlash(rel) != key {
			t.Fatalf("key %q names %q, not itself", key, rel)
		}
	})
}
