package reports

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

// testSchema has every kind of column: integer, float, string and
// all-empty metadata, features in the signal's unit and in fixed units.
func testSchema(spectra bool) FeatureSchema {
	s := FeatureSchema{
		Features: []features.Column{
			{Name: "rms", Unit: features.SignalUnit, Doc: "Root mean square of the mean-removed signal."},
			{Name: "kurtosis_pearson", Unit: "", Doc: "Pearson kurtosis (normal = 3)."},
			{Name: "velocity_rms_mm_s", Unit: "mm/s", Doc: "Velocity RMS 10–1000 Hz."},
			{Name: "bpfo_db", Unit: "dB", Doc: "BPFO line above the local noise floor."},
		},
		Meta: []datasets.MetaColumn{
			{Name: "fault", Kind: datasets.MetaString},
			{Name: "load_hp", Kind: datasets.MetaInteger},
			{Name: "fault_diameter_in", Kind: datasets.MetaFloat},
			{Name: "note", Kind: datasets.MetaString},
		},
	}
	if spectra {
		s.Spectra = true
		s.SpectraFreqHz = []float64{0, 10, 20}
		s.SpectraDoc = "Welch PSD, Hann window, 50 % overlap."
	}
	return s
}

// testRows returns n rows over 3 turbines, 2 days and 2 sensors, with
// nulls of every kind: a zero time, rpm 0, an empty label and metadata,
// NaN features and a nil spectrum.
func testRows(n int, spectra bool) []FeatureRow {
	t0 := time.Date(2025, 3, 1, 2, 0, 0, 123456000, time.UTC)
	rows := make([]FeatureRow, n)
	for i := range rows {
		r := FeatureRow{
			Turbine:      fmt.Sprintf("WT%02d", 1+i%3),
			Sensor:       []string{"gbx_hss", "main_bearing"}[i%2],
			Time:         t0.Add(time.Duration(i%2) * 24 * time.Hour).Add(time.Duration(i) * time.Minute),
			Path:         fmt.Sprintf("fleet/%03d.mat", i),
			Channel:      "X_DE_time",
			Segment:      i % 4,
			Unit:         "g",
			SampleRateHz: 12000,
			RPM:          1797.5,
			Samples:      120000 + i,
			Label:        []string{"normal", "outer_race"}[i%2],
			Meta: []datasets.Field{
				{Name: "fault", Value: "OR@6"},
				{Name: "load_hp", Value: fmt.Sprint(i % 4)},
				{Name: "fault_diameter_in", Value: "0.007"},
				{Name: "note", Value: ""},
			},
			Values: []float64{0.1 * float64(i+1), 3 + 1e-3*float64(i), math.NaN(), -12.5},
		}
		if spectra {
			r.Spectrum = []float32{1e-6, float32(i), 3.5}
		}
		switch i % 5 {
		case 1:
			r.Time = time.Time{}
			r.RPM = 0
			r.Label = ""
			r.Meta[1].Value = ""
			r.Meta[2].Value = ""
			r.Meta[0].Value = "it's = a/b"
			r.Values[0] = math.NaN()
			r.Spectrum = nil
		case 2:
			r.Turbine = "WT/02:x"
		}
		rows[i] = r
	}
	return rows
}

// normRow returns r as the reader returns it: times truncated to the
// microsecond in UTC, nil empty metadata, NaN kept.
func normRow(r FeatureRow) FeatureRow {
	if !r.Time.IsZero() {
		r.Time = r.Time.Truncate(time.Microsecond).UTC()
	}
	return r
}

// rowsEqual compares rows field by field, NaN equal to NaN.
func rowsEqual(t *testing.T, got, want []FeatureRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], normRow(want[i])
		gv, wv := g.Values, w.Values
		g.Values, w.Values = nil, nil
		if !g.Time.Equal(w.Time) {
			t.Errorf("row %d: time %v, want %v", i, g.Time, w.Time)
		}
		g.Time, w.Time = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
		if len(gv) != len(wv) {
			t.Fatalf("row %d: %d values, want %d", i, len(gv), len(wv))
		}
		for j := range wv {
			if gv[j] != wv[j] && !(math.IsNaN(gv[j]) && math.IsNaN(wv[j])) {
				t.Errorf("row %d value %d: %v, want %v", i, j, gv[j], wv[j])
			}
		}
	}
}

