package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports/atomicfile"
)

// RowGroupBytes is the uncompressed size a FeatureWriter aims at for one
// row group: it buffers that much before it compresses and writes the rows
// (RowGroupRows gives the row count for a schema). It bounds the writer's
// memory whatever the number of rows.
const RowGroupBytes = 16 << 20

// MinRowGroupRows and MaxRowGroupRows bound the rows of a row group.
const (
	MinRowGroupRows = 1024
	MaxRowGroupRows = 65536
)

// RowGroupRows returns the number of rows per row group for schema s: as
// many as fit in RowGroupBytes at 8 bytes per number, 4 per PSD value and
// about 100 bytes for the strings of the fixed columns, clamped to
// [MinRowGroupRows, MaxRowGroupRows]. Large row groups mean fewer Parquet
// pages, each of which costs arrow/go v15's zstd codec a fresh encoder
// (see BenchmarkFeatureWriter), and faster scans in DuckDB.
func RowGroupRows(s *FeatureSchema) int {
	rowBytes := 100 + 8*(numFixed+len(s.Meta)+len(s.Features)) + 4*len(s.SpectraFreqHz)
	return min(max(RowGroupBytes/rowBytes, MinRowGroupRows), MaxRowGroupRows)
}

// FeatureRow is one row of the features table: one capture, or one segment
// of a capture.
type FeatureRow struct {
	Turbine, Sensor string
	// Time is the capture's start; the zero Time is written as null.
	Time          time.Time
	Path, Channel string
	Segment       int
	Unit          string
	SampleRateHz  float64
	// RPM is the shaft speed; 0 (unknown) is written as null.
	RPM     float64
	Samples int
	// Label is the ground-truth class; "" is written as null.
	Label string
	// Meta holds the manifest metadata values as text, in FeatureSchema.Meta
	// order; each is parsed by its column's kind, and "" is null.
	Meta []datasets.Field
	// Values holds the features in FeatureSchema.Features order; NaN is
	// written as null.
	Values []float64
	// Spectrum is the PSD on FeatureSchema.SpectraFreqHz (only with
	// Spectra; nil is written as null).
	Spectrum []float32
}

// FeatureWriter streams rows into a features table in one Parquet file. It
// buffers one row group (RowGroupRows rows) at a time, so its
// memory does not grow with the number of rows. The file appears at its
// path only when Close succeeds; until then it is a temporary file in the
// same folder, which Abort or a failed Close removes. A FeatureWriter
// belongs to one goroutine.
type FeatureWriter struct {
	path   string
	schema FeatureSchema
	out    CommitWriter
	fw     *file.Writer
	rgRows int
	cols   []colBuf // one per column, in table order

	metaInt   []int64
	metaFloat []float64

	buffered int
	rows     int64
	err      error // sticky I/O error
	done     bool
}

// NewFeatureWriter starts a features table with schema s at path. fileMeta
// is copied into the file's key-value metadata; "windpm.config" should be
// the feature configuration as JSON ("{}" when absent) and
// "windpm.version" the tool version (the build's module version when
// absent). The writer sets windpm.table, windpm.schema_version
// (features.SchemaVersion), windpm.columns and, with spectra,
// windpm.psd_frequency_hz itself.
func NewFeatureWriter(path string, s FeatureSchema, fileMeta map[string]string) (*FeatureWriter, error) {
	return newFeatureWriter(path, s, fileMeta, RowGroupRows(&s), FeatureWriterOptions{})
}

// FeatureWriterOptions tune a FeatureWriter.
type FeatureWriterOptions struct {
	// Snappy compresses with Snappy instead of zstd. It is for files of a
	// few rows (a scan's partition of one turbine-day): arrow/go v15 sets
	// up a new zstd encoder for every page, which costs about 23 ms and
	// 75 MB of allocation for a 3-row file of the 85 feature columns, ten
	// times the whole file's cost with Snappy (measured on the project's
	// 2-core machine), while compression matters little at that size.
	// Every Parquet reader reads both.
	Snappy bool
	// NoDocs leaves the columns' docs out of the file's metadata
	// (windpm.columns and the Arrow schema keep names, types, units and
	// roles). The docs of the 150-odd columns are 85 KB: 85 % of a 3-row
	// partition file, and most of what a reader parses to open it. For a
	// scan's partition files; `windpm help schema` and docs/schema.md
	// have the docs.
	NoDocs bool
	// NoStats writes no column statistics (min, max, null count). They
	// let a query engine skip row groups, which a file of a few rows
	// never needs, and arrow/go v15 reads each statistic through a
	// buffer of at least 512 bytes: 0.8 MB of allocation to open a
	// 150-column file. For a scan's partition files.
	NoStats bool
}

