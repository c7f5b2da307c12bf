package reports

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// testRecordColumns has every type, nullable and not, with dictionary
// encoding on some strings, and the path, channel and segment columns
// check.mjs orders DuckDB's rows by.
func testRecordColumns() []TableColumn {
	return []TableColumn{
		{Name: "turbine", Type: "string", Dictionary: true, Role: RoleKey, Doc: "Turbine id."},
		{Name: "path", Type: "string", Role: RoleKey, Doc: "Capture file."},
		{Name: "channel", Type: "string", Dictionary: true, Role: RoleKey},
		{Name: "segment", Type: "int32", Role: RoleKey},
		{Name: "time", Type: "timestamp[us, UTC]", Nullable: true, Role: RoleKey, Doc: "Capture start."},
		{Name: "opened", Type: "timestamp[us, UTC]", Role: "alarm"},
		{Name: "class", Type: "int32", Nullable: true, Role: "score"},
		{Name: "captures", Type: "int64", Role: "score"},
		{Name: "count", Type: "int64", Nullable: true, Role: "score"},
		{Name: "z_rms", Type: "double", Role: "score", Doc: "Robust z-score of the RMS."},
		{Name: "velocity_mm_s", Type: "double", Unit: "mm/s", Nullable: true, Role: "score"},
		{Name: "severity", Type: "string", Dictionary: true, Nullable: true, Role: "alarm"},
		{Name: "note", Type: "string", Nullable: true, Role: "alarm"},
		{Name: "open", Type: TypeBoolean, Role: "alarm"},
		{Name: "escalated", Type: TypeBoolean, Nullable: true, Role: "alarm"},
		{Name: "lines", Type: TypeListString, Nullable: true, Role: "alarm", Doc: "Spectral lines, e.g. BPFO x2."},
		{Name: "indicators", Type: TypeListString, Dictionary: true, Role: "alarm"},
		{Name: "levels", Type: "list<float32>", Nullable: true, Unit: "dB", Role: "score"},
	}
}

// testRecordRows returns n rows for testRecordColumns with nulls, empty
// values and extremes in a pattern, as Write takes them.
func testRecordRows(n int) [][]any {
	t0 := time.Date(2025, 3, 1, 6, 30, 0, 0, time.UTC)
	rows := make([][]any, n)
	for i := range rows {
		var tm, cls, cnt, vel, sev, esc, lines, levels any
		switch i % 4 {
		case 0:
			tm = time.Time{}
			cls = nil
			cnt = nil
			vel = math.NaN()
			sev = ""
			esc = nil
			lines = []string(nil)
			levels = []float32(nil)
		case 1:
			tm = t0.Add(time.Duration(i) * time.Hour).In(time.FixedZone("CET", 3600))
			cls = int32(-i)
			cnt = int64(math.MaxInt64 - i)
			vel = 1e-300 * float64(i)
			sev = "watch"
			esc = true
			lines = []string{}
			levels = []float32{}
		case 2:
			tm = nil
			cls = i
			cnt = i
			vel = math.Inf(1)
			sev = nil
			esc = false
			lines = []string{"BPFO x2", "", "GMF ± 1x, \"quoted\""}
			levels = []float32{1.5, -2, float32(math.Inf(-1))}
		case 3:
			tm = t0.Add(time.Duration(i)*time.Second + 1234*time.Nanosecond)
			cls = int32(math.MinInt32)
			cnt = int64(math.MinInt64)
			vel = -0.25 * float64(i)
			sev = "alarm"
			esc = true
			lines = []string{strings.Repeat("x", 300)}
			levels = []float32{float32(i)}
		}
		var ind any = []string{"rms", "kurtosis"}[:i%3]
		if i%5 == 0 {
			ind = []string(nil) // empty list in a non-nullable column
		}
		note := ""
		if i%3 == 1 {
			note = fmt.Sprintf("row %d: naïve \x00 ünïcödé", i)
		}
		rows[i] = []any{
			fmt.Sprintf("WT%02d", i%3), fmt.Sprintf("cap/%05d.wav", i), []string{"x", "y"}[i%2], i % 7,
			tm, t0.Add(-time.Duration(i) * time.Minute), cls, int64(i) * 1000, cnt,
			float64(i) / 7, vel, sev, note, i%2 == 0, esc, lines, ind, levels,
		}
	}
	return rows
}

