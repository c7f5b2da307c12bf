package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/windpm/windpm/reports/atomicfile"
	"github.com/windpm/windpm/reports/pagecheck"
)

// MaxRecordCells bounds the size of a table ReadRecordTable reads whole:
// rows × columns, and the list elements of a list column. Beyond it (about
// a gigabyte of Go values) the table is refused rather than read; it also
// stops a corrupt file whose header claims billions of rows from
// exhausting memory.
const MaxRecordCells = 1 << 25

// RecordTable is a record table read whole into memory (the scores and
// alarms of a scan, for tests and small tables; RecordReader streams).
type RecordTable struct {
	// Name is the file metadata windpm.table ("" when absent).
	Name string
	// Columns describes every column: the file's windpm.columns, or,
	// when absent, derived from the Parquet schema (unit, doc and role
	// from the Arrow schema's field metadata when present).
	Columns []TableColumn
	// Meta is the file's key-value metadata, without the serialized Arrow
	// schema.
	Meta map[string]string
	// Rows holds the rows in file order; each value has the Go type
	// RecordWriter.Write takes for its column (int32 for int32, int64 for
	// int64, time.Time in UTC for timestamps, a non-nil slice for a
	// non-null list) and nulls are nil.
	Rows [][]any
}

// Column returns the index of the named column, -1 if absent.
func (t *RecordTable) Column(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ReadRecordTable reads the record table at path: a file written by
// RecordWriter, or any flat Parquet file whose columns have the logical
// types of TableColumn.Type (string, timestamp[us, UTC], int32, int64,
// double, boolean, list<string>, list<float32>). A missing, empty,
// truncated or corrupt file, or a column of another type, is an error
// naming the file and the problem.
func ReadRecordTable(path string) (t *RecordTable, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a folder, not a Parquet file", path)
	}
	return ReadRecordTableFrom(path, f, fi.Size())
}

// ReadRecordTableFrom is ReadRecordTable on the size bytes of r (an
// object in a bucket, read by ranged requests), which messages call path.
func ReadRecordTableFrom(path string, r io.ReaderAt, size int64) (*RecordTable, error) {
	rr, err := OpenRecordTableFrom(path, r, size)
	if err != nil {
		return nil, err
	}
	if total := rr.NumRows(); total > MaxRecordCells/int64(len(rr.Columns)) {
		return nil, fmt.Errorf("%s: %d rows × %d columns: too large to read whole (at most %d values)", path, total, len(rr.Columns), MaxRecordCells)
	}
	t := &RecordTable{Name: rr.Name, Columns: rr.Columns, Meta: rr.Meta, Rows: make([][]any, 0, rr.NumRows())}
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, row)
	}
}

// oneLine joins the lines of a message, so that an error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// recordLeaf is how a column is laid out in the file: its kind and, for a
// list, whether the list and its elements are optional.
type recordLeaf struct {
	kind     recordKind
	nullable bool // an optional column (or list)
	elemOpt  bool // a list with optional elements
	maxDef   int16
	maxRep   int16
}

// recordBatchRows is the number of rows a RecordReader decodes at a time.
const recordBatchRows = 1024

// RecordReader reads a record table a batch of rows at a time, so that
// its memory does not grow with the table: `windpm report` merges shards'
// scores and alarms, which grow with the history, through it.
// ReadRecordTable reads a table whole.
type RecordReader struct {
	// Name, Columns and Meta are as in RecordTable.
	Name    string
	Columns []TableColumn
	Meta    map[string]string

	path   string
	pf     *file.Reader
	leaves []recordLeaf
	rg     int          // the next row group to open
	left   int          // rows of the open row group not decoded yet
	cols   []*colCursor // the open row group's columns
	rows   [][]any      // decoded rows not returned yet
	err    error        // sticky
}

