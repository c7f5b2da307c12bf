package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

// RowGroupBytes is the uncompressed size a FeatureWriter aims at for one
// row group: it buffers that much before it compresses and writes the rows
// (RowGroupRows gives the row count for a schema). It bounds the writer's
// memory, about twice RowGroupBytes, whatever the number of rows.
const RowGroupBytes = 16 << 20

// DefaultRowGroupRows is the smallest row group a FeatureWriter makes
// (for wide schemas); narrow schemas get up to 16 times as many rows.
const DefaultRowGroupRows = 4096

// RowGroupRows returns the number of rows per row group for schema s: as
// many as fit in RowGroupBytes at 8 bytes per number and about 100 bytes
// for the strings of the fixed columns, clamped to
// [DefaultRowGroupRows, 16·DefaultRowGroupRows]. Larger row groups mean
// fewer Parquet pages, each of which costs the zstd codec of arrow/go/v15
// a fresh encoder, and faster scans in DuckDB.
func RowGroupRows(s *FeatureSchema) int {
	rowBytes := 100 + 8*(numFixed+len(s.Meta)+len(s.Features)) + 4*len(s.SpectraFreqHz)
	return min(max(RowGroupBytes/rowBytes, DefaultRowGroupRows), 16*DefaultRowGroupRows)
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
	out    *AtomicFile
	fw     *pqarrow.FileWriter
	rb     *array.RecordBuilder
	rgRows int

	// Column builders, cached from rb.
	str    [numFixed]*array.StringBuilder
	tm     *array.TimestampBuilder
	seg    *array.Int32Builder
	rate   *array.Float64Builder
	rpm    *array.Float64Builder
	nsamp  *array.Int64Builder
	meta   []array.Builder
	feat   []*array.Float64Builder
	psd    *array.ListBuilder
	psdVal *array.Float32Builder

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
	return newFeatureWriter(path, s, fileMeta, RowGroupRows(&s))
}

func newFeatureWriter(path string, s FeatureSchema, fileMeta map[string]string, rgRows int) (*FeatureWriter, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cols := s.Columns()
	md, keys, err := tableMetadata(&s, cols, fileMeta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sch, err := arrowSchema(cols, md, keys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(false),
		parquet.WithMaxRowGroupLength(int64(rgRows)),
		parquet.WithCreatedBy("windpm " + md[MetaToolVersion]),
		parquet.WithStats(true),
		// Version 2 data pages: arrow/go v15 grows the level buffer of a
		// version 1 page by a few bytes per run (quadratic; 5× slower
		// and 4× the allocation for nullable columns, measured with
		// BenchmarkFeatureWriter). DuckDB, pyarrow and Spark read both.
		parquet.WithDataPageVersion(parquet.DataPageV2),
	}
	for _, c := range cols {
		if c.Dictionary {
			opts = append(opts, parquet.WithDictionaryFor(c.Name, true))
		}
	}
	props := parquet.NewWriterProperties(opts...)

	out, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	fw, err := pqarrow.NewFileWriter(sch, out, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		out.Abort()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &FeatureWriter{
		path:   path,
		schema: s,
		out:    out,
		fw:     fw,
		rb:     array.NewRecordBuilder(memory.DefaultAllocator, sch),
		rgRows: rgRows,
	}
	for _, i := range []int{colTurbine, colSensor, colPath, colChannel, colUnit, colLabel} {
		w.str[i] = w.rb.Field(i).(*array.StringBuilder)
	}
	w.tm = w.rb.Field(colTime).(*array.TimestampBuilder)
	w.seg = w.rb.Field(colSegment).(*array.Int32Builder)
	w.rate = w.rb.Field(colRate).(*array.Float64Builder)
	w.rpm = w.rb.Field(colRPM).(*array.Float64Builder)
	w.nsamp = w.rb.Field(colSamples).(*array.Int64Builder)
	k := numFixed
	for range s.Meta {
		w.meta = append(w.meta, w.rb.Field(k))
		k++
	}
	for range s.Features {
		w.feat = append(w.feat, w.rb.Field(k).(*array.Float64Builder))
		k++
	}
	if s.Spectra {
		w.psd = w.rb.Field(k).(*array.ListBuilder)
		w.psdVal = w.psd.ValueBuilder().(*array.Float32Builder)
	}
	w.metaInt = make([]int64, len(s.Meta))
	w.metaFloat = make([]float64, len(s.Meta))
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
	w.str[colTurbine].Append(r.Turbine)
	w.str[colSensor].Append(r.Sensor)
	if r.Time.IsZero() {
		w.tm.AppendNull()
	} else {
		w.tm.Append(arrow.Timestamp(r.Time.UnixMicro()))
	}
	w.str[colPath].Append(r.Path)
	w.str[colChannel].Append(r.Channel)
	w.seg.Append(int32(r.Segment))
	w.str[colUnit].Append(r.Unit)
	w.rate.Append(r.SampleRateHz)
	if r.RPM == 0 {
		w.rpm.AppendNull()
	} else {
		w.rpm.Append(r.RPM)
	}
	w.nsamp.Append(int64(r.Samples))
	if r.Label == "" {
		w.str[colLabel].AppendNull()
	} else {
		w.str[colLabel].Append(r.Label)
	}
	for i, b := range w.meta {
		v := r.Meta[i].Value
		if v == "" {
			b.AppendNull()
			continue
		}
		switch w.schema.Meta[i].Kind {
		case datasets.MetaInteger:
			b.(*array.Int64Builder).Append(w.metaInt[i])
		case datasets.MetaFloat:
			b.(*array.Float64Builder).Append(w.metaFloat[i])
		default:
			b.(*array.StringBuilder).Append(v)
		}
	}
	for i, b := range w.feat {
		if v := r.Values[i]; math.IsNaN(v) {
			b.AppendNull()
		} else {
			b.Append(v)
		}
	}
	if w.psd != nil {
		if r.Spectrum == nil {
			w.psd.AppendNull()
		} else {
			w.psd.Append(true)
			w.psdVal.AppendValues(r.Spectrum, nil)
		}
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
// row leaves the builders untouched.
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
func (w *FeatureWriter) flush() error {
	if w.buffered == 0 {
		return nil
	}
	rec := w.rb.NewRecord()
	defer rec.Release()
	w.buffered = 0
	if err := w.fw.Write(rec); err != nil {
		w.err = fmt.Errorf("%s: writing row group: %w", w.path, err)
		return w.err
	}
	return nil
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
	if err := w.fw.Close(); err != nil {
		w.Abort()
		return fmt.Errorf("%s: %w", w.path, err)
	}
	w.done = true
	w.rb.Release()
	return w.out.Commit()
}

// Abort discards the table: the temporary file is removed and nothing
// appears at the path. It is safe after Close (it then does nothing).
func (w *FeatureWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.rb.Release()
	w.out.Abort()
}
