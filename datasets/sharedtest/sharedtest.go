// Package sharedtest finds the project's shared real data for tests: the
// folder ../shared/data beside the repository (CWRU recordings, SCADA
// exports), which CI always has and a fresh clone may not.
package sharedtest

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the repository root: the nearest folder above the
// test's working directory that holds go.mod. It fails the test if there
// is none.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// Path returns ../shared/data/rel seen from the repository root, or skips
// the test with a message saying what is missing.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), "..", "shared", "data", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/data/%s not found (%v): the shared real data is not beside this checkout", rel, err)
	}
	return p
}

// CWRUCatalog returns the rows of ../shared/data/cwru/catalog.csv as maps
// from column name to cell, with the folder holding the recordings, or
// skips the test when the catalog is absent. It fails the test unless the
// catalog lists the 61 recordings its README describes.
func CWRUCatalog(t testing.TB) (dir string, rows []map[string]string) {
	t.Helper()
	path := Path(t, "cwru/catalog.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) != 62 {
		t.Fatalf("%s has %d rows, want 61 recordings", path, len(recs)-1)
	}
	for _, r := range recs[1:] {
		row := make(map[string]string, len(r))
		for i, name := range recs[0] {
			row[name] = r[i]
		}
		rows = append(rows, row)
	}
	return filepath.Dir(path), rows
}