func writeTable(t testing.TB, path string, s FeatureSchema, rows []FeatureRow, rgRows int) {
	t.Helper()
	writeTableOptions(t, path, s, rows, rgRows, FeatureWriterOptions{})
}

func writeTableOptions(t testing.TB, path string, s FeatureSchema, rows []FeatureRow, rgRows int, o FeatureWriterOptions) {
	t.Helper()
	w, err := newFeatureWriter(path, s, map[string]string{MetaConfig: `{"envelope_lo_hz":0}`, MetaToolVersion: "v0.test", "windpm.command": "features"}, rgRows, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFeatureTableRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spectra bool
		rows    int
		rgRows  int
	}{
		{"one row group", false, 7, 4096},
		{"several row groups", false, 23, 5},
		{"spectra", true, 11, 4},
		{"empty", false, 0, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.parquet")
			s := testSchema(tc.spectra)
			rows := testRows(tc.rows, tc.spectra)
			writeTable(t, path, s, rows, tc.rgRows)

			tab, err := ReadFeatureTable(path)
			if err != nil {
				t.Fatal(err)
			}
			rowsEqual(t, tab.Rows, rows)
			if !reflect.DeepEqual(tab.Schema, s) {
				t.Errorf("schema\n got %+v\nwant %+v", tab.Schema, s)
			}
			for k, v := range map[string]string{
				MetaTable:         "features",
				MetaSchemaVersion: fmt.Sprint(features.SchemaVersion),
				MetaToolVersion:   "v0.test",
				MetaConfig:        `{"envelope_lo_hz":0}`,
				"windpm.command":  "features",
			} {
				if tab.Meta[k] != v {
					t.Errorf("file metadata %s = %q, want %q", k, tab.Meta[k], v)
				}
			}
			if tc.spectra && tab.Meta[MetaPSDFrequency] != "[0,10,20]" {
				t.Errorf("psd axis %q", tab.Meta[MetaPSDFrequency])
			}
			checkParquetLayout(t, path, s, tc.rows, tc.rgRows)
		})
	}
}

// checkParquetLayout opens the file with the Parquet and Arrow readers
// directly and checks what the table's contract promises beyond the
// values: row groups, zstd, dictionary encoding only for string keys, the
// timestamp's logical type, and unit and doc in the Arrow field metadata.
func checkParquetLayout(t *testing.T, path string, s FeatureSchema, rows, rgRows int) {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	md := pf.MetaData()
	if want := (rows + rgRows - 1) / rgRows; pf.NumRowGroups() != want {
		t.Errorf("%d row groups, want %d", pf.NumRowGroups(), want)
	}
	sc := md.Schema
	if lt := sc.Column(colTime).LogicalType().String(); !strings.Contains(lt, "isAdjustedToUTC=true") || !strings.Contains(lt, "microseconds") {
		t.Errorf("time logical type %s", lt)
	}
	if pf.NumRowGroups() > 0 {
		rg := md.RowGroup(0)
		for i := 0; i < sc.NumColumns(); i++ {
			cc, err := rg.ColumnChunk(i)
			if err != nil {
				t.Fatal(err)
			}
			name := sc.Column(i).Path()
			if cc.Compression().String() != "ZSTD" {
				t.Errorf("column %s: compression %s", name, cc.Compression())
			}
			dict := cc.HasDictionaryPage()
			wantDict := slices.Contains([]string{"turbine", "sensor", "channel", "unit"}, name)
			if dict != wantDict {
				t.Errorf("column %s: dictionary %v, want %v", name, dict, wantDict)
			}
		}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	as, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	// pqarrow (like pyarrow) applies the stored ARROW:schema: it must
	// agree with the Parquet schema, and the whole table must read.
	tab, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("pqarrow ReadTable: %v", err)
	}
	defer tab.Release()
	if tab.NumRows() != int64(rows) {
		t.Errorf("pqarrow reads %d rows, want %d", tab.NumRows(), rows)
	}
	if tm, _ := as.FieldsByName("time"); tm[0].Type.String() != "timestamp[us, tz=UTC]" {
		t.Errorf("pqarrow reads time as %s", tm[0].Type)
	}
	for _, c := range s.Features {
		f, ok := as.FieldsByName(c.Name)
		if !ok {
			t.Fatalf("no field %s", c.Name)
		}
		m := f[0].Metadata
		if u, _ := m.GetValue("unit"); u != c.Unit {
			t.Errorf("field %s: unit metadata %q, want %q", c.Name, u, c.Unit)
		}
		if d, _ := m.GetValue("doc"); d != c.Doc {
			t.Errorf("field %s: doc metadata %q, want %q", c.Name, d, c.Doc)
		}
	}
}

