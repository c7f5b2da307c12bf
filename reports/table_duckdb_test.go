package reports

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports/duckdbtest"
)

// duckTypes maps the table's logical types to the DuckDB types a reader
// must see.
var duckTypes = map[string]string{
	"string":             "VARCHAR",
	"timestamp[us, UTC]": "TIMESTAMP WITH TIME ZONE",
	"int32":              "INTEGER",
	"int64":              "BIGINT",
	"double":             "DOUBLE",
	"list<float32>":      "FLOAT[]",
}

// checkDuckDB compares what DuckDB read with the rows written (sorted by
// path, channel, segment as check.mjs orders them): types of every
// column, then values, nulls where NaN, zero times, rpm 0 and empty text
// were written.
func checkDuckDB(t *testing.T, res *duckdbtest.Result, s FeatureSchema, rows []FeatureRow, extra map[string]string) {
	t.Helper()
	cols := s.Columns()
	if len(res.Columns) != len(cols)+len(extra) {
		t.Fatalf("DuckDB sees %d columns, want %d: %v", len(res.Columns), len(cols)+len(extra), res.Columns)
	}
	for i, c := range cols {
		got := res.Columns[i]
		if got.Name != c.Name || got.Type != duckTypes[c.Type] {
			t.Errorf("column %d: DuckDB %s %s, want %s %s", i+1, got.Name, got.Type, c.Name, duckTypes[c.Type])
		}
	}
	for i, c := range res.Columns[len(cols):] {
		if extra[c.Name] != c.Type {
			t.Errorf("partition column %d: DuckDB %s %s, want one of %v", i+1, c.Name, c.Type, extra)
		}
	}
	want := slices.Clone(rows)
	slices.SortStableFunc(want, func(a, b FeatureRow) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Channel, b.Channel), cmp.Compare(a.Segment, b.Segment))
	})
	if len(res.Rows) != len(want) {
		t.Fatalf("DuckDB reads %d rows, want %d", len(res.Rows), len(want))
	}
	null := func(v any) bool { return v == nil }
	for i, r := range want {
		got := res.Rows[i]
		at := func(name string) any {
			return got[slices.IndexFunc(cols, func(c TableColumn) bool { return c.Name == name })]
		}
		for name, w := range map[string]string{"turbine": r.Turbine, "sensor": r.Sensor, "path": r.Path, "channel": r.Channel, "unit": r.Unit} {
			if at(name) != w {
				t.Errorf("row %d %s: %v, want %q", i, name, at(name), w)
			}
		}
		if r.Time.IsZero() != null(at("time")) {
			t.Errorf("row %d time: %v, want null %v", i, at("time"), r.Time.IsZero())
		} else if !r.Time.IsZero() {
			if w := r.Time.UTC().Format("2006-01-02 15:04:05.000000") + "+00"; at("time") != w {
				t.Errorf("row %d time: %v, want %s", i, at("time"), w)
			}
		}
		if (r.RPM == 0) != null(at("rpm")) || (r.RPM != 0 && at("rpm") != r.RPM) {
			t.Errorf("row %d rpm: %v, want %v (0 = null)", i, at("rpm"), r.RPM)
		}
		if (r.Label == "") != null(at("label")) {
			t.Errorf("row %d label: %v, want %q (empty = null)", i, at("label"), r.Label)
		}
		if at("segment") != float64(r.Segment) || at("samples") != fmt.Sprint(r.Samples) {
			t.Errorf("row %d segment, samples: %v %v, want %d %d", i, at("segment"), at("samples"), r.Segment, r.Samples)
		}
		for j, m := range r.Meta {
			g := at(s.Meta[j].Name)
			if m.Value == "" {
				if !null(g) {
					t.Errorf("row %d %s: %v, want null", i, m.Name, g)
				}
				continue
			}
			// BIGINT comes as text, DOUBLE as a number, VARCHAR as text.
			if fmt.Sprint(g) != m.Value {
				t.Errorf("row %d %s: %v, want %s", i, m.Name, g, m.Value)
			}
		}
		for j, v := range r.Values {
			g := at(s.Features[j].Name)
			if math.IsNaN(v) {
				if !null(g) {
					t.Errorf("row %d %s: %v, want null (NaN written)", i, s.Features[j].Name, g)
				}
			} else if g != v {
				t.Errorf("row %d %s: %v, want %v", i, s.Features[j].Name, g, v)
			}
		}
		if s.Spectra {
			g := at("psd")
			if r.Spectrum == nil {
				if !null(g) {
					t.Errorf("row %d psd: %v, want null", i, g)
				}
				continue
			}
			gl, _ := g.([]any)
			if len(gl) != len(r.Spectrum) {
				t.Fatalf("row %d psd: %v, want %v", i, g, r.Spectrum)
			}
			for k, v := range r.Spectrum {
				if gl[k] != float64(v) {
					t.Errorf("row %d psd[%d]: %v, want %v", i, k, gl[k], v)
				}
			}
		}
	}
}

func TestDuckDBReadsFeatureTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	s := testSchema(true)
	rows := testRows(13, true)
	writeTable(t, path, s, rows, 4)
	res := duckdbtest.Run(t, path)
	checkDuckDB(t, res, s, rows, nil)
	for k, v := range map[string]string{
		MetaTable:         "features",
		MetaSchemaVersion: fmt.Sprint(features.SchemaVersion),
		MetaToolVersion:   "v0.test",
		MetaPSDFrequency:  "[0,10,20]",
	} {
		if res.KV[k] != v {
			t.Errorf("DuckDB parquet_kv_metadata %s = %q, want %q", k, res.KV[k], v)
		}
	}
	var cols []TableColumn
	if err := json.Unmarshal([]byte(res.KV[MetaColumns]), &cols); err != nil || !slices.Equal(cols, s.Columns()) {
		t.Errorf("DuckDB reads windpm.columns %q (%v)", res.KV[MetaColumns], err)
	}
}

// TestDuckDBReadsSnappyTable: the Snappy files of a scan's partitions
// read back, in windpm and in DuckDB, as the zstd ones do.
func TestDuckDBReadsSnappyTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	s := testSchema(true)
	rows := testRows(5, true)
	writeTableOptions(t, path, s, rows, 4, FeatureWriterOptions{Snappy: true})
	got, err := ReadFeatureTable(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(rows) {
		t.Fatalf("%d rows, want %d", len(got.Rows), len(rows))
	}
	checkDuckDB(t, duckdbtest.Run(t, path), s, rows, nil)
}

func TestDuckDBReadsPartitionedTable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "features")
	s := testSchema(false)
	rows := testRows(17, false)
	p, err := NewPartitionedFeatureWriter(dir, s, nil, []string{PartitionTurbine, PartitionDate})
	if err != nil {
		t.Fatal(err)
	}
	p.maxOpen = 3 // several part files in some partitions
	for i := range rows {
		if err := p.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// turbine stays in its place (the files hold it); date comes from the
	// folder names, typed DATE by DuckDB, null for HiveNull.
	res := duckdbtest.Run(t, "--hive", dir)
	checkDuckDB(t, res, s, rows, map[string]string{"date": "DATE"})
	slices.SortStableFunc(rows, func(a, b FeatureRow) int { return strings.Compare(a.Path, b.Path) })
	for i, r := range rows {
		date := res.Rows[i][len(res.Rows[i])-1]
		var want any
		if !r.Time.IsZero() {
			want = r.Time.UTC().Format("2006-01-02")
		}
		if date != want {
			t.Errorf("row %d date %v, want %v", i, date, want)
		}
	}
}
