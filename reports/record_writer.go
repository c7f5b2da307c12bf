package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/windpm/windpm/reports/atomicfile"
)

// Record tables are the flat tables beside the features table (scores,
// alarms): their columns are whatever []TableColumn the caller gives, and
// a row is a []any with one Go value per column. They are written with the
// same conventions as the features table (table_writer.go): zstd, version 2
// data pages, plain Arrow types, dictionary encoding only for the columns
// marked Dictionary, the columns as JSON in windpm.columns.

// The logical types a record table may hold beyond those of the features
// table (see TableColumn.Type).
const (
	TypeBoolean    = "boolean"
	TypeListString = "list<string>"
)

// MaxRecordListLen is the longest list a record table's list column takes
// in one row. arrow/go v15 writes version 2 pages in batches that end on a
// row boundary, found by shrinking the batch: a row longer than the batch
// shrinks it to zero and loops for ever (column_writer.go doBatches). The
// writer's batch is one more than this.
const MaxRecordListLen = 4095

// recordKind is a column's logical type as the writer and reader handle it.
type recordKind int

const (
	kindString recordKind = iota
	kindTimestamp
	kindInt32
	kindInt64
	kindDouble
	kindBoolean
	kindListString
	kindListFloat32
)

// recordKinds maps TableColumn.Type to its kind.
var recordKinds = map[string]recordKind{
	"string":             kindString,
	"timestamp[us, UTC]": kindTimestamp,
	"int32":              kindInt32,
	"int64":              kindInt64,
	"double":             kindDouble,
	TypeBoolean:          kindBoolean,
	TypeListString:       kindListString,
	"list<float32>":      kindListFloat32,
}

// isList reports whether the kind is a list (a three-level Parquet LIST).
func (k recordKind) isList() bool { return k == kindListString || k == kindListFloat32 }

// recordArrowType returns the Arrow type of c: arrowType's, plus boolean
// and list<string>.
func recordArrowType(c *TableColumn) (arrow.DataType, error) {
	switch c.Type {
	case TypeBoolean:
		return arrow.FixedWidthTypes.Boolean, nil
	case TypeListString:
		return arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.BinaryTypes.String, Nullable: true}), nil
	}
	return arrowType(c)
}

// recordArrowSchema is arrowSchema for the types of record tables: unit,
// doc and role in each field's metadata.
func recordArrowSchema(cols []TableColumn) (*arrow.Schema, error) {
	fields := make([]arrow.Field, len(cols))
	for i := range cols {
		c := &cols[i]
		t, err := recordArrowType(c)
		if err != nil {
			return nil, err
		}
		var mk, mv []string
		if c.Role != "" {
			mk, mv = append(mk, "role"), append(mv, c.Role)
		}
		if c.Unit != "" {
			mk, mv = append(mk, "unit"), append(mv, c.Unit)
		}
		if c.Doc != "" {
			mk, mv = append(mk, "doc"), append(mv, c.Doc)
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: c.Nullable, Metadata: arrow.NewMetadata(mk, mv)}
	}
	return arrow.NewSchema(fields, nil), nil
}

// recordParquetSchema is parquetSchema for the types of record tables
// (the same nodes for the types they share): flat columns, optional where
// nullable, lists as the standard three-level LIST with optional
// elements, as pyarrow writes them.
func recordParquetSchema(cols []TableColumn) (*schema.GroupNode, error) {
	fields := make(schema.FieldList, len(cols))
	for i := range cols {
		c := &cols[i]
		rep := parquet.Repetitions.Required
		if c.Nullable {
			rep = parquet.Repetitions.Optional
		}
		var n schema.Node
		var err error
		switch c.Type {
		case "string":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.StringLogicalType{}, parquet.Types.ByteArray, -1, -1)
		case "timestamp[us, UTC]":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.NewTimestampLogicalType(true, schema.TimeUnitMicros), parquet.Types.Int64, -1, -1)
		case "int32":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.NewIntLogicalType(32, true), parquet.Types.Int32, -1, -1)
		case "int64":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.NewIntLogicalType(64, true), parquet.Types.Int64, -1, -1)
		case "double":
			n, err = schema.NewPrimitiveNode(c.Name, rep, parquet.Types.Double, -1, -1)
		case TypeBoolean:
			n, err = schema.NewPrimitiveNode(c.Name, rep, parquet.Types.Boolean, -1, -1)
		case TypeListString, "list<float32>":
			var elem schema.Node
			if c.Type == TypeListString {
				elem, err = schema.NewPrimitiveNodeLogical("element", parquet.Repetitions.Optional, schema.StringLogicalType{}, parquet.Types.ByteArray, -1, -1)
			} else {
				elem, err = schema.NewPrimitiveNode("element", parquet.Repetitions.Optional, parquet.Types.Float, -1, -1)
			}
			if err == nil {
				n, err = schema.ListOfWithName(c.Name, elem, rep, -1)
			}
		default:
			err = fmt.Errorf("unknown type %q", c.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		fields[i] = n
	}
	return schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
}

