package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

// FeatureTable is a features table read whole into memory.
type FeatureTable struct {
	// Schema is the table's schema as the writer was given it.
	Schema FeatureSchema
	// Columns describes every column (the file's windpm.columns).
	Columns []TableColumn
	// Meta is the file's key-value metadata (of the first file of a
	// partitioned folder), without the serialized Arrow schema.
	Meta map[string]string
	// Rows holds the rows in file order (for a folder: files in path
	// order).
	Rows []FeatureRow
}

// ReadFeatureTable reads the features table at path: one Parquet file, or
// a hive-partitioned folder written by PartitionedFeatureWriter (every
// part-*.parquet below it, in path order).
func ReadFeatureTable(path string) (*FeatureTable, error) {
	r, err := OpenFeatureTable(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t := &FeatureTable{Schema: r.Schema(), Columns: r.Columns(), Meta: r.Meta()}
	for {
		var row FeatureRow
		err := r.Next(&row)
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, row)
	}
}

// FeatureReader reads the rows of a features table one at a time, one
// record batch in memory, so that a table of any size can be streamed.
// A FeatureReader belongs to one goroutine.
type FeatureReader struct {
	path   string
	files  []string
	next   int // index into files of the next file to open
	schema FeatureSchema
	cols   []TableColumn
	meta   map[string]string

	pf  *file.Reader
	rr  pqarrow.RecordReader
	rec arrow.Record
	row int
	cur string // the file being read
	idx []int  // column index in the current file of every column in cols
}

// OpenFeatureTable opens the features table at path (a file or a
// hive-partitioned folder) for reading.
func OpenFeatureTable(path string) (*FeatureReader, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathErr(err))
	}
	r := &FeatureReader{path: path}
	if fi.IsDir() {
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if p != path && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && strings.HasSuffix(name, ".parquet") {
				r.files = append(r.files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		slices.Sort(r.files)
		if len(r.files) == 0 {
			return nil, fmt.Errorf("%s: no .parquet files in the folder", path)
		}
	} else {
		r.files = []string{path}
	}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// Schema returns the table's schema.
func (r *FeatureReader) Schema() FeatureSchema { return r.schema }

// Columns describes every column of the table.
func (r *FeatureReader) Columns() []TableColumn { return r.cols }

// Meta returns the file's key-value metadata (of the first file of a
// folder), without the serialized Arrow schema.
func (r *FeatureReader) Meta() map[string]string { return r.meta }

// open opens the next file and checks that its columns match the table's.
func (r *FeatureReader) open() error {
	r.release()
	p := r.files[r.next]
	r.next++
	pf, err := file.OpenParquetFile(p, false)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	kv := make(map[string]string)
	for _, e := range pf.MetaData().KeyValueMetadata() {
		if e.Key == "ARROW:schema" || e.Value == nil {
			continue
		}
		kv[e.Key] = *e.Value
	}
	cols, s, err := schemaFromMeta(kv)
	if err != nil {
		pf.Close()
		return fmt.Errorf("%s: %w", p, err)
	}
	if r.cols == nil {
		r.cols, r.schema, r.meta = cols, s, kv
	} else if !slices.Equal(cols, r.cols) {
		pf.Close()
		return fmt.Errorf("%s: columns differ from those of %s", p, r.files[0])
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: DefaultRowGroupRows}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return fmt.Errorf("%s: %w", p, err)
	}
	sch, err := fr.Schema()
	if err != nil {
		pf.Close()
		return fmt.Errorf("%s: %w", p, err)
	}
	r.idx = r.idx[:0]
	for _, c := range r.cols {
		i := sch.FieldIndices(c.Name)
		if len(i) != 1 {
			pf.Close()
			return fmt.Errorf("%s: column %s missing", p, c.Name)
		}
		want, _ := arrowType(&c)
		if got := sch.Field(i[0]).Type; !arrow.TypeEqual(got, want) {
			pf.Close()
			return fmt.Errorf("%s: column %s is %s, want %s", p, c.Name, got, want)
		}
		r.idx = append(r.idx, i[0])
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		pf.Close()
		return fmt.Errorf("%s: %w", p, err)
	}
	r.pf, r.rr, r.cur = pf, rr, p
	return nil
}

// schemaFromMeta rebuilds the column list and FeatureSchema from a file's
// key-value metadata.
func schemaFromMeta(kv map[string]string) ([]TableColumn, FeatureSchema, error) {
	var s FeatureSchema
	cj, ok := kv[MetaColumns]
	if !ok || kv[MetaTable] != "features" {
		return nil, s, errors.New("not a windpm features table (no windpm.columns in the file metadata)")
	}
	var cols []TableColumn
	if err := json.Unmarshal([]byte(cj), &cols); err != nil {
		return nil, s, fmt.Errorf("file metadata %s: %w", MetaColumns, err)
	}
	if len(cols) < numFixed {
		return nil, s, fmt.Errorf("file metadata %s: %d columns, want at least %d", MetaColumns, len(cols), numFixed)
	}
	for i, c := range fixedColumns {
		if cols[i].Name != c.Name || cols[i].Type != c.Type {
			return nil, s, fmt.Errorf("file metadata %s: column %d is %s %s, want %s %s", MetaColumns, i+1, cols[i].Name, cols[i].Type, c.Name, c.Type)
		}
	}
	for _, c := range cols[numFixed:] {
		switch c.Role {
		case RoleMeta:
			k := datasets.MetaString
			switch c.Type {
			case "int64":
				k = datasets.MetaInteger
			case "double":
				k = datasets.MetaFloat
			}
			s.Meta = append(s.Meta, datasets.MetaColumn{Name: c.Name, Kind: k})
		case RoleFeature:
			s.Features = append(s.Features, features.Column{Name: c.Name, Unit: c.Unit, Doc: c.Doc})
		case RoleSpectrum:
			s.Spectra = true
			s.SpectraDoc = c.Doc
			if err := json.Unmarshal([]byte(kv[MetaPSDFrequency]), &s.SpectraFreqHz); err != nil {
				return nil, s, fmt.Errorf("file metadata %s: %w", MetaPSDFrequency, err)
			}
		default:
			return nil, s, fmt.Errorf("file metadata %s: column %s has unknown role %q", MetaColumns, c.Name, c.Role)
		}
	}
	if _, err := strconv.Atoi(kv[MetaSchemaVersion]); err != nil {
		return nil, s, fmt.Errorf("file metadata %s: %q is not a version number", MetaSchemaVersion, kv[MetaSchemaVersion])
	}
	return cols, s, nil
}

// Next reads the next row into dst (whose slices it replaces) and returns
// io.EOF after the last.
func (r *FeatureReader) Next(dst *FeatureRow) error {
	for r.rec == nil || r.row >= int(r.rec.NumRows()) {
		if r.rr == nil {
			return io.EOF
		}
		if r.rec != nil {
			r.rec.Release()
			r.rec = nil
		}
		if r.rr.Next() {
			r.rec = r.rr.Record()
			r.rec.Retain()
			r.row = 0
			continue
		}
		if err := r.rr.Err(); err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", r.cur, err)
		}
		if r.next >= len(r.files) {
			r.release()
			return io.EOF
		}
		if err := r.open(); err != nil {
			return err
		}
	}
	r.fill(dst, r.row)
	r.row++
	return nil
}