// OpenRecordTableFrom opens the record table in the size bytes of r (a
// file, or an object in a bucket read by ranged requests), which messages
// call path, for reading row by row. It checks what ReadRecordTable checks,
// the rows as they are read.
func OpenRecordTableFrom(path string, r io.ReaderAt, size int64) (rr *RecordReader, err error) {
	if size == 0 {
		return nil, fmt.Errorf("%s: empty file, not a Parquet file", path)
	}
	defer func() {
		// arrow/go's parquet reader panics on some corrupt input.
		if e := recover(); e != nil {
			rr, err = nil, fmt.Errorf("%s: corrupt Parquet file: %s", path, oneLine(fmt.Sprint(e)))
		}
	}()
	pf, err := file.NewParquetReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %s", path, oneLine(err.Error()))
	}
	rr, err = newRecordReader(pf)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, oneLine(err.Error()))
	}
	rr.path = path
	return rr, nil
}

// NumRows is the number of rows the file says it holds.
func (r *RecordReader) NumRows() int64 { return r.pf.MetaData().NumRows }

// Next returns the next row, with the Go types of RecordTable.Rows; io.EOF
// after the last. The row is the caller's. An error names the file and is
// returned again by every later call.
func (r *RecordReader) Next() (row []any, err error) {
	if r.err != nil {
		return nil, r.err
	}
	defer func() {
		if e := recover(); e != nil {
			row, err = nil, fmt.Errorf("%s: corrupt Parquet file: %s", r.path, oneLine(fmt.Sprint(e)))
			r.err = err
		}
	}()
	row, err = r.next()
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %s", r.path, oneLine(err.Error()))
		r.err = err
	}
	return row, err
}

func newRecordReader(pf *file.Reader) (*RecordReader, error) {
	md := pf.MetaData()
	r := &RecordReader{Meta: make(map[string]string), pf: pf}
	arrowSchema := ""
	for _, e := range md.KeyValueMetadata() {
		if e.Value == nil {
			continue
		}
		if e.Key == "ARROW:schema" {
			arrowSchema = *e.Value
			continue
		}
		r.Meta[e.Key] = *e.Value
	}
	r.Name = r.Meta[MetaTable]
	cols, leaves, err := recordColumnsFromSchema(md.Schema)
	if err != nil {
		return nil, err
	}
	if cj, ok := r.Meta[MetaColumns]; ok {
		var mc []TableColumn
		if err := json.Unmarshal([]byte(cj), &mc); err != nil {
			return nil, fmt.Errorf("file metadata %s: %w", MetaColumns, err)
		}
		if len(mc) != len(cols) {
			return nil, fmt.Errorf("file metadata %s lists %d columns, the file has %d", MetaColumns, len(mc), len(cols))
		}
		for i, c := range mc {
			if c.Name != cols[i].Name || c.Type != cols[i].Type || c.Nullable != cols[i].Nullable {
				return nil, fmt.Errorf("file metadata %s: column %d is %s, the file's is %s", MetaColumns, i+1, describe(&c), describe(&cols[i]))
			}
		}
		cols = mc
	} else {
		decorateFromArrow(cols, arrowSchema)
	}
	r.Columns, r.leaves = cols, leaves

	total := md.NumRows
	if total < 0 {
		return nil, fmt.Errorf("the file says it has %d rows", total)
	}
	var sum int64
	for rg := range pf.NumRowGroups() {
		n := pf.MetaData().RowGroup(rg).NumRows()
		if n < 0 || n > total-sum {
			return nil, fmt.Errorf("row group %d: %d rows, more than the file's %d", rg, n, total)
		}
		sum += n
	}
	if sum != total {
		return nil, fmt.Errorf("row groups hold %d rows, the file says %d", sum, total)
	}
	return r, nil
}

// next is Next without the file name and the recovery.
func (r *RecordReader) next() ([]any, error) {
	for len(r.rows) == 0 {
		if r.left == 0 {
			if err := r.finishRowGroup(); err != nil {
				return nil, err
			}
			if r.rg == r.pf.NumRowGroups() {
				return nil, io.EOF
			}
			if err := r.openRowGroup(); err != nil {
				return nil, err
			}
			continue
		}
		if err := r.decode(min(recordBatchRows, r.left)); err != nil {
			return nil, err
		}
	}
	row := r.rows[0]
	r.rows = r.rows[1:]
	return row, nil
}