// recordColumn buffers one column of a row group: definition (and for
// lists repetition) levels, and the non-null values as Parquet stores
// them.
type recordColumn struct {
	kind recordKind
	// colBuf holds the levels and values, and writes them (shared with the
	// features table's writer).
	colBuf
}

// Definition levels of a list column (optional or required list, repeated
// group, optional element), relative to listBase (1 for an optional list,
// 0 for a required one; a null list is level 0).
func (b *recordColumn) listBase() int16 {
	if b.nullable {
		return 1
	}
	return 0
}

// listLevels appends the levels of a list of n elements (null when null).
func (b *recordColumn) listLevels(n int, null bool) {
	switch {
	case null:
		b.def, b.rep = append(b.def, 0), append(b.rep, 0)
	case n == 0:
		b.def, b.rep = append(b.def, b.listBase()), append(b.rep, 0)
	default:
		for i := range n {
			b.def = append(b.def, b.listBase()+2)
			b.rep = append(b.rep, min(int16(i), 1))
		}
	}
}

// RecordWriter streams rows of a record table (a flat table whose columns
// the caller describes, such as the scan's scores and alarms) into one
// Parquet file. It buffers one row group (at most MaxRowGroupRows rows or
// about RowGroupBytes of values) at a time, so its memory does not grow
// with the number of rows. The file appears at its path only when Close
// succeeds; until then it is a temporary file in the same folder, which
// Abort or a failed Close removes. A RecordWriter belongs to one
// goroutine.
type RecordWriter struct {
	path    string
	cols    []TableColumn
	out     CommitWriter
	fw      *file.Writer
	buf     []recordColumn
	rgRows  int
	rgBytes int

	buffered      int // rows in buf
	bufferedBytes int // approximate size of buf's values
	rows          int64
	err           error // sticky I/O error
	done          bool
}

// NewRecordWriter starts the record table named table (the file metadata
// key windpm.table) with columns cols at path. Each column's Type is one
// of "string", "timestamp[us, UTC]", "int32", "int64", "double",
// "boolean", "list<string>" or "list<float32>"; names must be unique and
// non-empty. fileMeta is copied into the file's key-value metadata; the
// writer sets windpm.table, windpm.schema_version (schemaVersion),
// windpm.columns (cols as JSON) and the ARROW:schema itself, overriding
// fileMeta's, and windpm.version to the build's module version unless
// fileMeta gives one. So a table's Meta from ReadRecordTable can be passed
// back to write a merged copy.
func NewRecordWriter(path, table string, schemaVersion int, cols []TableColumn, fileMeta map[string]string) (*RecordWriter, error) {
	return newRecordWriter(path, table, schemaVersion, cols, fileMeta, MaxRowGroupRows, RowGroupBytes)
}

// NewRecordWriterTo is NewRecordWriter writing to out, which messages
// call name: Close commits out, Abort (or a failed Close) aborts it; when
// the writer cannot be made, out is aborted.
func NewRecordWriterTo(name string, out CommitWriter, table string, schemaVersion int, cols []TableColumn, fileMeta map[string]string) (*RecordWriter, error) {
	w, err := newRecordWriterTo(name, func() (CommitWriter, error) { return out, nil }, table, schemaVersion, cols, fileMeta, MaxRowGroupRows, RowGroupBytes)
	if err != nil {
		out.Abort()
	}
	return w, err
}

func newRecordWriter(path, table string, schemaVersion int, cols []TableColumn, fileMeta map[string]string, rgRows, rgBytes int) (*RecordWriter, error) {
	return newRecordWriterTo(path, func() (CommitWriter, error) { return atomicfile.Create(path) }, table, schemaVersion, cols, fileMeta, rgRows, rgBytes)
}