// fill converts row i of the current record into dst.
func (r *FeatureReader) fill(dst *FeatureRow, i int) {
	col := func(k int) arrow.Array { return r.rec.Column(r.idx[k]) }
	str := func(k int) string {
		a := col(k).(*array.String)
		if a.IsNull(i) {
			return ""
		}
		return a.Value(i)
	}
	*dst = FeatureRow{
		Turbine: str(colTurbine),
		Sensor:  str(colSensor),
		Path:    str(colPath),
		Channel: str(colChannel),
		Segment: int(col(colSegment).(*array.Int32).Value(i)),
		Unit:    str(colUnit),
		Samples: int(col(colSamples).(*array.Int64).Value(i)),
		Label:   str(colLabel),
	}
	if t := col(colTime).(*array.Timestamp); !t.IsNull(i) {
		dst.Time = time.UnixMicro(int64(t.Value(i))).UTC()
	}
	dst.SampleRateHz = col(colRate).(*array.Float64).Value(i)
	if a := col(colRPM).(*array.Float64); !a.IsNull(i) {
		dst.RPM = a.Value(i)
	}
	k := numFixed
	if n := len(r.schema.Meta); n > 0 {
		dst.Meta = make([]datasets.Field, n)
		for j, mc := range r.schema.Meta {
			f := datasets.Field{Name: mc.Name}
			switch a := col(k).(type) {
			case *array.Int64:
				if !a.IsNull(i) {
					f.Value = strconv.FormatInt(a.Value(i), 10)
				}
			case *array.Float64:
				if !a.IsNull(i) {
					f.Value = strconv.FormatFloat(a.Value(i), 'g', -1, 64)
				}
			case *array.String:
				if !a.IsNull(i) {
					f.Value = a.Value(i)
				}
			}
			dst.Meta[j] = f
			k++
		}
	}
	dst.Values = make([]float64, len(r.schema.Features))
	for j := range dst.Values {
		a := col(k).(*array.Float64)
		if a.IsNull(i) {
			dst.Values[j] = math.NaN()
		} else {
			dst.Values[j] = a.Value(i)
		}
		k++
	}
	if r.schema.Spectra {
		a := col(k).(*array.List)
		if !a.IsNull(i) {
			lo, hi := a.ValueOffsets(i)
			vals := a.ListValues().(*array.Float32).Float32Values()
			dst.Spectrum = append([]float32(nil), vals[lo:hi]...)
		}
	}
}

// release closes the current file.
func (r *FeatureReader) release() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.rr != nil {
		r.rr.Release()
		r.rr = nil
	}
	if r.pf != nil {
		r.pf.Close()
		r.pf = nil
	}
}

// Close releases the reader's files.
func (r *FeatureReader) Close() error {
	r.release()
	r.next = len(r.files)
	return nil
}