// openRowGroup opens the column readers of row group r.rg.
func (r *RecordReader) openRowGroup() error {
	rgr := r.pf.RowGroup(r.rg)
	r.left = int(rgr.NumRows())
	r.cols = r.cols[:0]
	for j := range r.Columns {
		cr, err := pagecheck.ColumnReader(r.pf, rgr, j)
		if err != nil {
			return fmt.Errorf("row group %d: column %s: %w", r.rg, r.Columns[j].Name, err)
		}
		r.cols = append(r.cols, newColCursor(cr, &r.leaves[j]))
	}
	r.rg++
	return nil
}

// finishRowGroup checks that the open row group's list columns hold no
// more rows than it says.
func (r *RecordReader) finishRowGroup() error {
	for j, c := range r.cols {
		if c.leaf.kind.isList() && (len(c.def) > 0 || c.cr.HasNext()) {
			if err := c.fill(1); err != nil {
				return fmt.Errorf("row group %d: column %s: %w", r.rg-1, r.Columns[j].Name, err)
			}
			if len(c.def) > 0 {
				return fmt.Errorf("row group %d: column %s: more lists than the row group's rows", r.rg-1, r.Columns[j].Name)
			}
		}
	}
	r.cols = r.cols[:0]
	return nil
}

// decode decodes the next n rows of the open row group into r.rows.
func (r *RecordReader) decode(n int) error {
	ncol := len(r.Columns)
	cells := make([]any, n*ncol)
	for j, c := range r.cols {
		vals, err := c.rows(n)
		if err != nil {
			return fmt.Errorf("row group %d: column %s: %w", r.rg-1, r.Columns[j].Name, err)
		}
		for i, v := range vals {
			cells[i*ncol+j] = v
		}
	}
	for i := range n {
		r.rows = append(r.rows, cells[i*ncol:(i+1)*ncol:(i+1)*ncol])
	}
	r.left -= n
	return nil
}

// describe names a column's name, type and nullability for an error.
func describe(c *TableColumn) string {
	s := c.Name + " " + c.Type
	if c.Nullable {
		s += " nullable"
	}
	return s
}

// recordColumnsFromSchema derives the columns of a flat Parquet schema:
// each top-level field a primitive of a known logical type or a
// three-level LIST of strings or floats.
func recordColumnsFromSchema(s *schema.Schema) ([]TableColumn, []recordLeaf, error) {
	root := s.Root()
	n := root.NumFields()
	if n == 0 {
		return nil, nil, errors.New("no columns")
	}
	if s.NumColumns() != n {
		return nil, nil, fmt.Errorf("%d leaf columns under %d fields: nested columns other than lists are not supported", s.NumColumns(), n)
	}
	cols := make([]TableColumn, n)
	leaves := make([]recordLeaf, n)
	for i := range n {
		f := root.Field(i)
		var typ string
		var leaf recordLeaf
		var err error
		switch f.RepetitionType() {
		case parquet.Repetitions.Optional:
			leaf.nullable = true
		case parquet.Repetitions.Required:
		default:
			return nil, nil, fmt.Errorf("column %s: repeated fields are not supported", f.Name())
		}
		switch f := f.(type) {
		case *schema.PrimitiveNode:
			typ, err = primitiveType(f)
		case *schema.GroupNode:
			typ, leaf.elemOpt, err = listType(f)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", f.Name(), err)
		}
		leaf.kind = recordKinds[typ]
		d := s.Column(i)
		leaf.maxDef, leaf.maxRep = d.MaxDefinitionLevel(), d.MaxRepetitionLevel()
		cols[i] = TableColumn{Name: f.Name(), Type: typ, Nullable: leaf.nullable}
		leaves[i] = leaf
	}
	return cols, leaves, nil
}

// primitiveType returns the TableColumn.Type of a flat column.
func primitiveType(n *schema.PrimitiveNode) (string, error) {
	lt := n.LogicalType()
	none := lt == nil || lt.Equals(schema.NoLogicalType{})
	switch n.PhysicalType() {
	case parquet.Types.ByteArray:
		if _, ok := lt.(schema.StringLogicalType); ok {
			return "string", nil
		}
	case parquet.Types.Int32:
		if it, ok := lt.(*schema.IntLogicalType); none || (ok && it.BitWidth() == 32 && it.IsSigned()) {
			return "int32", nil
		}
	case parquet.Types.Int64:
		if it, ok := lt.(*schema.IntLogicalType); none || (ok && it.BitWidth() == 64 && it.IsSigned()) {
			return "int64", nil
		}
		if ts, ok := lt.(*schema.TimestampLogicalType); ok && ts.IsAdjustedToUTC() && ts.TimeUnit() == schema.TimeUnitMicros {
			return "timestamp[us, UTC]", nil
		}
	case parquet.Types.Double:
		if none {
			return "double", nil
		}
	case parquet.Types.Boolean:
		if none {
			return TypeBoolean, nil
		}
	}
	t := n.PhysicalType().String()
	if !none {
		t += " (" + lt.String() + ")"
	}
	return "", fmt.Errorf("type %s is not supported", t)
}