func newRecordWriterTo(path string, create func() (CommitWriter, error), table string, schemaVersion int, cols []TableColumn, fileMeta map[string]string, rgRows, rgBytes int) (*RecordWriter, error) {
	if err := validateRecordColumns(table, cols); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cols = slices.Clone(cols)
	root, err := recordParquetSchema(cols)
	if err != nil {
		return nil, fmt.Errorf("%s: table %s: %w", path, table, err)
	}
	sch, err := recordArrowSchema(cols)
	if err != nil {
		return nil, fmt.Errorf("%s: table %s: %w", path, table, err)
	}
	var ipcBuf bytes.Buffer
	iw := ipc.NewWriter(&ipcBuf, ipc.WithSchema(sch))
	if err := iw.Close(); err != nil {
		return nil, fmt.Errorf("%s: serializing the Arrow schema: %w", path, err)
	}
	cj, err := json.Marshal(cols)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	own := map[string]string{
		MetaTable:         table,
		MetaSchemaVersion: strconv.Itoa(schemaVersion),
		MetaToolVersion:   buildVersion(),
		MetaColumns:       string(cj),
		"ARROW:schema":    base64.StdEncoding.EncodeToString(ipcBuf.Bytes()),
	}
	if v := fileMeta[MetaToolVersion]; v != "" {
		own[MetaToolVersion] = v
	}
	kv := metadata.NewKeyValueMetadata()
	for _, k := range []string{MetaTable, MetaSchemaVersion, MetaToolVersion, MetaColumns} {
		kv.Append(k, own[k])
	}
	var extra []string
	for k := range fileMeta {
		if _, ok := own[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		kv.Append(k, fileMeta[k])
	}
	kv.Append("ARROW:schema", own["ARROW:schema"])

	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(false),
		parquet.WithCreatedBy("windpm " + own[MetaToolVersion]),
		parquet.WithStats(true),
		// Version 2 data pages, as the features table (see
		// NewFeatureWriter); batches hold the longest list allowed.
		parquet.WithDataPageVersion(parquet.DataPageV2),
		parquet.WithBatchSize(MaxRecordListLen + 1),
	}
	for _, c := range cols {
		if c.Dictionary {
			p := c.Name
			if recordKinds[c.Type].isList() {
				p += ".list.element"
			}
			opts = append(opts, parquet.WithDictionaryFor(p, true))
		}
	}
	out, err := create()
	if err != nil {
		return nil, err
	}
	w := &RecordWriter{
		path:    path,
		cols:    cols,
		out:     out,
		fw:      file.NewParquetWriter(out, root, file.WithWriterProps(parquet.NewWriterProperties(opts...)), file.WithWriteMetadata(kv)),
		buf:     make([]recordColumn, len(cols)),
		rgRows:  rgRows,
		rgBytes: rgBytes,
	}
	for i, c := range cols {
		w.buf[i].kind = recordKinds[c.Type]
		w.buf[i].nullable = c.Nullable
	}
	return w, nil
}

// validateRecordColumns checks the table name and that column names are
// non-empty and unique and their types known.
func validateRecordColumns(table string, cols []TableColumn) error {
	if table == "" {
		return fmt.Errorf("record table without a name")
	}
	if len(cols) == 0 {
		return fmt.Errorf("table %s: no columns", table)
	}
	seen := make(map[string]bool, len(cols))
	for i, c := range cols {
		if c.Name == "" {
			return fmt.Errorf("table %s: column %d has no name", table, i+1)
		}
		if seen[c.Name] {
			return fmt.Errorf("table %s: column %q appears twice", table, c.Name)
		}
		seen[c.Name] = true
		if _, ok := recordKinds[c.Type]; !ok {
			return fmt.Errorf("table %s: column %s: unknown type %q", table, c.Name, c.Type)
		}
	}
	return nil
}

// Columns returns the table's columns.
func (w *RecordWriter) Columns() []TableColumn { return w.cols }

// Rows returns the number of rows written so far.
func (w *RecordWriter) Rows() int64 { return w.rows }