func TestFeatureWriterRefusesBadRows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.parquet")
	s := testSchema(false)
	w, err := NewFeatureWriter(path, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := testRows(3, false)
	bad := func(edit func(r *FeatureRow)) *FeatureRow {
		r := testRows(1, false)[0]
		edit(&r)
		return &r
	}
	for name, r := range map[string]*FeatureRow{
		"few values":      bad(func(r *FeatureRow) { r.Values = r.Values[:2] }),
		"few meta":        bad(func(r *FeatureRow) { r.Meta = r.Meta[:1] }),
		"wrong meta name": bad(func(r *FeatureRow) { r.Meta[1].Name = "load" }),
		"integer text":    bad(func(r *FeatureRow) { r.Meta[1].Value = "2.5" }),
		"float text":      bad(func(r *FeatureRow) { r.Meta[2].Value = "big" }),
		"negative seg":    bad(func(r *FeatureRow) { r.Segment = -1 }),
	} {
		if err := w.Write(r); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
		// A refused row leaves the writer consistent: interleave good rows.
		if err := w.Write(&good[0]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadFeatureTable(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 6 {
		t.Fatalf("%d rows, want 6", len(tab.Rows))
	}
	rowsEqual(t, tab.Rows[:1], good[:1])

	if _, err := NewFeatureWriter(path, s, map[string]string{MetaConfig: "{bad"}); err == nil {
		t.Error("invalid config JSON accepted")
	}
	dup := testSchema(false)
	dup.Features = append(dup.Features, features.Column{Name: "load_hp"})
	if _, err := NewFeatureWriter(path, dup, nil); err == nil {
		t.Error("duplicate column name accepted")
	}
	if _, err := NewFeatureWriter(filepath.Join(dir, "no", "such", "f.parquet"), s, nil); err == nil {
		t.Error("missing folder accepted")
	}
}

// listDir returns every name under dir (relative), hidden ones included.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestFeatureWriterAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.parquet")
	w, err := newFeatureWriter(path, testSchema(true), nil, 4, FeatureWriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := testRows(10, true) // two row groups already on disk
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("after Abort the folder holds %v", names)
	}
	if err := w.Write(&rows[0]); err == nil {
		t.Error("Write after Abort accepted")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}

	// An aborted rewrite leaves the previous table as it was.
	writeTable(t, path, testSchema(false), testRows(3, false), 4096)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err = NewFeatureWriter(path, testSchema(false), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&testRows(1, false)[0])
	w.Abort()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, after) {
		t.Error("aborted rewrite changed the previous file")
	}
	if names := listDir(t, dir); !slices.Equal(names, []string{"f.parquet"}) {
		t.Errorf("folder holds %v", names)
	}
}

func TestReadFeatureTableErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.parquet")
	if err := os.WriteFile(junk, []byte("not parquet at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{junk, filepath.Join(dir, "missing.parquet"), t.TempDir()} {
		if _, err := ReadFeatureTable(p); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
}

func TestPartitionedFeatureWriter(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		maxOpen, maxBuffered int
		rgRows               int
		wantParts            bool // more than one part file in some partition
	}{
		{"defaults", MaxOpenPartitions, MaxBufferedRows, 4096, false},
		{"two open files", 2, MaxBufferedRows, 4096, true},
		{"small buffer", MaxOpenPartitions, 3, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "table")
			s := testSchema(true)
			p, err := NewPartitionedFeatureWriter(dir, s, map[string]string{MetaToolVersion: "v0.test"}, []string{"turbine", "date"})
			if err != nil {
				t.Fatal(err)
			}
			p.maxOpen, p.maxBuffered, p.rgRows = tc.maxOpen, tc.maxBuffered, tc.rgRows
			rows := testRows(40, true)
			for i := range rows {
				if err := p.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
				if p.buffered > tc.maxBuffered {
					t.Fatalf("row %d: %d rows buffered, limit %d", i, p.buffered, tc.maxBuffered)
				}
				if len(p.open) > tc.maxOpen {
					t.Fatalf("row %d: %d files open, limit %d", i, len(p.open), tc.maxOpen)
				}
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Fatalf("table folder visible before Close: %v", err)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			names := listDir(t, filepath.Dir(dir))
			var files []string
			for _, n := range names {
				if strings.HasSuffix(n, ".parquet") {
					files = append(files, n)
				}
				if strings.Contains(n, ".tmp") {
					t.Errorf("temporary left: %s", n)
				}
			}
			for _, want := range []string{
				"table/turbine=WT01/date=2025-03-01/part-00000.parquet",
				"table/turbine=WT%2F02%3Ax/date=2025-03-02/part-00000.parquet",
				"table/turbine=WT02/date=" + HiveNull + "/part-00000.parquet",
			} {
				if !slices.Contains(files, want) {
					t.Errorf("no %s in %v", want, files)
				}
			}
			if multi := slices.ContainsFunc(files, func(f string) bool { return strings.HasSuffix(f, "part-00001.parquet") }); multi != tc.wantParts {
				t.Errorf("several parts per partition: %v, want %v (%v)", multi, tc.wantParts, files)
			}

			tab, err := ReadFeatureTable(dir)
			if err != nil {
				t.Fatal(err)
			}
			// Reader order is by file path; compare sorted by path.
			byPath := func(a, b FeatureRow) int { return strings.Compare(a.Path, b.Path) }
			slices.SortFunc(tab.Rows, byPath)
			rowsEqual(t, tab.Rows, rows)
			if tab.Meta[MetaToolVersion] != "v0.test" {
				t.Errorf("version %q", tab.Meta[MetaToolVersion])
			}
		})
	}
}