// listType returns the type of a three-level LIST column (list, repeated
// group, element) of strings or floats and whether its elements are
// optional.
func listType(g *schema.GroupNode) (string, bool, error) {
	_, isList := g.LogicalType().(schema.ListLogicalType)
	if !isList || g.NumFields() != 1 {
		return "", false, errors.New("a group that is not a LIST: nested columns are not supported")
	}
	rg, ok := g.Field(0).(*schema.GroupNode)
	if !ok || rg.RepetitionType() != parquet.Repetitions.Repeated || rg.NumFields() != 1 {
		return "", false, errors.New("a LIST not in the three-level layout")
	}
	e, ok := rg.Field(0).(*schema.PrimitiveNode)
	if !ok || e.RepetitionType() == parquet.Repetitions.Repeated {
		return "", false, errors.New("a LIST of nested elements")
	}
	opt := e.RepetitionType() == parquet.Repetitions.Optional
	if lt := e.LogicalType(); e.PhysicalType() == parquet.Types.Float && (lt == nil || lt.Equals(schema.NoLogicalType{})) {
		return "list<float32>", opt, nil
	}
	t, err := primitiveType(e)
	if err != nil {
		return "", false, fmt.Errorf("list element: %w", err)
	}
	if t != "string" {
		return "", false, fmt.Errorf("list of %s is not supported", t)
	}
	return TypeListString, opt, nil
}

// decorateFromArrow copies role, unit and doc from the field metadata of
// the serialized Arrow schema (as RecordWriter and pyarrow write it) into
// cols. It is decoration only: a schema that does not decode is ignored.
func decorateFromArrow(cols []TableColumn, encoded string) {
	if encoded == "" {
		return
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return
	}
	r, err := ipc.NewReader(bytes.NewReader(raw))
	if err != nil {
		return
	}
	defer r.Release()
	for _, f := range r.Schema().Fields() {
		for i := range cols {
			if cols[i].Name != f.Name {
				continue
			}
			if v, ok := f.Metadata.GetValue("role"); ok {
				cols[i].Role = v
			}
			if v, ok := f.Metadata.GetValue("unit"); ok {
				cols[i].Unit = v
			}
			if v, ok := f.Metadata.GetValue("doc"); ok {
				cols[i].Doc = v
			}
		}
	}
}

// batchReader is the ReadBatch of arrow/go's typed column chunk readers.
type batchReader[T any] interface {
	HasNext() bool
	ReadBatch(batchSize int64, values []T, defLvls, repLvls []int16) (int64, int, error)
	Err() error
}

// recordReadLevels is the most levels a colCursor asks for at once.
const recordReadLevels = 4096

// colCursor reads one column chunk a batch of rows at a time: the levels
// and values it has read and not yet returned, and a read function that
// appends up to n more levels (0 at the chunk's end).
type colCursor struct {
	cr   file.ColumnChunkReader
	leaf *recordLeaf
	read func(n int) (int, error)
	vals []any
	def  []int16
	rep  []int16
	// starts counts the pending levels that start a row (repetition
	// level 0), for a list column.
	starts int
	done   bool
}