// Write adds one row; values[i] is the value of column i, of the Go type
// its Type takes:
//
//	string              string ("" is null when Nullable, else the empty string)
//	double              float64 (NaN is null when Nullable, an error otherwise)
//	int32               int32 or int (in range)
//	int64               int64 or int
//	boolean             bool
//	timestamp[us, UTC]  time.Time (truncated to the microsecond; the zero Time
//	                    is null when Nullable, an error otherwise)
//	list<string>        []string (nil is null when Nullable, else an empty list)
//	list<float32>       []float32 (likewise)
//
// and nil is null in any nullable column. A row that does not fit (wrong
// count, a value of another Go type, a null where the column is not
// nullable, a list longer than MaxRecordListLen) is refused with an error
// naming the column, and the writer stays usable; an I/O error is final
// and Close reports it too.
func (w *RecordWriter) Write(values []any) error {
	if w.done {
		return fmt.Errorf("%s: write after close", w.path)
	}
	if w.err != nil {
		return w.err
	}
	if len(values) != len(w.cols) {
		return fmt.Errorf("%s: row %d: %d values, the table has %d columns", w.path, w.rows+1, len(values), len(w.cols))
	}
	// Check every value before appending any, so that a bad row leaves
	// the buffers untouched.
	for i, v := range values {
		if err := w.check(i, v); err != nil {
			return fmt.Errorf("%s: row %d: column %s (%s): %w", w.path, w.rows+1, w.cols[i].Name, w.cols[i].Type, err)
		}
	}
	for i, v := range values {
		w.bufferedBytes += w.buf[i].add(v)
	}
	w.buffered++
	w.rows++
	if w.buffered >= w.rgRows || w.bufferedBytes >= w.rgBytes {
		return w.flush()
	}
	return nil
}

// check returns why v cannot be written in column i, or nil.
func (w *RecordWriter) check(i int, v any) error {
	c := &w.cols[i]
	if v == nil {
		if !c.Nullable {
			return fmt.Errorf("null in a column that is not nullable")
		}
		return nil
	}
	switch recordKinds[c.Type] {
	case kindString:
		if _, ok := v.(string); ok {
			return nil
		}
	case kindDouble:
		if f, ok := v.(float64); ok {
			if math.IsNaN(f) && !c.Nullable {
				return fmt.Errorf("NaN in a column that is not nullable")
			}
			return nil
		}
	case kindInt32:
		switch x := v.(type) {
		case int32:
			return nil
		case int:
			if x < math.MinInt32 || x > math.MaxInt32 {
				return fmt.Errorf("%d out of the int32 range", x)
			}
			return nil
		}
	case kindInt64:
		switch v.(type) {
		case int64, int:
			return nil
		}
	case kindBoolean:
		if _, ok := v.(bool); ok {
			return nil
		}
	case kindTimestamp:
		if t, ok := v.(time.Time); ok {
			if t.IsZero() && !c.Nullable {
				return fmt.Errorf("zero time in a column that is not nullable")
			}
			return nil
		}
	case kindListString:
		if l, ok := v.([]string); ok {
			return checkListLen(len(l))
		}
	case kindListFloat32:
		if l, ok := v.([]float32); ok {
			return checkListLen(len(l))
		}
	}
	return fmt.Errorf("value of Go type %T", v)
}

func checkListLen(n int) error {
	if n > MaxRecordListLen {
		return fmt.Errorf("list of %d elements, at most %d", n, MaxRecordListLen)
	}
	return nil
}

// add appends v (checked by RecordWriter.check) to b and returns about
// how many bytes it takes.
func (b *recordColumn) add(v any) int {
	switch b.kind {
	case kindString:
		s, _ := v.(string)
		null := v == nil || (s == "" && b.nullable)
		b.level(null)
		if !null {
			b.appendString(s)
		}
		return 8 + len(s)
	case kindDouble:
		f, ok := v.(float64)
		null := !ok || math.IsNaN(f)
		b.level(null)
		if !null {
			b.f64 = append(b.f64, f)
		}
	case kindInt32:
		b.level(v == nil)
		switch x := v.(type) {
		case int32:
			b.i32 = append(b.i32, x)
		case int:
			b.i32 = append(b.i32, int32(x))
		}
	case kindInt64:
		b.level(v == nil)
		switch x := v.(type) {
		case int64:
			b.i64 = append(b.i64, x)
		case int:
			b.i64 = append(b.i64, int64(x))
		}
	case kindBoolean:
		b.level(v == nil)
		if x, ok := v.(bool); ok {
			b.bools = append(b.bools, x)
		}
	case kindTimestamp:
		t, ok := v.(time.Time)
		null := !ok || t.IsZero()
		b.level(null)
		if !null {
			b.i64 = append(b.i64, t.UnixMicro())
		}
	case kindListString:
		l, _ := v.([]string)
		b.listLevels(len(l), l == nil && b.nullable)
		n := 8
		for _, s := range l {
			b.appendString(s)
			n += 12 + len(s)
		}
		return n
	case kindListFloat32:
		l, _ := v.([]float32)
		b.listLevels(len(l), l == nil && b.nullable)
		b.f32 = append(b.f32, l...)
		return 8 + 8*len(l)
	}
	return 8
}

