package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/windpm/windpm/reports"
)

// writeScoresPart writes a scores table of cols and rows to
// shards/shard=K-of-N/scores.parquet in loc, and returns the part.
func writeScoresPart(t *testing.T, loc *outLoc, k, n int, cols []reports.TableColumn, rows [][]any) reportPart {
	t.Helper()
	p := reportPart{loc: loc, dir: fmt.Sprintf("shards/shard=%d-of-%d", k, n), k: k, n: n}
	w, err := loc.newRecordWriter(p.dir+"/scores.parquet", "scores", reports.ScanTablesVersion, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMergeTable merges parts row by row: turbines interleaved between
// the parts come out in turbine order (WT2 before WT10, as the features
// partitions sort), each turbine's rows in their order; a part whose rows
// are not in turbine order, or whose columns differ, is refused with its
// name.
func TestMergeTable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	loc, err := openOut(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer loc.st.Close()
	cols := []reports.TableColumn{{Name: "turbine", Type: "string"}, {Name: "n", Type: "int64"}}
	row := func(tb string, n int64) []any { return []any{tb, n} }
	// Each part in turbine order as the scan writes it: by partition
	// folder name, so turbine=WT10 comes before turbine=WT2.
	p1 := writeScoresPart(t, loc, 1, 2, cols, [][]any{row("WT1", 1), row("WT1", 2), row("WT10", 9), row("WT3", 5)})
	p2 := writeScoresPart(t, loc, 2, 2, cols, [][]any{row("WT11", 10), row("WT2", 3), row("WT2", 4), row("WT4", 6)})
	if err := mergeTable([]reportPart{p1, p2}, "scores", loc, "scores.parquet"); err != nil {
		t.Fatal(err)
	}
	got, err := reports.ReadRecordTable(filepath.Join(dir, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var order []any
	for _, r := range got.Rows {
		order = append(order, r[1])
	}
	want := []any{int64(1), int64(2), int64(9), int64(10), int64(3), int64(4), int64(5), int64(6)}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("merged order %v, want %v", order, want)
	}

	bad := writeScoresPart(t, loc, 2, 2, cols, [][]any{row("WT4", 6), row("WT2", 3)}) // WT2 after WT4
	err = mergeTable([]reportPart{p1, bad}, "scores", loc, "bad.parquet")
	if err == nil || !strings.Contains(err.Error(), "shard=2-of-2") || !strings.Contains(err.Error(), "not in turbine order") {
		t.Errorf("part out of turbine order: %v, want an error naming it", err)
	}
	other := writeScoresPart(t, loc, 2, 2, []reports.TableColumn{{Name: "turbine", Type: "string"}, {Name: "m", Type: "int64"}}, [][]any{row("WT2", 3)})
	err = mergeTable([]reportPart{p1, other}, "scores", loc, "bad.parquet")
	if err == nil || !strings.Contains(err.Error(), "other columns") {
		t.Errorf("part with other columns: %v, want an error naming it", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.parquet")); !os.IsNotExist(err) {
		t.Errorf("a refused merge left bad.parquet (%v)", err)
	}
}