// wantRecordRow is what ReadRecordTable returns for a row written with
// cols: nulls as nil, ints widened to the column type, times in UTC to
// the microsecond, nil lists in non-nullable columns as empty lists.
func wantRecordRow(cols []TableColumn, row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		c := cols[i]
		switch x := v.(type) {
		case string:
			if x == "" && c.Nullable {
				v = nil
			}
		case float64:
			if math.IsNaN(x) {
				v = nil
			}
		case int:
			if c.Type == "int32" {
				v = int32(x)
			} else {
				v = int64(x)
			}
		case time.Time:
			if x.IsZero() {
				v = nil
			} else {
				v = x.Truncate(time.Microsecond).UTC()
			}
		case []string:
			if x == nil && c.Nullable {
				v = nil
			} else if x == nil {
				v = []string{}
			}
		case []float32:
			if x == nil && c.Nullable {
				v = nil
			} else if x == nil {
				v = []float32{}
			}
		}
		out[i] = v
	}
	return out
}

// writeRecords writes rows to path in row groups of rgRows rows.
func writeRecords(t testing.TB, path string, cols []TableColumn, rows [][]any, rgRows int, meta map[string]string) {
	t.Helper()
	w, err := newRecordWriter(path, "scores", 3, cols, meta, rgRows, RowGroupBytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// recordsEqual compares rows read with the rows written.
func recordsEqual(t *testing.T, cols []TableColumn, got, written [][]any) {
	t.Helper()
	if len(got) != len(written) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(written))
	}
	bad := 0
	for i := range written {
		want := wantRecordRow(cols, written[i])
		for j := range want {
			if !reflect.DeepEqual(got[i][j], want[j]) {
				t.Errorf("row %d column %s: read %#v, want %#v", i, cols[j].Name, got[i][j], want[j])
				if bad++; bad > 10 {
					t.FailNow()
				}
			}
		}
	}
}

func TestRecordTableRoundTrip(t *testing.T) {
	cols := testRecordColumns()
	for _, tc := range []struct {
		rows, rgRows, wantGroups int
	}{
		{0, 5, 0},
		{1, 5, 1},
		{23, 5, 5},
		{20, 5, 4},
		{23, 1000, 1},
	} {
		t.Run(fmt.Sprintf("%d rows by %d", tc.rows, tc.rgRows), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scores.parquet")
			rows := testRecordRows(tc.rows)
			writeRecords(t, path, cols, rows, tc.rgRows, map[string]string{"windpm.run": "r1", MetaToolVersion: "v0.test"})
			tab, err := ReadRecordTable(path)
			if err != nil {
				t.Fatal(err)
			}
			if tab.Name != "scores" || !slices.Equal(tab.Columns, cols) {
				t.Errorf("table %q columns %v", tab.Name, tab.Columns)
			}
			for k, v := range map[string]string{MetaTable: "scores", MetaSchemaVersion: "3", MetaToolVersion: "v0.test", "windpm.run": "r1"} {
				if tab.Meta[k] != v {
					t.Errorf("meta %s = %q, want %q", k, tab.Meta[k], v)
				}
			}
			if _, ok := tab.Meta["ARROW:schema"]; ok {
				t.Error("Meta holds the Arrow schema")
			}
			recordsEqual(t, cols, tab.Rows, rows)
			checkRecordLayout(t, path, cols, tc.wantGroups)
		})
	}
}

