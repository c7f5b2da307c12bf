package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/windpm/windpm/reports/duckdbtest"
)

// recordDuckTypes maps the record tables' logical types to the DuckDB
// types a reader must see.
var recordDuckTypes = map[string]string{
	"string":             "VARCHAR",
	"timestamp[us, UTC]": "TIMESTAMP WITH TIME ZONE",
	"int32":              "INTEGER",
	"int64":              "BIGINT",
	"double":             "DOUBLE",
	TypeBoolean:          "BOOLEAN",
	TypeListString:       "VARCHAR[]",
	"list<float32>":      "FLOAT[]",
}

// duckValue returns how check.mjs prints v (a value as ReadRecordTable
// returns it): DuckDB's JSON conversion gives BIGINT as text, timestamps
// as text in UTC, infinities as the strings "Infinity"/"-Infinity".
func duckValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string, bool:
		return x
	case int32:
		return float64(x)
	case int64:
		return fmt.Sprint(x)
	case float64:
		if math.IsInf(x, 0) {
			return map[bool]string{true: "Infinity", false: "-Infinity"}[x > 0]
		}
		return x
	case float32:
		return duckValue(float64(x))
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
	case []string:
		l := make([]any, len(x))
		for i, s := range x {
			l[i] = s
		}
		return l
	case []float32:
		l := make([]any, len(x))
		for i, f := range x {
			l[i] = duckValue(f)
		}
		return l
	}
	panic(fmt.Sprintf("duckValue: %T", v))
}

func TestDuckDBReadsRecordTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scores.parquet")
	cols := testRecordColumns()
	rows := testRecordRows(14)
	writeRecords(t, path, cols, rows, 4, map[string]string{"windpm.run": "r1"})
	res := duckdbtest.Run(t, path)
	if len(res.Columns) != len(cols) {
		t.Fatalf("DuckDB sees %d columns, want %d: %v", len(res.Columns), len(cols), res.Columns)
	}
	for i, c := range cols {
		if got := res.Columns[i]; got.Name != c.Name || got.Type != recordDuckTypes[c.Type] {
			t.Errorf("column %d: DuckDB %s %s, want %s %s", i+1, got.Name, got.Type, c.Name, recordDuckTypes[c.Type])
		}
	}
	// check.mjs orders by path (unique here), as the rows were written.
	if len(res.Rows) != len(rows) {
		t.Fatalf("DuckDB reads %d rows, want %d", len(res.Rows), len(rows))
	}
	for i, r := range rows {
		want := wantRecordRow(cols, r)
		for j := range cols {
			w, g := duckValue(want[j]), res.Rows[i][j]
			wj, _ := json.Marshal(w)
			gj, _ := json.Marshal(g)
			if string(wj) != string(gj) {
				t.Errorf("row %d %s: DuckDB %s, want %s", i, cols[j].Name, gj, wj)
			}
		}
	}
	for k, v := range map[string]string{MetaTable: "scores", MetaSchemaVersion: "3", "windpm.run": "r1"} {
		if res.KV[k] != v {
			t.Errorf("DuckDB parquet_kv_metadata %s = %q, want %q", k, res.KV[k], v)
		}
	}
	var got []TableColumn
	if err := json.Unmarshal([]byte(res.KV[MetaColumns]), &got); err != nil || !slices.Equal(got, cols) {
		t.Errorf("DuckDB reads windpm.columns %q (%v)", res.KV[MetaColumns], err)
	}
}