// NewFeatureWriterOptions is NewFeatureWriter with options.
func NewFeatureWriterOptions(path string, s FeatureSchema, fileMeta map[string]string, o FeatureWriterOptions) (*FeatureWriter, error) {
	return newFeatureWriter(path, s, fileMeta, RowGroupRows(&s), o)
}

// CommitWriter is where a FeatureWriter writes: bytes that become visible
// at Commit, and nothing on Abort (reports/atomicfile.File, a store
// object's Writer).
type CommitWriter interface {
	io.Writer
	Commit() error
	Abort()
}

// NewFeatureWriterTo is NewFeatureWriterOptions writing to out, which
// messages call name. The writer's Close commits out; Abort (or a failed
// Close) aborts it. When the writer cannot be made, out is aborted.
func NewFeatureWriterTo(name string, out CommitWriter, s FeatureSchema, fileMeta map[string]string, o FeatureWriterOptions) (*FeatureWriter, error) {
	w, err := newFeatureWriterTo(name, func() (CommitWriter, error) { return out, nil }, s, fileMeta, RowGroupRows(&s), o)
	if err != nil {
		out.Abort()
	}
	return w, err
}

func newFeatureWriter(path string, s FeatureSchema, fileMeta map[string]string, rgRows int, o FeatureWriterOptions) (*FeatureWriter, error) {
	return newFeatureWriterTo(path, func() (CommitWriter, error) { return atomicfile.Create(path) }, s, fileMeta, rgRows, o)
}