func newColCursor(cr file.ColumnChunkReader, leaf *recordLeaf) *colCursor {
	c := &colCursor{cr: cr, leaf: leaf}
	switch cr := cr.(type) {
	case *file.ByteArrayColumnChunkReader:
		// Copied at once: the bytes point into the page buffer.
		c.read = levelReader(c, cr, func(b parquet.ByteArray) any { return string(b) })
	case *file.Int32ColumnChunkReader:
		c.read = levelReader(c, cr, func(v int32) any { return v })
	case *file.Int64ColumnChunkReader:
		if leaf.kind == kindTimestamp {
			c.read = levelReader(c, cr, func(v int64) any { return time.UnixMicro(v).UTC() })
		} else {
			c.read = levelReader(c, cr, func(v int64) any { return v })
		}
	case *file.Float64ColumnChunkReader:
		c.read = levelReader(c, cr, func(v float64) any { return v })
	case *file.Float32ColumnChunkReader:
		c.read = levelReader(c, cr, func(v float32) any { return v })
	case *file.BooleanColumnChunkReader:
		c.read = levelReader(c, cr, func(v bool) any { return v })
	default:
		c.read = func(int) (int, error) { return 0, fmt.Errorf("unexpected column reader %T", cr) }
	}
	return c
}

// levelReader returns c's read function over the typed reader cr, whose
// values conv turns into the Go values of RecordTable.Rows.
func levelReader[T any](c *colCursor, cr batchReader[T], conv func(T) any) func(int) (int, error) {
	var buf []T
	var defBuf, repBuf []int16
	return func(want int) (int, error) {
		if !cr.HasNext() {
			return 0, cr.Err()
		}
		if len(buf) < want {
			buf = make([]T, want)
			if c.leaf.maxDef > 0 {
				defBuf = make([]int16, want)
			}
			if c.leaf.maxRep > 0 {
				repBuf = make([]int16, want)
			}
		}
		var d, r []int16
		if c.leaf.maxDef > 0 {
			d = defBuf[:want]
		}
		if c.leaf.maxRep > 0 {
			r = repBuf[:want]
		}
		total, nv, err := cr.ReadBatch(int64(want), buf[:want], d, r)
		if err != nil {
			return 0, err
		}
		if total < 0 || total > int64(want) || nv < 0 || nv > int(total) || d == nil && nv != int(total) {
			return 0, fmt.Errorf("reader returned %d levels and %d values for %d", total, nv, want)
		}
		for _, v := range buf[:nv] {
			c.vals = append(c.vals, conv(v))
		}
		if d != nil {
			c.def = append(c.def, d[:total]...)
		}
		if r != nil {
			for _, l := range r[:total] {
				if l == 0 {
					c.starts++
				}
			}
			c.rep = append(c.rep, r[:total]...)
		}
		if total == 0 {
			return 0, cr.Err()
		}
		return int(total), nil
	}
}

// levels is the number of levels read and not returned: one per value
// for a required flat column, which has no definition levels.
func (c *colCursor) levels() int {
	if c.leaf.maxDef == 0 {
		return len(c.vals)
	}
	return len(c.def)
}

// fill reads until more than n rows have started (so that the first n
// are complete) or the chunk ends.
func (c *colCursor) fill(n int) error {
	for !c.done && c.starts <= n {
		if c.levels() > MaxRecordCells {
			return fmt.Errorf("more than %d list elements", MaxRecordCells)
		}
		got, err := c.read(recordReadLevels)
		if err != nil {
			return err
		}
		c.done = got == 0
	}
	return nil
}

// consume drops the first lev levels and k values read.
func (c *colCursor) consume(lev, k int) {
	c.vals = append(c.vals[:0], c.vals[k:]...)
	if c.def != nil {
		c.def = append(c.def[:0], c.def[lev:]...)
	}
	if c.rep != nil {
		for _, l := range c.rep[:lev] {
			if l == 0 {
				c.starts--
			}
		}
		c.rep = append(c.rep[:0], c.rep[lev:]...)
	}
}

// rows returns the next n rows' values (nil for null), after checking
// that the levels and values agree, so that a corrupt file cannot index
// out of range.
func (c *colCursor) rows(n int) ([]any, error) {
	if c.leaf.kind.isList() {
		return c.lists(n)
	}
	for c.levels() < n {
		got, err := c.read(min(recordReadLevels, n-c.levels()))
		if err != nil {
			return nil, err
		}
		if got == 0 {
			return nil, fmt.Errorf("%d values, the row group has more rows", c.levels())
		}
	}
	out := make([]any, n)
	if c.leaf.maxDef == 0 {
		copy(out, c.vals[:n])
		c.consume(n, n)
		return out, nil
	}
	k := 0
	for i, d := range c.def[:n] {
		switch {
		case d == c.leaf.maxDef:
			if k >= len(c.vals) {
				return nil, fmt.Errorf("%d values for more non-null levels", len(c.vals))
			}
			out[i] = c.vals[k]
			k++
		case d < 0 || d > c.leaf.maxDef:
			return nil, fmt.Errorf("definition level %d out of range", d)
		}
	}
	// A flat column is read n levels at a time, so all its pending values
	// belong to these n rows.
	if k != len(c.vals) {
		return nil, fmt.Errorf("%d values for %d non-null levels", len(c.vals), k)
	}
	c.consume(n, k)
	return out, nil
}

