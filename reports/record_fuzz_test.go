package reports

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzReadRecordTable reads corrupt files: ReadRecordTable must return an
// error naming the file (on one line) or rows that fit the columns, never
// panic.
func FuzzReadRecordTable(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.parquet")
	writeRecords(f, seed, testRecordColumns(), testRecordRows(6), 1000, nil)
	b, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	small := filepath.Join(dir, "small.parquet")
	writeRecords(f, small, []TableColumn{{Name: "s", Type: TypeListString, Nullable: true}, {Name: "b", Type: TypeBoolean}}, [][]any{{[]string{"a", "b"}, true}, {nil, false}}, 4, nil)
	if b, err = os.ReadFile(small); err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// A hang (arrow/go's reader can loop for ever on damaged pages,
		// see checkedPages) fails the input instead of stalling the
		// fuzzer.
		done := make(chan error, 1)
		go func() { done <- checkRecordRead(path) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("ReadRecordTable did not return within 5 s")
		}
	})
}