func newFeatureWriterTo(path string, create func() (CommitWriter, error), s FeatureSchema, fileMeta map[string]string, rgRows int, o FeatureWriterOptions) (*FeatureWriter, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cols := s.Columns()
	if o.NoDocs {
		for i := range cols {
			cols[i].Doc = ""
		}
	}
	md, keys, err := tableMetadata(&s, cols, fileMeta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	root, err := parquetSchema(cols)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	kv := metadata.NewKeyValueMetadata()
	for _, k := range keys {
		kv.Append(k, md[k])
	}
	// The Arrow schema, as pyarrow and arrow/go's pqarrow store it, carries
	// unit, doc and role as field metadata.
	sch, err := arrowSchema(cols)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ipcBuf bytes.Buffer
	iw := ipc.NewWriter(&ipcBuf, ipc.WithSchema(sch))
	if err := iw.Close(); err != nil {
		return nil, fmt.Errorf("%s: serializing the Arrow schema: %w", path, err)
	}
	kv.Append("ARROW:schema", base64.StdEncoding.EncodeToString(ipcBuf.Bytes()))

	codec := compress.Codecs.Zstd
	if o.Snappy {
		codec = compress.Codecs.Snappy
	}
	opts := []parquet.WriterProperty{
		parquet.WithCompression(codec),
		parquet.WithDictionaryDefault(false),
		parquet.WithCreatedBy("windpm " + md[MetaToolVersion]),
		parquet.WithStats(!o.NoStats),
		// Version 2 data pages: arrow/go v15 grows the level buffer of a
		// version 1 page by a few bytes per run (quadratic; 5× slower
		// and 4× the allocation for nullable columns, measured with
		// BenchmarkFeatureWriter). DuckDB, pyarrow and Spark read both.
		parquet.WithDataPageVersion(parquet.DataPageV2),
		// A version 2 page must end on a row boundary, and arrow/go v15
		// finds it by shrinking the write batch: a list row longer than
		// the batch (a PSD of 6001 bins against the default 1024) shrinks
		// it to zero and loops for ever (column_writer.go doBatchesV2).
		// Batches hold at least one whole PSD row.
		parquet.WithBatchSize(int64(max(1024, len(s.SpectraFreqHz)+1))),
	}
	for _, c := range cols {
		if c.Dictionary {
			opts = append(opts, parquet.WithDictionaryFor(c.Name, true))
		}
	}
	props := parquet.NewWriterProperties(opts...)

	out, err := create()
	if err != nil {
		return nil, err
	}
	w := &FeatureWriter{
		path:      path,
		schema:    s,
		out:       out,
		fw:        file.NewParquetWriter(out, root, file.WithWriterProps(props), file.WithWriteMetadata(kv)),
		rgRows:    rgRows,
		cols:      make([]colBuf, len(cols)),
		metaInt:   make([]int64, len(s.Meta)),
		metaFloat: make([]float64, len(s.Meta)),
	}
	for i := range cols {
		w.cols[i].nullable = cols[i].Nullable
	}
	return w, nil
}

// tableMetadata returns the file metadata of a features table and its keys
// in a fixed order (the writer's own keys first, then the caller's,
// sorted).
func tableMetadata(s *FeatureSchema, cols []TableColumn, fileMeta map[string]string) (map[string]string, []string, error) {
	md := map[string]string{
		MetaTable:         "features",
		MetaSchemaVersion: strconv.Itoa(features.SchemaVersion),
		MetaToolVersion:   buildVersion(),
		MetaConfig:        "{}",
	}
	if v, ok := fileMeta[MetaToolVersion]; ok && v != "" {
		md[MetaToolVersion] = v
	}
	if v, ok := fileMeta[MetaConfig]; ok {
		if !json.Valid([]byte(v)) {
			return nil, nil, fmt.Errorf("file metadata %s is not valid JSON", MetaConfig)
		}
		md[MetaConfig] = v
	}
	cj, err := json.Marshal(cols)
	if err != nil {
		return nil, nil, err
	}
	md[MetaColumns] = string(cj)
	keys := []string{MetaTable, MetaSchemaVersion, MetaToolVersion, MetaConfig, MetaColumns}
	if s.Spectra {
		fj, err := json.Marshal(s.SpectraFreqHz)
		if err != nil {
			return nil, nil, fmt.Errorf("spectrum frequency axis: %w", err)
		}
		md[MetaPSDFrequency] = string(fj)
		keys = append(keys, MetaPSDFrequency)
	}
	var extra []string
	for k := range fileMeta {
		if _, own := md[k]; !own {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		md[k] = fileMeta[k]
	}
	return md, append(keys, extra...), nil
}

// buildVersion returns the module version of the running binary, or
// "devel".
func buildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			return v
		}
	}
	return "devel"
}

// Rows returns the number of rows written so far.
func (w *FeatureWriter) Rows() int64 { return w.rows }

// Write adds r to the table. A row that does not fit the schema (wrong
// number of values, a metadata value that does not parse as its column's
// kind) is refused with an error and the writer stays usable; an I/O error
// is final and Close will report it too.
func (w *FeatureWriter) Write(r *FeatureRow) error {
	if w.done {
		return fmt.Errorf("%s: write after close", w.path)
	}
	if w.err != nil {
		return w.err
	}
	if err := w.check(r); err != nil {
		return fmt.Errorf("%s: row %s %s segment %d: %w", w.path, r.Path, r.Channel, r.Segment, err)
	}
	c := w.cols
	c[colTurbine].addString(r.Turbine, false)
	c[colSensor].addString(r.Sensor, false)
	c[colTime].addInt64(r.Time.UnixMicro(), r.Time.IsZero())
	c[colPath].addString(r.Path, false)
	c[colChannel].addString(r.Channel, false)
	c[colSegment].addInt32(int32(r.Segment))
	c[colUnit].addString(r.Unit, false)
	c[colRate].addFloat64(r.SampleRateHz, false)
	c[colRPM].addFloat64(r.RPM, r.RPM == 0)
	c[colSamples].addInt64(int64(r.Samples), false)
	c[colLabel].addString(r.Label, r.Label == "")
	k := numFixed
	for i, m := range r.Meta {
		null := m.Value == ""
		switch w.schema.Meta[i].Kind {
		case datasets.MetaInteger:
			c[k].addInt64(w.metaInt[i], null)
		case datasets.MetaFloat:
			c[k].addFloat64(w.metaFloat[i], null)
		default:
			c[k].addString(m.Value, null)
		}
		k++
	}
	for _, v := range r.Values {
		c[k].addFloat64(v, math.IsNaN(v))
		k++
	}
	if w.schema.Spectra {
		c[k].addList(r.Spectrum)
	}
	w.buffered++
	w.rows++
	if w.buffered >= w.rgRows {
		return w.flush()
	}
	return nil
}