// lists returns the next n rows of a list column, one []string or
// []float32 per row (nil for a null list).
func (c *colCursor) lists(n int) ([]any, error) {
	if err := c.fill(n); err != nil {
		return nil, err
	}
	cut, seen := len(c.rep), 0
	for i, l := range c.rep {
		if l == 0 {
			if seen == n {
				cut = i
				break
			}
			seen++
		}
	}
	if seen < n {
		return nil, fmt.Errorf("%d lists, the row group has more rows", seen)
	}
	k := 0
	for _, d := range c.def[:cut] {
		if d == c.leaf.maxDef {
			k++
		}
	}
	if k > len(c.vals) || cut == len(c.rep) && c.done && k != len(c.vals) {
		return nil, fmt.Errorf("%d values for %d list elements", len(c.vals), k)
	}
	out, err := assembleLists(c.vals[:k], c.def[:cut], c.rep[:cut], c.leaf, n)
	if err != nil {
		return nil, err
	}
	c.consume(cut, k)
	return out, nil
}

// assembleLists turns the levels and element values of a list column into
// one []string or []float32 per row (nil for a null list).
func assembleLists(vals []any, def, rep []int16, leaf *recordLeaf, rows int) ([]any, error) {
	if len(def) != len(rep) {
		return nil, fmt.Errorf("%d definition and %d repetition levels", len(def), len(rep))
	}
	// Levels: the list's own (0 null when optional), then the repeated
	// group's (empty list below it), then the element's when optional
	// (null element below it).
	empty := int16(0)
	if leaf.nullable {
		empty = 1
	}
	elem := leaf.maxDef
	out := make([]any, 0, rows)
	k := 0
	for i := 0; i < len(def); {
		if rep[i] != 0 {
			return nil, errors.New("malformed list levels (a list continues across rows)")
		}
		if len(out) == rows {
			return nil, fmt.Errorf("more lists than the row group's %d rows", rows)
		}
		switch d := def[i]; {
		case d < 0 || d > elem:
			return nil, fmt.Errorf("definition level %d out of range", d)
		case d < empty:
			out = append(out, nil)
			i++
			continue
		case d == empty:
			i++
			if leaf.kind == kindListString {
				out = append(out, []string{})
			} else {
				out = append(out, []float32{})
			}
			continue
		}
		j := i
		for j < len(def) && (j == i || rep[j] == 1) {
			if def[j] != elem {
				if def[j] < 0 || def[j] > elem || (rep[j] == 1 && def[j] <= empty) {
					return nil, fmt.Errorf("definition level %d out of range", def[j])
				}
				return nil, errors.New("null list elements are not supported")
			}
			if rep[j] < 0 || rep[j] > 1 {
				return nil, fmt.Errorf("repetition level %d out of range", rep[j])
			}
			j++
		}
		n := j - i
		if k+n > len(vals) {
			return nil, fmt.Errorf("%d values for more list elements", len(vals))
		}
		if leaf.kind == kindListString {
			l := make([]string, n)
			for m := range l {
				l[m], _ = vals[k+m].(string)
			}
			out = append(out, l)
		} else {
			l := make([]float32, n)
			for m := range l {
				l[m], _ = vals[k+m].(float32)
			}
			out = append(out, l)
		}
		k += n
		i = j
	}
	if len(out) != rows {
		return nil, fmt.Errorf("%d lists, the row group has %d rows", len(out), rows)
	}
	if k != len(vals) {
		return nil, fmt.Errorf("%d values for %d list elements", len(vals), k)
	}
	return out, nil
}
