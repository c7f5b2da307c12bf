package reports

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestReadRecordTableDuckDBFile reads a table written by DuckDB itself
// (testdata/record/duckdb-write.mjs: no windpm metadata, DuckDB's own
// encodings and version 1 pages) and compares every value with the
// formulas of the script.
func TestReadRecordTableDuckDBFile(t *testing.T) {
	wantCols := []TableColumn{
		{Name: "turbine", Type: "string", Nullable: true},
		{Name: "note", Type: "string", Nullable: true},
		{Name: "segment", Type: "int32", Nullable: true},
		{Name: "samples", Type: "int64", Nullable: true},
		{Name: "z", Type: "double", Nullable: true},
		{Name: "open", Type: TypeBoolean, Nullable: true},
		{Name: "time", Type: "timestamp[us, UTC]", Nullable: true},
		{Name: "lines", Type: TypeListString, Nullable: true},
		{Name: "levels", Type: "list<float32>", Nullable: true},
	}
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"duckdb-v1.parquet"} {
		tab, err := ReadRecordTable(filepath.Join("testdata", "record", name))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(tab.Columns, wantCols) {
			t.Fatalf("%s: columns\n%+v\nwant\n%+v", name, tab.Columns, wantCols)
		}
		if len(tab.Rows) != 3000 {
			t.Fatalf("%s: %d rows, want 3000", name, len(tab.Rows))
		}
		bad := 0
		for i, got := range tab.Rows {
			want := []any{fmt.Sprintf("WT%02d", i%7), fmt.Sprintf("note %d", i), int32(i % 1000), int64(i) * 1000003,
				float64(i) / 8, i%2 == 0, t0.Add(time.Duration(i) * 1000001 * time.Microsecond),
				[]string{fmt.Sprintf("BPFO x%d", i%3), "GMF"}, []float32{float32(i), -0.5}}
			if i%5 == 0 {
				want[1], want[8] = nil, nil
			}
			if i%3 == 0 {
				want[3] = nil
			}
			if i%4 == 0 {
				want[4], want[7] = nil, nil
			} else if i%4 == 1 {
				want[7] = []string{}
			}
			if i%6 == 0 {
				want[6] = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s row %d:\n%#v\nwant\n%#v", name, i, got, want)
				if bad++; bad > 5 {
					t.FailNow()
				}
			}
		}
	}
}

// TestReadRecordTableDuckDBV2 reads DuckDB's PARQUET_VERSION V2 output,
// whose double column is BYTE_STREAM_SPLIT-encoded, which arrow/go v15
// does not decode: a one-line error naming the file and the column.
func TestReadRecordTableDuckDBV2(t *testing.T) {
	path := filepath.Join("testdata", "record", "duckdb-v2.parquet")
	_, err := ReadRecordTable(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), "column z: ") || !strings.Contains(err.Error(), "BYTE_STREAM_SPLIT") {
		t.Errorf("error %v, want one naming the file, column z and its encoding", err)
	}
}
