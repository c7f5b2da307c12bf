package scada_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/reports"
)

// writeTable writes rows with reports.RecordWriter, the writer of
// `windpm scada ingest`.
func writeTable(t testing.TB, path string, cols []reports.TableColumn, rows [][]any) {
	t.Helper()
	w, err := reports.NewRecordWriter(path, "scada", 1, cols, nil)
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
}

var testCols = []reports.TableColumn{
	{Name: "turbine", Type: "string", Dictionary: true},
	{Name: "time", Type: "timestamp[us, UTC]"},
	{Name: "utc_offset_min", Type: "int32"},
	{Name: "wind_speed_avg", Type: "double", Nullable: true},
	{Name: "active_power_avg", Type: "double", Nullable: true},
	{Name: "status", Type: "double", Nullable: true},            // a bare signal name: not canonical column text, skipped
	{Name: "expected_power_kw", Type: "double", Nullable: true}, // derived: skipped
	{Name: "flag_frozen", Type: "boolean"},                      // skipped
}

func TestReadParquet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.parquet")
	t0 := time.Date(2017, 10, 29, 0, 50, 0, 0, time.UTC)
	// Columns in non-canonical order (power before wind) and rows out of
	// order: ReadParquet gives canonical order, sorted rows.
	cols := append([]reports.TableColumn(nil), testCols...)
	cols[3], cols[4] = cols[4], cols[3]
	rows := [][]any{
		{"B", t0, int32(60), 100.0, 5.0, 1.0, 99.0, false},
		{"A", t0.Add(10 * time.Minute), int32(60), math.NaN(), 6.5, 1.0, 99.0, true},
		{"A", t0, int32(120), 200.0, 7.25, 1.0, 99.0, false},
	}
	writeTable(t, path, cols, rows)
	tab, err := scada.ReadParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []scada.Column{{Signal: scada.WindSpeed, Stat: scada.Avg}, {Signal: scada.ActivePower, Stat: scada.Avg}}
	if len(tab.Columns) != 2 || tab.Columns[0] != wantCols[0] || tab.Columns[1] != wantCols[1] {
		t.Fatalf("columns %v", tab.Columns)
	}
	want := []scada.Row{
		{Turbine: "A", Time: t0, Offset: 7200, Values: []float64{7.25, 200}},
		{Turbine: "A", Time: t0.Add(10 * time.Minute), Offset: 3600, Values: []float64{6.5, math.NaN()}},
		{Turbine: "B", Time: t0, Offset: 3600, Values: []float64{5, 100}},
	}
	if len(tab.Rows) != len(want) {
		t.Fatalf("%d rows", len(tab.Rows))
	}
	for i, w := range want {
		g := tab.Rows[i]
		if g.Turbine != w.Turbine || !g.Time.Equal(w.Time) || g.Time.Location() != time.UTC || g.Offset != w.Offset ||
			g.Values[0] != w.Values[0] || (g.Values[1] != w.Values[1] && !(math.IsNaN(g.Values[1]) && math.IsNaN(w.Values[1]))) {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
		}
	}
	if r, ok := tab.At("A", t0.Add(9*time.Minute), 5*time.Minute); !ok || !r.Time.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("At: %+v %v", r, ok)
	}
}

func TestReadParquetErrors(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	dup := filepath.Join(dir, "dup.parquet")
	writeTable(t, dup, testCols, [][]any{
		{"A", t0, int32(0), 1.0, 2.0, 0.0, 0.0, false},
		{"A", t0, int32(0), 1.0, 2.0, 0.0, 0.0, false},
	})
	noKey := filepath.Join(dir, "nokey.parquet")
	writeTable(t, noKey, testCols[3:], [][]any{{1.0, 2.0, 0.0, 0.0, false}})
	junk := filepath.Join(dir, "junk.parquet")
	if err := os.WriteFile(junk, []byte("PAR1 not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.parquet")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		dup:                     "two rows",
		noKey:                   "not a SCADA table",
		junk:                    "junk.parquet",
		empty:                   "empty file",
		filepath.Join(dir, "x"): "no such file",
	} {
		_, err := scada.ReadParquet(path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Base(path)) {
			t.Errorf("%s: error %v, want %q", filepath.Base(path), err, want)
		}
	}
}

// FuzzReadParquet: any bytes give a table or an error, never a panic.
func FuzzReadParquet(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.parquet")
	t0 := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	writeTable(f, seed, testCols, [][]any{
		{"A", t0, int32(60), 1.0, 2.0, 0.0, 0.0, false},
		{"B", t0, int32(60), math.NaN(), 2.0, 0.0, 0.0, true},
	})
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte("PAR1"))
	path := filepath.Join(dir, "fuzz.parquet")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := scada.ReadParquet(path)
		if err != nil {
			return
		}
		for i, r := range tab.Rows {
			if len(r.Values) != len(tab.Columns) {
				t.Fatalf("row %d: %d values for %d columns", i, len(r.Values), len(tab.Columns))
			}
		}
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	tablePath := filepath.Join(dir, "s.parquet")
	t0 := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	writeTable(t, tablePath, testCols, [][]any{{"A", t0, int32(0), 1.0, 2.0, 0.0, 0.0, false}})
	csvPath := filepath.Join(dir, "T1.csv")
	if err := os.WriteFile(csvPath, []byte("time,wind_speed_m_s,active_power_kw\n2017-01-01T00:00:00Z,1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, paths := range [][]string{{tablePath}, {csvPath}} {
		tab, _, err := scada.Load(paths, scada.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, ok := tab.At(tab.Turbines()[0], t0, 0)
		if v, _ := tab.Value(r, scada.Column{Signal: scada.ActivePower, Stat: scada.Avg}); !ok || v != 2 {
			t.Errorf("%v: row %+v, power %v", paths, r, v)
		}
	}
	if _, _, err := scada.Load([]string{tablePath, csvPath}, scada.Options{}); err == nil {
		t.Error("a table with exports: no error")
	}
}