// checkRecordLayout checks the row groups, the compression and the
// dictionary encoding of the columns marked for it, and the Parquet
// schema, in the file itself.
func checkRecordLayout(t *testing.T, path string, cols []TableColumn, wantGroups int) {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if pf.NumRowGroups() != wantGroups {
		t.Errorf("%d row groups, want %d", pf.NumRowGroups(), wantGroups)
	}
	want, err := recordParquetSchema(cols)
	if err != nil {
		t.Fatal(err)
	}
	if !pf.MetaData().Schema.Equals(schema.NewSchema(want)) {
		t.Errorf("Parquet schema\n%v\nwant\n%v", pf.MetaData().Schema, schema.NewSchema(want))
	}
	for rg := range pf.NumRowGroups() {
		for j, c := range cols {
			cc, err := pf.MetaData().RowGroup(rg).ColumnChunk(j)
			if err != nil {
				t.Fatal(err)
			}
			if cc.Compression() != compress.Codecs.Zstd {
				t.Errorf("row group %d column %s: compression %v", rg, c.Name, cc.Compression())
			}
			dict := slices.Contains(cc.Encodings(), parquet.Encodings.RLEDict) || slices.Contains(cc.Encodings(), parquet.Encodings.PlainDict)
			if dict != c.Dictionary {
				t.Errorf("row group %d column %s: encodings %v, dictionary wanted %v", rg, c.Name, cc.Encodings(), c.Dictionary)
			}
		}
	}
}

// TestRecordParquetSchemaMatchesFeatures checks that the types the record
// and features tables share map to the same Parquet nodes.
func TestRecordParquetSchemaMatchesFeatures(t *testing.T) {
	s := testSchema(true)
	cols := s.Columns()
	a, err := parquetSchema(cols)
	if err != nil {
		t.Fatal(err)
	}
	b, err := recordParquetSchema(cols)
	if err != nil {
		t.Fatal(err)
	}
	if !schema.NewSchema(a).Equals(schema.NewSchema(b)) {
		t.Errorf("record schema\n%v\nfeatures schema\n%v", schema.NewSchema(b), schema.NewSchema(a))
	}
}

// TestReadRecordTableReadsFeatureTable reads a features table (whose
// windpm.columns has the types of a record table) as a record table.
func TestReadRecordTableReadsFeatureTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	s := testSchema(true)
	rows := testRows(6, true)
	writeTable(t, path, s, rows, 4)
	tab, err := ReadRecordTable(path)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Name != "features" || !slices.Equal(tab.Columns, s.Columns()) || len(tab.Rows) != len(rows) {
		t.Fatalf("table %q, %d rows, columns %v", tab.Name, len(tab.Rows), tab.Columns)
	}
	for i, r := range rows {
		got := tab.Rows[i]
		if got[tab.Column("path")] != r.Path || got[tab.Column("segment")] != int32(r.Segment) || got[tab.Column("samples")] != int64(r.Samples) {
			t.Errorf("row %d: %v", i, got[:numFixed])
		}
		if psd := got[tab.Column("psd")]; !reflect.DeepEqual(psd, r.Spectrum) && (r.Spectrum != nil || psd != nil) {
			t.Errorf("row %d psd %v, want %v", i, psd, r.Spectrum)
		}
	}
	if tab.Column("no such column") != -1 || tab.Column("turbine") != 0 {
		t.Error("Column")
	}
}

// TestReadRecordTableWithoutColumnsMeta reads a file with no windpm
// metadata: the columns come from the Parquet schema, their role, unit
// and doc from the Arrow schema when there is one.
func TestReadRecordTableWithoutColumnsMeta(t *testing.T) {
	cols := testRecordColumns()
	rows := testRecordRows(9)
	for _, withArrow := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "plain.parquet")
		var arrowSchema string
		if withArrow {
			// The Arrow schema as RecordWriter (and pyarrow) writes it.
			writeRecords(t, path, cols, rows[:1], 4, nil)
			pf, err := file.OpenParquetFile(path, false)
			if err != nil {
				t.Fatal(err)
			}
			arrowSchema = *pf.MetaData().KeyValueMetadata().FindValue("ARROW:schema")
			pf.Close()
		}
		rawWriteRecords(t, path, cols, rows, arrowSchema)
		tab, err := ReadRecordTable(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range tab.Columns {
			want := TableColumn{Name: cols[i].Name, Type: cols[i].Type, Nullable: cols[i].Nullable}
			if withArrow {
				want.Role, want.Unit, want.Doc = cols[i].Role, cols[i].Unit, cols[i].Doc
			}
			if c != want {
				t.Errorf("arrow %v: column %d %+v, want %+v", withArrow, i, c, want)
			}
		}
		if tab.Name != "" || len(tab.Meta) != 0 {
			t.Errorf("name %q meta %v", tab.Name, tab.Meta)
		}
		recordsEqual(t, cols, tab.Rows, rows)
	}
}