// flush writes the buffered rows as one row group.
func (w *RecordWriter) flush() (err error) {
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
	w.buffered, w.bufferedBytes = 0, 0
	rgw := w.fw.AppendRowGroup()
	for i := range w.buf {
		cw, err := rgw.NextColumn()
		if err != nil {
			return err
		}
		if err := w.buf[i].write(cw); err != nil {
			return fmt.Errorf("column %s: %w", w.cols[i].Name, err)
		}
		if err := cw.Close(); err != nil {
			return err
		}
	}
	return rgw.Close()
}

// Close writes the buffered rows and the footer and renames the file into
// place. On error nothing is left at the path (an older file there stays).
func (w *RecordWriter) Close() error {
	if w.done {
		return fmt.Errorf("%s: close after close or abort", w.path)
	}
	if w.err != nil {
		w.Abort()
		return w.err
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
// appears at the path (an older file there stays). It is safe after Close
// (it then does nothing).
func (w *RecordWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.out.Abort()
}

// recordSections splits cols into runs of consecutive columns of the same
// role, titled by the role ("Key columns"; "Columns" for no role), in
// table order.
func recordSections(cols []TableColumn) []struct {
	title string
	cols  []TableColumn
} {
	type section = struct {
		title string
		cols  []TableColumn
	}
	var secs []section
	for i := 0; i < len(cols); {
		j := i + 1
		for j < len(cols) && cols[j].Role == cols[i].Role {
			j++
		}
		title := "Columns"
		if r := cols[i].Role; r != "" {
			title = strings.ToUpper(r[:1]) + r[1:] + " columns"
		}
		secs = append(secs, section{title, cols[i:j]})
		i = j
	}
	return secs
}

// recordMetaDoc describes the file metadata of a record table.
func recordMetaDoc(table string, code func(string) string) string {
	return code(MetaTable) + " is " + code(strconv.Quote(table)) + "; " + code(MetaSchemaVersion) +
		" is this table's schema version, bumped with any change of its columns, names, units or meaning; " +
		code(MetaToolVersion) + ", " + code(MetaColumns) + " and " + code("ARROW:schema") + " are as in the features table."
}

// WriteRecordSchemaText writes the schema of the record table named table
// for a terminal (`windpm help schema`), in the format of
// WriteFeatureSchemaText: a heading with doc (what writes the table and
// what a row is), the columns in table order grouped by role, each with
// type, unit and doc, then the file metadata.
func WriteRecordSchemaText(w io.Writer, table, doc string, cols []TableColumn) error {
	var b strings.Builder
	b.WriteString("\n")
	wrap(&b, strings.ToUpper(table)+" TABLE: "+doc, "", 76)
	for _, sec := range recordSections(cols) {
		fmt.Fprintf(&b, "\n%s\n", strings.ToUpper(sec.title))
		for i := range sec.cols {
			c := &sec.cols[i]
			unit := ""
			if c.Unit != "" {
				unit = "; " + c.Unit
			}
			fmt.Fprintf(&b, "  %s  (%s%s)\n", c.Name, typeText(c), unit)
			wrap(&b, c.Doc, "      ", 76)
		}
	}
	b.WriteString("\nFILE METADATA\n")
	wrap(&b, recordMetaDoc(table, func(s string) string { return s }), "  ", 76)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteRecordSchemaMarkdown writes the schema of the record table named
// table as a Markdown section (for docs/schema.md), with the same content
// as WriteRecordSchemaText and the format of WriteFeatureSchemaMarkdown:
// "## The `table` table" (its windpm.table name), doc, a column table per
// role, the file metadata.
func WriteRecordSchemaMarkdown(w io.Writer, table, doc string, cols []TableColumn) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## The `%s` table\n\n%s\n", table, doc)
	for _, sec := range recordSections(cols) {
		fmt.Fprintf(&b, "\n### %s\n\n", sec.title)
		b.WriteString("| column | type | unit | meaning |\n|---|---|---|---|\n")
		for i := range sec.cols {
			c := &sec.cols[i]
			// Types in code spans: list<string> would be read as HTML.
			typ := "`" + c.Type + "`" + strings.TrimPrefix(typeText(c), c.Type)
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, typ, c.Unit, strings.ReplaceAll(c.Doc, "|", `\|`))
		}
	}
	b.WriteString("\n### File metadata\n\n")
	b.WriteString(recordMetaDoc(table, func(s string) string { return "`" + s + "`" }) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}
