package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzReadFeatureTable reads corrupt features tables: ReadFeatureTable
// must return rows or an error naming the file, within 5 s, never panic
// (a scan reads its own table back; a damaged part file must stop it with
// a message, not hang it).
func FuzzReadFeatureTable(f *testing.F) {
	f.Add(must(os.ReadFile(filepath.Join("testdata", "feature-hang.parquet"))))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := ReadFeatureTable(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil && (!strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n")) {
				t.Fatalf("error not one line naming the file: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("ReadFeatureTable did not return within 5 s")
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