func TestPartitionedFeatureWriterAtomic(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "table")
	s := testSchema(false)
	rows := testRows(12, false)
	write := func(n int, abort bool) error {
		p, err := NewPartitionedFeatureWriter(dir, s, nil, []string{"turbine"})
		if err != nil {
			return err
		}
		for i := range rows[:n] {
			if err := p.Write(&rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		if abort {
			p.Abort()
			return nil
		}
		return p.Close()
	}
	if err := write(12, true); err != nil {
		t.Fatal(err)
	}
	if names := listDir(t, parent); len(names) != 0 {
		t.Fatalf("after Abort: %v", names)
	}
	if err := write(12, false); err != nil {
		t.Fatal(err)
	}
	// Replacing: an aborted rewrite keeps the old table, a closed one
	// replaces it whole.
	if err := write(3, true); err != nil {
		t.Fatal(err)
	}
	if tab, err := ReadFeatureTable(dir); err != nil || len(tab.Rows) != 12 {
		t.Fatalf("after aborted rewrite: %v rows, %v", tab, err)
	}
	if err := write(3, false); err != nil {
		t.Fatal(err)
	}
	if tab, err := ReadFeatureTable(dir); err != nil || len(tab.Rows) != 3 {
		t.Fatalf("after rewrite: %v", err)
	}
	if names := listDir(t, parent); slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, ".") }) {
		t.Errorf("leftovers: %v", names)
	}

	// A folder that is not a partitioned table is never replaced.
	other := filepath.Join(parent, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewPartitionedFeatureWriter(other, s, nil, []string{"turbine"}); err == nil {
		t.Error("a folder with other files would be replaced")
	}
	// A refused row creates no partition.
	p, err := NewPartitionedFeatureWriter(filepath.Join(parent, "refused"), s, nil, []string{"turbine"})
	if err != nil {
		t.Fatal(err)
	}
	r := testRows(1, false)[0]
	r.Turbine, r.Values = "WT99", r.Values[:1]
	if err := p.Write(&r); err == nil {
		t.Error("row with too few values accepted")
	}
	if err := p.Write(&rows[0]); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if names := listDir(t, filepath.Join(parent, "refused")); !slices.Equal(names, []string{"turbine=WT01", "turbine=WT01/part-00000.parquet"}) {
		t.Errorf("after a refused row: %v", names)
	}
	for _, by := range [][]string{nil, {"month"}, {"turbine", "turbine"}} {
		if _, err := NewPartitionedFeatureWriter(filepath.Join(parent, "x"), s, nil, by); err == nil {
			t.Errorf("partition keys %v accepted", by)
		}
	}
}

