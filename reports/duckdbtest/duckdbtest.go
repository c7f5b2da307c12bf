// Package duckdbtest reads windpm's Parquet tables with DuckDB (the npm
// package @duckdb/node-api, run by node) in tests, so that what notebooks
// and query engines see is checked, not only what windpm's own reader
// sees.
package duckdbtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"
)

// Result is what reports/testdata/duckdb/check.mjs prints: the columns
// with their DuckDB types, the rows, and the file's key-value metadata.
type Result struct {
	Columns []struct{ Name, Type string }
	Rows    [][]any
	KV      map[string]string
}

// Run reads a table with DuckDB through node and
// reports/testdata/duckdb/check.mjs (args: PATH, or --hive FOLDER). It
// skips the test when node or npm is not on PATH, and installs the pinned
// @duckdb/node-api into that folder when node_modules is absent (npm's
// output is shown only if it fails); if that install fails (no network,
// no cache), it skips with npm's message — except under CI (CI set), where
// a DuckDB check that cannot run is a failure.
func Run(t *testing.T, args ...string) *Result {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not on PATH: DuckDB check skipped (install Node.js to run it)")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm not on PATH: DuckDB check skipped (install npm to run it)")
	}
	dir := filepath.Join(sharedtest.RepoRoot(t), "reports", "testdata", "duckdb")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api")); err != nil {
		// npm ci installs exactly the lock file. Some registries (mirrors
		// that lack the other platforms' optional DuckDB bindings) make it
		// refuse the lock; then install the same exact versions from
		// package.json without touching the lock.
		var msgs []byte
		for _, args := range [][]string{
			{"ci", "--no-audit", "--no-fund", "--loglevel=error"},
			{"install", "--no-save", "--package-lock=false", "--no-audit", "--no-fund", "--loglevel=error"},
		} {
			cmd := exec.Command(npm, args...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err == nil {
				msgs = nil
				break
			}
			msgs = append(msgs, fmt.Sprintf("npm %s: %v\n%s\n", args[0], err, tail(out, 1000))...)
		}
		if msgs != nil && os.Getenv("CI") != "" {
			t.Fatalf("installing @duckdb/node-api in %s failed under CI:\n%s", dir, msgs)
		}
		if msgs != nil {
			t.Skipf("installing @duckdb/node-api in %s failed (offline?), DuckDB check skipped:\n%s", dir, msgs)
		}
	}
	cmd := exec.Command(node, append([]string{filepath.Join(dir, "check.mjs")}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs %v: %v\n%s", args, err, tail(stderr.Bytes(), 4000))
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check.mjs output: %v\n%s", err, tail(out, 2000))
	}
	return &res
}

// tail returns the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
