package reports

import (
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

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports/atomicfile"
	"github.com/windpm/windpm/reports/pagecheck"
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
	path  string
	files []string
	next  int // index into files of the next file to open
	// openFile opens a file for random access (nil: the local file).
	openFile func(name string) (parquet.ReaderAtSeeker, error)
	schema   FeatureSchema
	cols     []TableColumn
	meta     map[string]string

	pf   *file.Reader
	rg   int      // next row group of pf
	rows int      // rows in the current row group
	row  int      // next row of it
	cur  string   // the file being read
	idx  []int    // leaf column index in the current file of every column in cols
	data []colBuf // the current row group, one buffer per column
	pos  []int    // read position in data[i]'s values
	lpos int      // read position in the list column's levels
	// skip marks the columns SelectFeatures left out (nil: none).
	skip []bool
}

// OpenFeatureFiles opens the features table made of the files names (in
// that order), each opened by open (closed by the reader when it is an
// io.Closer): a table in object storage, read by ranged requests.
func OpenFeatureFiles(names []string, open func(name string) (parquet.ReaderAtSeeker, error)) (*FeatureReader, error) {
	if len(names) == 0 {
		return nil, errors.New("features table: no files")
	}
	r := &FeatureReader{path: names[0], files: names, openFile: open}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// OpenFeatureTable opens the features table at path (a file or a
// hive-partitioned folder) for reading.
func OpenFeatureTable(path string) (*FeatureReader, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
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

// SelectFeatures makes the reader read only the fixed columns and the
// named feature columns: the other features read as NaN, the metadata
// fields as empty and the spectrum as nil. Reading a few columns of a
// wide table costs a fraction of reading them all. It must be called
// before the first Next; a name that is not a feature column is an error.
func (r *FeatureReader) SelectFeatures(names []string) error {
	skip := make([]bool, len(r.cols))
	for k := numFixed; k < len(skip); k++ {
		skip[k] = true
	}
	first := numFixed + len(r.schema.Meta)
	for _, n := range names {
		j := slices.IndexFunc(r.schema.Features, func(c features.Column) bool { return c.Name == n })
		if j < 0 {
			return fmt.Errorf("%s: no feature column %s", r.path, n)
		}
		skip[first+j] = false
	}
	r.skip = skip
	return nil
}

// Columns describes every column of the table.
func (r *FeatureReader) Columns() []TableColumn { return r.cols }

// Meta returns the file's key-value metadata (of the first file of a
// folder), without the serialized Arrow schema.
func (r *FeatureReader) Meta() map[string]string { return r.meta }

// open opens the next file and checks that its columns match the table's.
func (r *FeatureReader) open() (err error) {
	r.release()
	p := r.files[r.next]
	defer func() {
		// arrow/go's parquet reader panics on some corrupt input.
		if e := recover(); e != nil {
			r.release()
			err = fmt.Errorf("%s: corrupt Parquet file: %v", p, e)
		}
	}()
	r.next++
	var pf *file.Reader
	if r.openFile != nil {
		src, err := r.openFile(p)
		if err != nil {
			return err
		}
		if pf, err = file.NewParquetReader(src); err != nil {
			if c, ok := src.(io.Closer); ok {
				c.Close()
			}
			return fmt.Errorf("%s: %w", p, err)
		}
	} else if pf, err = file.OpenParquetFile(p, false); err != nil {
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
	want, err := parquetSchema(r.cols)
	if err != nil {
		pf.Close()
		return fmt.Errorf("%s: %w", p, err)
	}
	wantSchema := schema.NewSchema(want)
	got := pf.MetaData().Schema
	r.idx = r.idx[:0]
	for i, c := range r.cols {
		path := c.Name
		if c.Type == "list<float32>" {
			path = c.Name + ".list.element"
		}
		j := got.ColumnIndexByName(path)
		if j < 0 {
			pf.Close()
			return fmt.Errorf("%s: column %s missing", p, path)
		}
		gc, wc := got.Column(j), wantSchema.Column(i)
		if gc.PhysicalType() != wc.PhysicalType() || gc.MaxDefinitionLevel() != wc.MaxDefinitionLevel() || gc.MaxRepetitionLevel() != wc.MaxRepetitionLevel() {
			pf.Close()
			return fmt.Errorf("%s: column %s is %s (levels %d/%d), want %s (levels %d/%d)", p, c.Name,
				gc.PhysicalType(), gc.MaxDefinitionLevel(), gc.MaxRepetitionLevel(),
				wc.PhysicalType(), wc.MaxDefinitionLevel(), wc.MaxRepetitionLevel())
		}
		r.idx = append(r.idx, j)
	}
	if r.data == nil {
		r.data = make([]colBuf, len(r.cols))
		r.pos = make([]int, len(r.cols))
		for i := range r.cols {
			r.data[i].nullable = r.cols[i].Nullable
		}
	}
	r.pf, r.cur, r.rg = pf, p, 0
	return nil
}

// readRowGroup reads row group r.rg of the current file into r.data.
func (r *FeatureReader) readRowGroup() (err error) {
	defer func() {
		// arrow/go's parquet readers panic on some corrupt input.
		if e := recover(); e != nil {
			err = fmt.Errorf("%s: row group %d: corrupt Parquet data: %v", r.cur, r.rg, e)
		}
	}()
	rgr := r.pf.RowGroup(r.rg)
	r.rows = int(rgr.NumRows())
	for i, j := range r.idx {
		if r.skip != nil && r.skip[i] {
			continue
		}
		cr, err := pagecheck.ColumnReader(r.pf, rgr, j)
		if err != nil {
			return fmt.Errorf("%s: row group %d: column %s: %w", r.cur, r.rg, r.cols[i].Name, err)
		}
		if err := r.data[i].read(cr, r.rows); err != nil {
			return fmt.Errorf("%s: row group %d: column %s: %w", r.cur, r.rg, r.cols[i].Name, err)
		}
		r.pos[i] = 0
	}
	r.lpos = 0
	r.rg++
	r.row = 0
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
	for r.row >= r.rows {
		if r.pf == nil {
			return io.EOF
		}
		if r.rg < r.pf.NumRowGroups() {
			if err := r.readRowGroup(); err != nil {
				return err
			}
			continue
		}
		if r.next >= len(r.files) {
			r.release()
			return io.EOF
		}
		if err := r.open(); err != nil {
			return err
		}
	}
	r.fill(dst)
	r.row++
	return nil
}

// fill converts the next row of the current row group into dst.
func (r *FeatureReader) fill(dst *FeatureRow) {
	i := r.row
	// take returns the position of row i's value in column k, or -1 for
	// null, and advances the column.
	take := func(k int) int {
		if r.skip != nil && r.skip[k] {
			return -1
		}
		b := &r.data[k]
		if b.nullable && b.def[i] == 0 {
			return -1
		}
		p := r.pos[k]
		r.pos[k]++
		return p
	}
	str := func(k int) string {
		if p := take(k); p >= 0 {
			return r.data[k].str(p)
		}
		return ""
	}
	*dst = FeatureRow{
		Turbine: str(colTurbine),
		Sensor:  str(colSensor),
	}
	if p := take(colTime); p >= 0 {
		dst.Time = time.UnixMicro(r.data[colTime].i64[p]).UTC()
	}
	dst.Path = str(colPath)
	dst.Channel = str(colChannel)
	dst.Segment = int(r.data[colSegment].i32[take(colSegment)])
	dst.Unit = str(colUnit)
	dst.SampleRateHz = r.data[colRate].f64[take(colRate)]
	if p := take(colRPM); p >= 0 {
		dst.RPM = r.data[colRPM].f64[p]
	}
	dst.Samples = int(r.data[colSamples].i64[take(colSamples)])
	dst.Label = str(colLabel)
	k := numFixed
	if n := len(r.schema.Meta); n > 0 {
		dst.Meta = make([]datasets.Field, n)
		for j, mc := range r.schema.Meta {
			f := datasets.Field{Name: mc.Name}
			if p := take(k); p >= 0 {
				switch mc.Kind {
				case datasets.MetaInteger:
					f.Value = strconv.FormatInt(r.data[k].i64[p], 10)
				case datasets.MetaFloat:
					f.Value = strconv.FormatFloat(r.data[k].f64[p], 'g', -1, 64)
				default:
					f.Value = r.data[k].str(p)
				}
			}
			dst.Meta[j] = f
			k++
		}
	}
	dst.Values = make([]float64, len(r.schema.Features))
	for j := range dst.Values {
		if p := take(k); p >= 0 {
			dst.Values[j] = r.data[k].f64[p]
		} else {
			dst.Values[j] = math.NaN()
		}
		k++
	}
	if r.schema.Spectra && (r.skip == nil || !r.skip[k]) {
		b := &r.data[k]
		l := r.lpos
		switch b.def[l] {
		case listNull:
			r.lpos++
		case listEmpty:
			dst.Spectrum = []float32{}
			r.lpos++
		default:
			start := r.pos[k]
			for r.lpos < len(b.def) && (r.lpos == l || b.rep[r.lpos] == 1) {
				r.lpos++
			}
			n := r.lpos - l
			dst.Spectrum = append([]float32(nil), b.f32[start:start+n]...)
			r.pos[k] += n
		}
	}
}

// release closes the current file.
func (r *FeatureReader) release() {
	r.rows, r.row = 0, 0
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