// rawWriteRecords writes rows to path in one row group with the Parquet
// schema of a record table but none of its file metadata: only
// ARROW:schema when arrowSchema is not empty.
func rawWriteRecords(t *testing.T, path string, cols []TableColumn, rows [][]any, arrowSchema string) {
	t.Helper()
	root, err := recordParquetSchema(cols)
	if err != nil {
		t.Fatal(err)
	}
	kv := metadata.NewKeyValueMetadata()
	if arrowSchema != "" {
		kv.Append("ARROW:schema", arrowSchema)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fw := file.NewParquetWriter(f, root, file.WithWriteMetadata(kv))
	bufs := make([]recordColumn, len(cols))
	for i, c := range cols {
		bufs[i] = recordColumn{kind: recordKinds[c.Type], colBuf: colBuf{nullable: c.Nullable}}
	}
	for _, r := range rows {
		for i, v := range r {
			bufs[i].add(v)
		}
	}
	rgw := fw.AppendRowGroup()
	for i := range bufs {
		cw, err := rgw.NextColumn()
		if err != nil {
			t.Fatal(err)
		}
		if err := bufs[i].write(cw); err != nil {
			t.Fatal(err)
		}
		if err := cw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rgw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRecordWriterRowGroups checks the two bounds of a row group: the
// public writer's MaxRowGroupRows rows, and RowGroupBytes of values.
func TestRecordWriterRowGroups(t *testing.T) {
	cols := []TableColumn{{Name: "i", Type: "int64"}, {Name: "s", Type: "string", Nullable: true}}
	dir := t.TempDir()
	path := filepath.Join(dir, "rows.parquet")
	w, err := NewRecordWriter(path, "rows", 1, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := MaxRowGroupRows + 100
	for i := range n {
		if err := w.Write([]any{i, ""}); err != nil {
			t.Fatal(err)
		}
	}
	if w.Rows() != int64(n) {
		t.Errorf("Rows() = %d, want %d", w.Rows(), n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkRecordLayout(t, path, cols, 2)
	tab, err := ReadRecordTable(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range tab.Rows {
		if r[0] != int64(i) || r[1] != nil {
			t.Fatalf("row %d: %v", i, r)
		}
	}

	// 1000-byte strings, row groups of about 100 kB: a new group every
	// ~100 rows whatever the row limit.
	path = filepath.Join(dir, "bytes.parquet")
	w, err = newRecordWriter(path, "bytes", 1, cols, nil, MaxRowGroupRows, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("w", 1000)
	for i := range 1000 {
		if err := w.Write([]any{int64(i), long}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if g := pf.NumRowGroups(); g < 9 || g > 11 {
		t.Errorf("%d row groups of 1000-byte rows bounded at 100 kB, want about 10", g)
	}
}

func TestRecordWriterRefusesBadValues(t *testing.T) {
	cols := testRecordColumns()
	good := testRecordRows(2)[1]
	col := func(name string) int {
		return slices.IndexFunc(cols, func(c TableColumn) bool { return c.Name == name })
	}
	for _, tc := range []struct {
		column string // "" for a row of the wrong length
		value  any
		msg    string
	}{
		{"", nil, "18 columns"},
		{"turbine", 3, "Go type int"},
		{"turbine", nil, "not nullable"},
		{"turbine", []byte("WT01"), "Go type []uint8"},
		{"segment", int64(1), "Go type int64"},
		{"segment", math.MaxInt32 + 1, "out of the int32 range"},
		{"segment", 1.0, "Go type float64"},
		{"captures", int32(1), "Go type int32"},
		{"captures", uint64(1), "Go type uint64"},
		{"z_rms", math.NaN(), "NaN"},
		{"z_rms", float32(1), "Go type float32"},
		{"z_rms", 1, "Go type int"},
		{"opened", time.Time{}, "zero time"},
		{"opened", "2025-03-01", "Go type string"},
		{"time", &time.Time{}, "Go type *time.Time"},
		{"open", 1, "Go type int"},
		{"open", nil, "not nullable"},
		{"lines", []any{"a"}, "Go type []interface {}"},
		{"lines", "BPFO", "Go type string"},
		{"lines", make([]string, MaxRecordListLen+1), "at most 4095"},
		{"levels", []float64{1}, "Go type []float64"},
	} {
		row := slices.Clone(good)
		if tc.column == "" {
			row = row[:len(row)-1]
		} else {
			row[col(tc.column)] = tc.value
		}
		path := filepath.Join(t.TempDir(), "bad.parquet")
		w, err := NewRecordWriter(path, "scores", 1, cols, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = w.Write(row)
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), path) ||
			(tc.column != "" && !strings.Contains(err.Error(), "column "+tc.column+" ")) {
			t.Errorf("%s = %#v: error %v, want one naming the file, the column and %q", tc.column, tc.value, err, tc.msg)
		}
		// The refused row left nothing behind: the writer goes on.
		if err := w.Write(good); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		tab, err := ReadRecordTable(path)
		if err != nil {
			t.Fatal(err)
		}
		recordsEqual(t, cols, tab.Rows, [][]any{good})
	}
}

func TestNewRecordWriterRefusesBadColumns(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		table string
		cols  []TableColumn
		msg   string
	}{
		{"", []TableColumn{{Name: "a", Type: "string"}}, "without a name"},
		{"t", nil, "no columns"},
		{"t", []TableColumn{{Name: "", Type: "string"}}, "column 1 has no name"},
		{"t", []TableColumn{{Name: "a", Type: "string"}, {Name: "a", Type: "int32"}}, `"a" appears twice`},
		{"t", []TableColumn{{Name: "a", Type: "float"}}, `unknown type "float"`},
		{"t", []TableColumn{{Name: "a", Type: "list<int32>"}}, `unknown type "list<int32>"`},
	} {
		path := filepath.Join(dir, "t.parquet")
		if _, err := NewRecordWriter(path, tc.table, 1, tc.cols, nil); err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%v: error %v, want %q", tc.cols, err, tc.msg)
		}
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("refused writers left %v", names)
	}
	if _, err := NewRecordWriter(filepath.Join(dir, "no", "such", "t.parquet"), "t", 1, testRecordColumns(), nil); err == nil {
		t.Error("missing folder accepted")
	}
}

// TestRecordWriterMetadata checks the file metadata: the writer's own keys
// first and winning over the caller's (so that a table's Meta can be
// passed back), then the caller's sorted.
func TestRecordWriterMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alarms.parquet")
	cols := []TableColumn{{Name: "a", Type: "string"}}
	meta := map[string]string{"z": "1", "b": "2", MetaTable: "other", MetaSchemaVersion: "99", MetaColumns: "[]", "ARROW:schema": "junk"}
	w, err := NewRecordWriter(path, "alarms", 4, cols, meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	var keys []string
	for _, e := range pf.MetaData().KeyValueMetadata() {
		keys = append(keys, e.Key)
	}
	if want := []string{MetaTable, MetaSchemaVersion, MetaToolVersion, MetaColumns, "b", "z", "ARROW:schema"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	tab, err := ReadRecordTable(path)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Name != "alarms" || tab.Meta[MetaSchemaVersion] != "4" || tab.Meta[MetaToolVersion] != buildVersion() || len(tab.Rows) != 0 {
		t.Errorf("read back %q %v", tab.Name, tab.Meta)
	}
	if v := pf.MetaData().KeyValueMetadata().FindValue("ARROW:schema"); v == nil || *v == "junk" {
		t.Error("the caller's ARROW:schema replaced the writer's")
	}
}

func TestRecordWriterAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scores.parquet")
	cols := testRecordColumns()
	rows := testRecordRows(12)

	// Aborted after row groups reached the disk: nothing left.
	w, err := newRecordWriter(path, "scores", 1, cols, nil, 4, RowGroupBytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if names := listDir(t, dir); len(names) != 1 || !strings.HasPrefix(names[0], ".") {
		t.Errorf("while writing the folder holds %v, want one hidden temporary file", names)
	}
	w.Abort()
	w.Abort()
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("after Abort the folder holds %v", names)
	}
	if err := w.Write(rows[0]); err == nil {
		t.Error("Write after Abort accepted")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}

	// Close leaves the file only.
	writeRecords(t, path, cols, rows[:3], 4, nil)
	if names := listDir(t, dir); !slices.Equal(names, []string{"scores.parquet"}) {
		t.Errorf("after Close the folder holds %v", names)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// A rewrite replaces the file only when it closes; an aborted one
	// leaves it as it was.
	for _, commit := range []bool{false, true} {
		w, err := newRecordWriter(path, "scores", 1, cols, nil, 4, RowGroupBytes)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if now, err := os.ReadFile(path); err != nil || !slices.Equal(now, before) {
			t.Fatalf("the previous file changed before Close (%v)", err)
		}
		if commit {
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err == nil {
				t.Error("second Close succeeded")
			}
			w.Abort() // after Close: nothing
		} else {
			w.Abort()
		}
		tab, err := ReadRecordTable(path)
		if err != nil {
			t.Fatal(err)
		}
		want := rows[:3]
		if commit {
			want = rows
		}
		recordsEqual(t, cols, tab.Rows, want)
		if names := listDir(t, dir); !slices.Equal(names, []string{"scores.parquet"}) {
			t.Errorf("folder holds %v", names)
		}
	}
}

func TestReadRecordTableErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	writeRecords(t, good, testRecordColumns(), testRecordRows(10), 4, nil)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		path, msg string
	}{
		{write("empty.parquet", nil), "empty file"},
		{write("text.parquet", []byte("turbine,sensor\nWT01,gbx\n")), "not a readable Parquet file"},
		{write("half.parquet", data[:len(data)/2]), "not a readable Parquet file"},
		{write("tail.parquet", data[:len(data)-1]), "not a readable Parquet file"},
		{write("magic.parquet", []byte("PAR1PAR1")), "not a readable Parquet file"},
		{filepath.Join(dir, "missing.parquet"), "no such file"},
		{dir, "is a folder"},
	} {
		_, err := ReadRecordTable(tc.path)
		if err == nil || !strings.HasPrefix(err.Error(), tc.path+": ") || !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line starting with the path and saying %q", filepath.Base(tc.path), err, tc.msg)
		}
	}
}

// TestReadRecordTableCorrupt damages a valid table byte by byte: the
// reader returns an error naming the file, or rows of the columns' types,
// never panics.
func TestReadRecordTableCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "good.parquet")
	writeRecords(t, path, testRecordColumns(), testRecordRows(9), 4, nil)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.parquet")
	errs := 0
	step := max(1, len(good)/150)
	for i := 0; i < len(good); i += step {
		b := slices.Clone(good)
		b[i] ^= 0xff
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := checkRecordRead(bad); err != nil {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
		if _, err := ReadRecordTable(bad); err != nil {
			errs++
		}
	}
	t.Logf("%d of %d damaged files refused", errs, (len(good)+step-1)/step)
}

// checkRecordRead reads path and returns an error if ReadRecordTable
// panics, returns an error not naming the file or on several lines, or
// returns rows that do not fit its columns.
func checkRecordRead(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	tab, rerr := ReadRecordTable(path)
	// The streaming reader must give the same rows, or an error of its own
	// (a table too large to read whole may stream).
	streamed, serr := streamRecords(path)
	if serr != nil && (!strings.HasPrefix(serr.Error(), path+": ") || strings.Contains(serr.Error(), "\n")) {
		return fmt.Errorf("RecordReader: error %q does not start with the file name or has several lines", serr)
	}
	if rerr != nil {
		if !strings.HasPrefix(rerr.Error(), path+": ") || strings.Contains(rerr.Error(), "\n") {
			return fmt.Errorf("error %q does not start with the file name or has several lines", rerr)
		}
		if serr == nil && !strings.Contains(rerr.Error(), "too large to read whole") {
			return fmt.Errorf("ReadRecordTable: %v, but RecordReader read %d rows", rerr, len(streamed))
		}
		return nil
	}
	if serr != nil {
		return fmt.Errorf("ReadRecordTable read %d rows, RecordReader: %v", len(tab.Rows), serr)
	}
	if !reflect.DeepEqual(streamed, tab.Rows) {
		return fmt.Errorf("RecordReader and ReadRecordTable read different rows")
	}
	for i, r := range tab.Rows {
		if len(r) != len(tab.Columns) {
			return fmt.Errorf("row %d has %d values for %d columns", i, len(r), len(tab.Columns))
		}
		for j, v := range r {
			c := tab.Columns[j]
			if v == nil {
				if !c.Nullable {
					return fmt.Errorf("row %d: null in column %s, not nullable", i, c.Name)
				}
				continue
			}
			want := map[string]reflect.Type{
				"string": reflect.TypeFor[string](), "timestamp[us, UTC]": reflect.TypeFor[time.Time](),
				"int32": reflect.TypeFor[int32](), "int64": reflect.TypeFor[int64](), "double": reflect.TypeFor[float64](),
				TypeBoolean: reflect.TypeFor[bool](), TypeListString: reflect.TypeFor[[]string](), "list<float32>": reflect.TypeFor[[]float32](),
			}[c.Type]
			if reflect.TypeOf(v) != want {
				return fmt.Errorf("row %d column %s (%s): value of type %T", i, c.Name, c.Type, v)
			}
		}
	}
	return nil
}

// streamRecords reads the record table at path row by row with a
// RecordReader.
func streamRecords(path string) ([][]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r, err := OpenRecordTableFrom(path, f, fi.Size())
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			if _, again := r.Next(); again != err {
				return nil, fmt.Errorf("%s: the error %q is not returned again (%v)", path, err, again)
			}
			return nil, err
		}
		rows = append(rows, row)
	}
}

// TestRecordReaderStreams reads a table of several row groups whose sizes
// are not multiples of the reader's batch (1,500-row groups, 1,024-row
// batches), with null, empty and multi-element lists and nullable values,
// row by row: the rows are those written, and those ReadRecordTable reads.
func TestRecordReaderStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scores.parquet")
	cols, rows := testRecordColumns(), testRecordRows(4003)
	writeRecords(t, path, cols, rows, 1500, nil)
	got, err := streamRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	recordsEqual(t, cols, got, rows)
	whole, err := ReadRecordTable(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, whole.Rows) {
		t.Error("RecordReader and ReadRecordTable read different rows")
	}
	if err := checkRecordRead(path); err != nil {
		t.Error(err)
	}
}

// TestReadRecordTableShortLevels reads a table whose definition levels were
// damaged by one byte (testdata/record/short-levels.parquet: a run header
// of the nullable int64 column "count" set to 0, found by fuzzing), which
// made arrow/go's column reader loop for ever: it must return an error.
func TestReadRecordTableShortLevels(t *testing.T) {
	path := filepath.Join("testdata", "record", "short-levels.parquet")
	done := make(chan error, 1)
	go func() {
		_, err := ReadRecordTable(path)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), "fewer definition levels") {
			t.Errorf("error %v, want one naming the file and the short levels", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadRecordTable did not return within 10 s")
	}
}