func TestHiveEscape(t *testing.T) {
	for in, want := range map[string]string{
		"WT01":        "WT01",
		"a/b=c%d":     "a%2Fb%3Dc%25d",
		"x:y?z\n":     "x%3Ay%3Fz%0A",
		"Ünïcode ok-": "Ünïcode ok-",
	} {
		if got := hiveEscape(in); got != want {
			t.Errorf("hiveEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadCorruptTable damages a valid table byte by byte and truncates it:
// the reader must return an error or rows, never panic.
func TestReadCorruptTable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.parquet")
	writeTable(t, path, testSchema(true), testRows(9, true), 4)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.parquet")
	try := func(b []byte) {
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic reading a damaged table (%d bytes): %v\n%s", len(b), r, debug.Stack())
			}
		}()
		ReadFeatureTable(bad)
	}
	for _, n := range []int{0, 4, 100, len(good) / 2, len(good) - 9, len(good) - 1} {
		try(good[:n])
	}
	step := max(1, len(good)/300)
	for i := 4; i < len(good)-8; i += step {
		b := slices.Clone(good)
		b[i] ^= 0xff
		try(b)
	}
}

// TestFeatureWriterMemoryBounded writes many row groups and checks that
// the live heap does not grow with the number of rows.
func TestFeatureWriterMemoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.parquet")
	s := testSchema(false)
	w, err := newFeatureWriter(path, s, nil, 500, FeatureWriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	rows := testRows(50, false)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var after2k uint64
	for i := range 20000 {
		if err := w.Write(&rows[i%len(rows)]); err != nil {
			t.Fatal(err)
		}
		if i == 2000 {
			after2k = heap()
		}
	}
	// 36 more row groups; each adds its metadata to the footer (about
	// 200 bytes per column), nothing else may stay.
	grown := int64(heap()) - int64(after2k)
	t.Logf("heap growth over 18000 rows: %d bytes", grown)
	if grown > 1<<20 {
		t.Errorf("heap grew by %d bytes over 18000 rows", grown)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRowGroupRows(t *testing.T) {
	wide := FeatureSchema{Meta: make([]datasets.MetaColumn, 3), Features: make([]features.Column, 120)}
	spectra := FeatureSchema{Features: make([]features.Column, 120), Spectra: true, SpectraFreqHz: make([]float64, 4097)}
	for _, tc := range []struct {
		name string
		s    FeatureSchema
		want int
	}{
		{"no features", FeatureSchema{}, MaxRowGroupRows},  // 16 MiB / 188 B
		{"120 features", wide, (16 << 20) / (100 + 8*134)}, // 14315
		{"4097-bin spectra", spectra, MinRowGroupRows},     // 16 MiB / 17.4 kB
	} {
		if got := RowGroupRows(&tc.s); got != tc.want {
			t.Errorf("%s: %d rows, want %d", tc.name, got, tc.want)
		}
	}
}

// A PSD longer than arrow/go's default write batch (1024 values) used to
// make the writer loop for ever on version 2 pages; it round-trips.
func TestLongSpectra(t *testing.T) {
	s := testSchema(true)
	s.SpectraFreqHz = make([]float64, 6001)
	for i := range s.SpectraFreqHz {
		s.SpectraFreqHz[i] = float64(i)
	}
	rows := testRows(5, false)
	for i := range rows {
		rows[i].Spectrum = make([]float32, 6001)
		for j := range rows[i].Spectrum {
			rows[i].Spectrum[j] = float32(i*10000 + j)
		}
	}
	path := filepath.Join(t.TempDir(), "long.parquet")
	w, err := NewFeatureWriter(path, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range rows {
			if err := w.Write(&rows[i]); err != nil {
				done <- err
				return
			}
		}
		done <- w.Close()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("writing 5 rows with a 6001-bin PSD did not finish in 60 s")
	}
	tab, err := ReadFeatureTable(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range tab.Rows {
		if len(r.Spectrum) != 6001 || r.Spectrum[6000] != float32(i*10000+6000) {
			t.Fatalf("row %d: spectrum of %d values", i, len(r.Spectrum))
		}
	}
}

// TestReadFeatureTableDamagedLevels: a features file with one damaged
// definition-level run, on which arrow/go's column reader loops for ever,
// is refused with an error naming the file (found by fuzzing the record
// reader; the same page check guards both readers).
func TestReadFeatureTableDamagedLevels(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		_, err := ReadFeatureTable(filepath.Join("testdata", "feature-hang.parquet"))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "feature-hang.parquet") {
			t.Errorf("error %v, want one naming the file", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("ReadFeatureTable hangs on a damaged definition-level run")
	}
}

// TestFeatureReaderSelect: a reader told to read some features gives the
// fixed columns and those features as written, NaN for the other
// features, empty metadata and no spectrum.
func TestFeatureReaderSelect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.parquet")
	s := testSchema(true)
	rows := testRows(23, true)
	writeTable(t, path, s, rows, 5)
	r, err := OpenFeatureTable(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.SelectFeatures([]string{"no_such"}); err == nil {
		t.Error("an unknown column selected")
	}
	if err := r.SelectFeatures([]string{"kurtosis_pearson", "bpfo_db"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		var got FeatureRow
		if err := r.Next(&got); err == io.EOF {
			if i != len(rows) {
				t.Fatalf("%d rows, want %d", i, len(rows))
			}
			break
		} else if err != nil {
			t.Fatal(err)
		}
		want := rows[i]
		want.Spectrum = nil
		want.Meta = slices.Clone(want.Meta)
		for j := range want.Meta {
			want.Meta[j].Value = ""
		}
		want.Values = []float64{math.NaN(), want.Values[1], math.NaN(), want.Values[3]}
		rowsEqual(t, []FeatureRow{got}, []FeatureRow{want})
	}
}

// TestFeatureWriterNoDocs: without docs the file reads back the same rows
// and columns (docs empty) and is smaller.
func TestFeatureWriterNoDocs(t *testing.T) {
	dir := t.TempDir()
	s := testSchema(false)
	rows := testRows(3, false)
	size := map[bool]int64{}
	for _, noDocs := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("f-%v.parquet", noDocs))
		w, err := NewFeatureWriterOptions(path, s, nil, FeatureWriterOptions{Snappy: true, NoDocs: noDocs})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if err := w.Write(&rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		tab, err := ReadFeatureTable(path)
		if err != nil {
			t.Fatal(err)
		}
		rowsEqual(t, tab.Rows, rows)
		for _, c := range tab.Schema.Features {
			if (c.Doc == "") != noDocs {
				t.Errorf("NoDocs %v: column %s doc %q", noDocs, c.Name, c.Doc)
			}
		}
		st, _ := os.Stat(path)
		size[noDocs] = st.Size()
	}
	if size[true] >= size[false] {
		t.Errorf("without docs %d bytes, with %d", size[true], size[false])
	}
}