// check validates r against the schema and parses its metadata into
// w.metaInt and w.metaFloat, before anything is appended, so that a bad
// row leaves the column buffers untouched.
func (w *FeatureWriter) check(r *FeatureRow) error {
	s := &w.schema
	if len(r.Values) != len(s.Features) {
		return fmt.Errorf("%d feature values, the table has %d feature columns", len(r.Values), len(s.Features))
	}
	if len(r.Meta) != len(s.Meta) {
		return fmt.Errorf("%d metadata values, the table has %d metadata columns", len(r.Meta), len(s.Meta))
	}
	if s.Spectra && r.Spectrum != nil && len(r.Spectrum) != len(s.SpectraFreqHz) {
		return fmt.Errorf("spectrum of %d values, the frequency axis has %d", len(r.Spectrum), len(s.SpectraFreqHz))
	}
	if r.Segment < 0 || r.Segment > math.MaxInt32 {
		return fmt.Errorf("segment %d out of range", r.Segment)
	}
	for i, f := range r.Meta {
		mc := s.Meta[i]
		if f.Name != "" && f.Name != mc.Name {
			return fmt.Errorf("metadata value %d is %q, the table's column is %q", i+1, f.Name, mc.Name)
		}
		if f.Value == "" {
			continue
		}
		switch mc.Kind {
		case datasets.MetaInteger:
			v, err := strconv.ParseInt(f.Value, 10, 64)
			if err != nil {
				return fmt.Errorf("metadata %s: %q is not an integer", mc.Name, f.Value)
			}
			w.metaInt[i] = v
		case datasets.MetaFloat:
			v, err := strconv.ParseFloat(f.Value, 64)
			if err != nil {
				return fmt.Errorf("metadata %s: %q is not a number", mc.Name, f.Value)
			}
			w.metaFloat[i] = v
		}
	}
	return nil
}

// flush writes the buffered rows as one row group.
func (w *FeatureWriter) flush() (err error) {
	if w.buffered == 0 {
		return nil
	}
	defer func() {
		// arrow/go's parquet writers panic on some I/O errors.
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
		if err != nil {
			w.err = fmt.Errorf("%s: writing row group: %w", w.path, err)
			err = w.err
		}
	}()
	w.buffered = 0
	rgw := w.fw.AppendRowGroup()
	for i := range w.cols {
		cw, err := rgw.NextColumn()
		if err != nil {
			return err
		}
		if err := w.cols[i].write(cw); err != nil {
			return fmt.Errorf("column %s: %w", cw.Descr().Name(), err)
		}
		if err := cw.Close(); err != nil {
			return err
		}
	}
	return rgw.Close()
}

// Close writes the buffered rows and the footer and renames the file into
// place. On error nothing is left at the path (an older file there stays).
func (w *FeatureWriter) Close() error {
	if w.done {
		return fmt.Errorf("%s: close after close or abort", w.path)
	}
	if err := w.flush(); err != nil {
		w.Abort()
		return err
	}
	if err := closeParquet(w.fw); err != nil {
		w.Abort()
		return fmt.Errorf("%s: %w", w.path, err)
	}
	w.done = true
	return w.out.Commit()
}

// Abort discards the table: the temporary file is removed and nothing
// appears at the path. It is safe after Close (it then does nothing).
func (w *FeatureWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.out.Abort()
}
